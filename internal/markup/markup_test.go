package markup

import (
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // substrings the output must hold
		not  []string // substrings it must not hold
	}{
		{"emphasis", "Some *text* and **bold**", []string{"<em>text</em>", "<strong>bold</strong>"}, nil},
		{"heading id", "## What Business Are You In?", []string{`<h2 id="what-business-are-you-in">`}, nil},
		{"repeated heading ids", "## Intro\n\n## Intro", []string{`id="intro"`, `id="intro-1"`}, nil},
		{"strikethrough", "~~gone~~", []string{"<del>gone</del>"}, nil},
		{"autolink", "see https://example.com/x now", []string{`<a href="https://example.com/x">https://example.com/x</a>`}, []string{"nofollow"}},
		{"table with alignment", "| a | b |\n|:--|--:|\n| 1 | 2 |", []string{"<table>", `<th align="left">a</th>`, `<td align="right">2</td>`}, []string{"style="}},
		{"task list", "- [x] done\n- [ ] todo", []string{`checked=""`, `type="checkbox"`}, nil},
		{"code language", "```go\nfmt.Println(1)\n```", []string{`<code class="language-go">`}, nil},
		{"typographer off", `"Quotes" -- and ...`, []string{"--", "..."}, []string{"“", "–", "…"}},
		{"image lazy", "![A cat](/media/1/cat.jpg)", []string{`<img src="/media/1/cat.jpg" alt="A cat" loading="lazy"/>`}, nil},
		{"figure kept", `<figure><img src="/a.jpg" alt="A" width="100" height="50"><figcaption>Cap</figcaption></figure>`,
			[]string{"<figure>", `width="100"`, `height="50"`, "<figcaption>Cap</figcaption>", `loading="lazy"`}, nil},
		{"eager kept", `<img src="/a.jpg" loading="eager">`, []string{`loading="eager"`}, []string{"lazy"}},
		{"blank target gets noopener", `<a href="https://x.example" target="_blank">x</a>`, []string{`target="_blank"`, `rel="noopener"`}, nil},
		{"existing rel extended", `<a href="https://x.example" target="_blank" rel="me">x</a>`, []string{`rel="me noopener"`}, nil},
		{"plain link untouched", "[x](https://x.example)", []string{`<a href="https://x.example">x</a>`}, []string{"rel="}},
		{"relative link", "[about](/about/)", []string{`href="/about/"`}, nil},
		{"mailto", "[mail](mailto:a@example.com)", []string{`href="mailto:a@example.com"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Render(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(got, n) {
					t.Errorf("output holds %q:\n%s", n, got)
				}
			}
		})
	}
}

func TestRenderRemovesDangerousHTML(t *testing.T) {
	tests := []struct {
		name, src string
		keep      string // harmless text that should survive, if any
	}{
		{"script", "<script>alert(1)</script>hello", "hello"},
		{"script in paragraph", "before <script>alert(1)</script> after", "after"},
		{"img onerror", `<img src=x onerror=alert(1)>`, `src="x"`},
		{"javascript href", `<a href="javascript:alert(1)">click</a>`, "click"},
		{"javascript markdown link", `[click](javascript:alert(1))`, "click"},
		{"javascript with entity", `<a href="jav&#x09;ascript:alert(1)">click</a>`, "click"},
		{"svg onload", `<svg onload=alert(1)><circle r="1"/></svg>`, ""},
		{"data url in href", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>`, "d"},
		{"data url markdown link", `[d](data:text/html,<script>alert(1)</script>)`, ""},
		{"data url image", `<img src="data:image/svg+xml;base64,PHN2Zz4=">`, ""},
		{"iframe", `<iframe src="https://evil.example/"></iframe>ok`, "ok"},
		{"style attribute", `<p style="position:fixed" onclick="x()">p</p>`, "<p>p</p>"},
		{"style element", `<style>body{display:none}</style>ok`, "ok"},
		{"event on link", `<a href="/x" onmouseover="alert(1)">x</a>`, `href="/x"`},
		{"form", `<form action="/admin/"><input name="q"></form>`, ""},
		{"object", `<object data="x.swf"></object>`, ""},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example/">`, ""},
		{"base", `<base href="https://evil.example/">`, ""},
		{"other comments", "<!-- secret -->visible", "visible"},
	}
	bad := []string{"<script", "onerror", "onload", "onclick", "onmouseover", "javascript:", "data:", "<svg",
		"<iframe", "style", "<form", "<object", "<meta", "<base", "secret"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Render(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			low := strings.ToLower(got)
			for _, b := range bad {
				if strings.Contains(low, b) {
					t.Errorf("output holds %q:\n%s", b, got)
				}
			}
			if tt.keep != "" && !strings.Contains(got, tt.keep) {
				t.Errorf("output lost %q:\n%s", tt.keep, got)
			}
		})
	}
}

func TestRenderMoreTag(t *testing.T) {
	tests := []struct {
		name         string
		src          string
		before, rest string // must appear on each side of the marker
		split        bool
	}{
		{"own line", "Teaser text.\n\n<!--more-->\n\nThe rest.", "<p>Teaser text.</p>", "<p>The rest.</p>", true},
		{"inside a paragraph", "Teaser <!--more--> rest", "<p>Teaser</p>", "<p>rest</p>", true},
		{"no blank lines", "Teaser\n<!--more-->\nRest", "Teaser", "Rest", true},
		{"references across the break", "See [site][s].\n\n<!--more-->\n\nAgain [site][s].\n\n[s]: https://example.com/",
			`<a href="https://example.com/">site</a>`, `<a href="https://example.com/">site</a>`, true},
		{"headings stay unique", "## Intro\n\n<!--more-->\n\n## Intro", `id="intro"`, `id="intro-1"`, true},
		{"in a code block it is text", "```\n<!--more-->\n```", "", "", false},
		{"in inline code it is text", "Use `<!--more-->` to cut.", "", "", false},
		{"none", "Just text.", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Render(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			before, rest, found := strings.Cut(got, blog.MoreTag)
			if found != tt.split {
				t.Fatalf("split = %v, want %v:\n%s", found, tt.split, got)
			}
			if !found {
				if strings.Contains(tt.src, blog.MoreTag) && !strings.Contains(got, "&lt;!--more--&gt;") {
					t.Errorf("the marker as text was lost:\n%s", got)
				}
				return
			}
			if !strings.Contains(before, tt.before) {
				t.Errorf("before the marker: %q", before)
			}
			if !strings.Contains(rest, tt.rest) {
				t.Errorf("after the marker: %q", rest)
			}
			if strings.Count(got, blog.MoreTag) != 1 {
				t.Errorf("marker count = %d", strings.Count(got, blog.MoreTag))
			}
		})
	}
}

func TestRenderClosesWhatAuthorsLeaveOpen(t *testing.T) {
	got, err := Render("<div class=\"box\"><em>teaser\n\n<!--more-->\n\nrest</em></div>\n\n<blockquote>never closed")
	if err != nil {
		t.Fatal(err)
	}
	before, after, found := strings.Cut(got, blog.MoreTag)
	if !found {
		t.Fatalf("no break in %q", got)
	}
	for _, part := range []string{before, after} {
		for _, tag := range []string{"div", "em", "blockquote"} {
			if strings.Count(part, "<"+tag) != strings.Count(part, "</"+tag+">") {
				t.Errorf("<%s> not balanced in %q", tag, part)
			}
		}
	}
	if !strings.Contains(before, "teaser") || !strings.Contains(after, "rest") || !strings.Contains(after, "never closed</blockquote>") {
		t.Errorf("text lost: %q | %q", before, after)
	}
}

func TestRenderKeepsOnlyFirstMoreTag(t *testing.T) {
	got, err := Render("a\n\n<!--more-->\n\nb\n\n<!--more-->\n\nc")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(got, blog.MoreTag) != 1 || !strings.Contains(got, "<p>c</p>") {
		t.Errorf("got %q", got)
	}
}

func TestPrepare(t *testing.T) {
	p := &blog.Post{Body: "Hello **world**"}
	if err := Prepare(p); err != nil {
		t.Fatal(err)
	}
	if p.BodyHTML != "<p>Hello <strong>world</strong></p>\n" {
		t.Errorf("BodyHTML = %q", p.BodyHTML)
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>Hello &amp; goodbye</p>", "Hello & goodbye"},
		{"<p>one</p><p>two</p>", "one two"},
		{"<p>wo<em>r</em>d</p>", "word"},
		{"<h2>Title</h2>\n\n<ul><li>a</li><li>b</li></ul>", "Title a b"},
		{"line<br>break", "line break"},
		{"<p>x</p><!--more--><p>y</p>", "x y"},
		{"<script>alert(1)</script>safe", "safe"},
		{"  lots \n\t of   space  ", "lots of space"},
		{"&lt;not a tag&gt; &#8220;quoted&#8221;", "<not a tag> “quoted”"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		in    string
		words int
		want  string
	}{
		{"<p>one two three</p>", 5, "one two three"},
		{"<p>one two three</p>", 3, "one two three"},
		{"<p>one two three four</p>", 2, "one two…"},
		{"<p>one, two, three</p>", 2, "one, two…"},
		{"<p>one, two, three</p>", 1, "one…"},
		{"<p>café &amp; crème brûlée</p>", 2, "café &…"},
		{"<p>anything</p>", 0, ""},
	}
	for _, tt := range tests {
		if got := Summary(tt.in, tt.words); got != tt.want {
			t.Errorf("Summary(%q, %d) = %q, want %q", tt.in, tt.words, got, tt.want)
		}
	}
}

// BenchmarkRender renders a post of about 1,300 words with headings, lists,
// links, code and a more break, as the theme's pages do.
func BenchmarkRender(b *testing.B) {
	var src strings.Builder
	src.WriteString("An opening paragraph that sets the scene for the reader.\n\n<!--more-->\n\n")
	for i := 0; i < 12; i++ {
		src.WriteString("## A section about selling well\n\n")
		src.WriteString(strings.Repeat("Ask what business your customer is in, and *listen* to the [answer](https://example.com/). ", 9))
		src.WriteString("\n\n- first point\n- second point with **weight**\n\n> A quote worth keeping.\n\n")
	}
	s := src.String()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(s); err != nil {
			b.Fatal(err)
		}
	}
}
