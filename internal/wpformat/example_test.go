package wpformat_test

import (
	"fmt"

	"github.com/quirehq/quire/internal/wpformat"
)

// The importer renders each post's content once, with the attachments it
// read from the same export, and stores the HTML (sanitised) and the teaser.
func ExampleRender() {
	content := "What business are you in? \"Sales\" -- it's that simple...\n" +
		"Ask the buyer.\n\n<!--more-->\n\n" +
		"[caption id=\"attachment_7\" align=\"alignright\" width=\"300\"]<img src=\"/wp-content/uploads/handshake.jpg\" /> A deal[/caption]\n\n" +
		"https://www.youtube.com/watch?v=abc"
	attachments := map[int64]wpformat.Attachment{
		7: {ID: 7, URL: "https://example.com/wp-content/uploads/handshake.jpg"},
	}
	r := wpformat.Render(content, wpformat.Options{
		PostID: 42,
		Media: wpformat.Media{Attachment: func(id int64) (wpformat.Attachment, bool) {
			a, ok := attachments[id]
			return a, ok
		}},
	})
	fmt.Println(r.HTML)
	fmt.Println(r.HasMore, r.Teaser)
	// Output:
	// <p>What business are you in? &#8220;Sales&#8221; &#8212; it&#8217;s that simple&#8230;<br />
	// Ask the buyer.</p>
	// <p><span id="more-42"></span></p>
	// <figure id="attachment_7" aria-describedby="caption-attachment-7" style="width: 300px" class="wp-caption alignright"><img src="/wp-content/uploads/handshake.jpg" /><figcaption id="caption-attachment-7" class="wp-caption-text">A deal</figcaption></figure>
	// <p><a href="https://www.youtube.com/watch?v=abc">https://www.youtube.com/watch?v=abc</a></p>
	//
	// true <p>What business are you in? &#8220;Sales&#8221; &#8212; it&#8217;s that simple&#8230;<br />
	// Ask the buyer.</p>
}

// Each step is also on its own.
func ExampleAutop() {
	fmt.Print(wpformat.Autop(wpformat.Texturize("First \"paragraph\".\n\nSecond one,\nwith a break."), true))
	// Output:
	// <p>First &#8220;paragraph&#8221;.</p>
	// <p>Second one,<br />
	// with a break.</p>
}
