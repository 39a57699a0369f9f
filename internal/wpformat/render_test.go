package wpformat

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    string
		teaser  string
		hasMore bool
	}{
		{"classic post", "Hello \"world\" -- it's 1999.\n\nSecond para...\nline two",
			"<p>Hello &#8220;world&#8221; &#8212; it&#8217;s 1999.</p>\n<p>Second para&#8230;<br />\nline two</p>\n", "", false},
		{"more tag in its own paragraph", "Intro.\n\n<!--more-->\n\nRest.",
			"<p>Intro.</p>\n<p><span id=\"more-42\"></span></p>\n<p>Rest.</p>\n", "<p>Intro.</p>\n", true},
		{"more tag inside a line", "Intro.<!--more Read the rest-->Rest.",
			"<p>Intro.<span id=\"more-42\"></span>Rest.</p>\n", "<p>Intro.</p>\n", true},
		{"noteaser", "<!--noteaser-->Intro.\n<!--more-->\nRest.",
			"<p><span id=\"more-42\"></span><br />\nRest.</p>\n", "<p><!--noteaser-->Intro.</p>\n", true},
		{"pages", "Page one.\n<!--nextpage-->\nPage two.",
			"<p>Page one.</p>\n\n<p>Page two.</p>\n", "<p>Page one.</p>\n", true},
		{"blocks skip wpautop, keep wptexturize",
			"<!-- wp:paragraph -->\n<p>Block \"one\"</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n\n<!-- wp:paragraph -->\n<p>Two</p>\n<!-- /wp:paragraph -->",
			"\n<p>Block &#8220;one&#8221;</p>\n\n\n\n<span id=\"more-42\"></span>\n\n\n\n<p>Two</p>\n", "\n<p>Block &#8220;one&#8221;</p>\n\n\n\n", true},
		{"caption stands alone",
			"Look:\n\n[caption id=\"attachment_5\" align=\"alignleft\" width=\"300\"]<img src=\"a.jpg\" /> A \"cap\"[/caption]\n\nAfter.",
			"<p>Look:</p>\n<figure id=\"attachment_5\" aria-describedby=\"caption-attachment-5\" style=\"width: 300px\" class=\"wp-caption alignleft\"><img src=\"a.jpg\" />" +
				"<figcaption id=\"caption-attachment-5\" class=\"wp-caption-text\">A &#8220;cap&#8221;</figcaption></figure>\n<p>After.</p>\n", "", false},
		{"embeds",
			"Watch:\n\nhttps://www.youtube.com/watch?v=abc\n\nhttps://example.com/page\n\n[embed]https://vimeo.com/1[/embed]",
			"<p>Watch:</p>\n<p><a href=\"https://www.youtube.com/watch?v=abc\">https://www.youtube.com/watch?v=abc</a></p>\n<p>https://example.com/page</p>\n" +
				"<p><a href=\"https://vimeo.com/1\">https://vimeo.com/1</a></p>\n", "", false},
		{"code keeps straight quotes", "Type <code>\"x\" -- y</code> and \"z\".",
			"<p>Type <code>\"x\" -- y</code> and &#8220;z&#8221;.</p>\n", "", false},
		{"unknown shortcode stays in its paragraph", "[contact-form-7 id=\"1\"]", "<p>[contact-form-7 id=&#8221;1&#8243;]</p>\n", "", false},
		{"embed in an element stays for do_shortcode, which drops it", "<[embed]https://youtu.be/x[/embed]>", "<p><></p>\n", "", false},
		{"empty", "", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Render(c.in, Options{PostID: 42, Media: testMedia()})
			if r.HTML != c.want || r.Teaser != c.teaser || r.HasMore != c.hasMore {
				t.Errorf("Render(%q)\n got %q, teaser %q, more %v\nwant %q, teaser %q, more %v",
					c.in, r.HTML, r.Teaser, r.HasMore, c.want, c.teaser, c.hasMore)
			}
		})
	}
}

func TestRenderOptions(t *testing.T) {
	r := Render("It's \"here\".\n<!--more Go on-->\nMore.", Options{NoTexturize: true})
	if r.HTML != "<p>It's \"here\".</p>\n<p>More.</p>\n" || r.MoreText != "Go on" || r.Teaser != "<p>It's \"here\".</p>\n" {
		t.Errorf("no texturize, no post ID: %+v", r)
	}
	gallery := Render(`[gallery]`, Options{PostID: 99, Media: testMedia()})
	if !strings.Contains(gallery.HTML, "galleryid-99") || strings.Contains(gallery.HTML, "<p>") {
		t.Errorf("gallery of the post's images: %q", gallery.HTML)
	}
	reusable := Render(`<!-- wp:block {"ref":3} /-->`, Options{Reusable: func(id int64) (string, bool) {
		return "<!-- wp:paragraph --><p>It's shared</p><!-- /wp:paragraph -->", id == 3
	}})
	if reusable.HTML != "<p>It&#8217;s shared</p>" {
		t.Errorf("reusable block: %q", reusable.HTML)
	}
}

func TestFindMore(t *testing.T) {
	m, ok := FindMore("a<!-- wp:more {\"customText\":\"Go\"} -->\n<!--more Go-->\n<!-- /wp:more -->b")
	if !ok || m.Teaser != "a\n" || m.Rest != "\nb" || m.Text != "Go" || m.Offset != 38 {
		t.Errorf("more block: %+v %v", m, ok)
	}
	m, ok = FindMore("x<!--more <b>Read</b> on -->y<!--more-->z")
	if !ok || m.Teaser != "x" || m.Rest != "y<!--more-->z" || m.Text != "Read on" {
		t.Errorf("first more tag with markup in its text: %+v %v", m, ok)
	}
	if _, ok := FindMore("<!-- more -->"); ok {
		t.Error("<!-- more --> is not a more tag")
	}
}

func TestSplitPages(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"one", []string{"one"}},
		{"a\n<!--nextpage-->\nb<!--nextpage-->c", []string{"a", "b", "c"}},
		{"<!--nextpage-->a\n<!--nextpage-->", []string{"a", ""}},
		{"<!-- wp:nextpage -->\n<!--nextpage-->\n<!-- /wp:nextpage -->x", []string{"x"}},
	}
	for _, c := range cases {
		if got := SplitPages(c.in); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("SplitPages(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestAutoembed(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://youtu.be/x", `<a href="https://youtu.be/x">https://youtu.be/x</a>`},
		{"a\n  https://www.flickr.com/p/1  \nb", "a\n  <a href=\"https://www.flickr.com/p/1\">https://www.flickr.com/p/1</a>  \nb"},
		{`<p class="x"> https://twitter.com/a/status/1 </p>`, `<p class="x"> <a href="https://twitter.com/a/status/1">https://twitter.com/a/status/1</a> </p>`},
		{"see https://youtu.be/x here", "see https://youtu.be/x here"},
		{"https://example.com/", "https://example.com/"},
		{"https://www.amazon.co.uk/dp/1", `<a href="https://www.amazon.co.uk/dp/1">https://www.amazon.co.uk/dp/1</a>`},
		{"<a\nhref='x'>https://youtu.be/x</a>", "<a\nhref='x'>https://youtu.be/x</a>"},
	}
	for _, c := range cases {
		if got := autoembed(c.in); got != c.want {
			t.Errorf("autoembed(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}
