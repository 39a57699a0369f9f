package markup_test

import (
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/wpformat"
)

func TestRenderWordPress(t *testing.T) {
	cases := []struct {
		name, content, want string
	}{
		{"paragraphs and typography", "First \"para\" -- it's here...\n\nSecond,\nline.",
			"<p>First “para” — it’s here…</p>\n<p>Second,<br/>\nline.</p>\n"},
		{"more break in its own paragraph", "Teaser.\n\n<!--more-->\n\nRest.",
			"<p>Teaser.</p>\n" + blog.MoreTag + "\n\n<p>Rest.</p>\n"},
		{"more break inside a paragraph", "Teaser <!--more--> rest.",
			"<p>Teaser </p>" + blog.MoreTag + "\n<p> rest.</p>\n"},
		{"caption", `[caption id="attachment_7" align="alignright" width="300"]<img src="/a.jpg" /> A deal[/caption]`,
			`<figure id="attachment_7" class="wp-caption alignright"><img src="/a.jpg" loading="lazy"/><figcaption id="caption-attachment-7" class="wp-caption-text">A deal</figcaption></figure>` + "\n"},
		{"code keeps its quotes", "<pre>\"x\" -- y</pre>", "<pre>&#34;x&#34; -- y</pre>\n"},
		{"script removed", "Hi<script>alert(1)</script>", "<p>Hi</p>\n"},
		{"blocks are not autop'd", "<!-- wp:paragraph -->\n<p>One \"two\"</p>\n<!-- /wp:paragraph -->",
			"\n<p>One “two”</p>\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := markup.RenderWordPress(c.content, wpformat.Options{PostID: 42})
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestPrepareByFormat(t *testing.T) {
	p := &blog.Post{ID: 3, Format: blog.FormatWordPress, Body: "a\n\nb"}
	if err := markup.Prepare(p); err != nil || p.BodyHTML != "<p>a</p>\n<p>b</p>\n" {
		t.Errorf("wordpress: %q %v", p.BodyHTML, err)
	}
	p = &blog.Post{Body: "*a*"}
	if err := markup.Prepare(p); err != nil || !strings.Contains(p.BodyHTML, "<em>a</em>") {
		t.Errorf("markdown: %q %v", p.BodyHTML, err)
	}
}

func TestTypography(t *testing.T) {
	cases := []struct{ in, want string }{
		{`<p>It&#39;s &#34;here&#34; -- ok...</p>`, `<p>It&#8217;s &#8220;here&#8221; &#8212; ok&#8230;</p>`},
		{`<a href="/x" title="a &#34;b&#34;">It&#39;s</a>`, `<a href="/x" title="a &#34;b&#34;">It&#8217;s</a>`},
		{`<p><code>a -- b</code> and <kbd>"k"</kbd></p>`, `<p><code>a -- b</code> and <kbd>"k"</kbd></p>`},
		{`plain`, `plain`},
	}
	for _, c := range cases {
		if got := markup.Typography(c.in); got != c.want {
			t.Errorf("Typography(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
	if got := markup.TypographyText(`It's "5 < 6" -- <b>`); got != `It’s “5 < 6” — <b>` {
		t.Errorf("TypographyText: %q", got)
	}
}
