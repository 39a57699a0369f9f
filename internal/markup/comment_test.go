package markup

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestRenderCommentFormatting(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "  \n\t ", ""},
		{"paragraphs and line breaks", "Hello\nworld\r\n\r\nAgain", "<p>Hello<br/>\nworld</p>\n<p>Again</p>"},
		{"bare URL", "see https://example.com/a?x=1&y=2 now",
			`<p>see <a href="https://example.com/a?x=1&amp;y=2" rel="nofollow ugc">https://example.com/a?x=1&amp;y=2</a> now</p>`},
		{"www link", "www.example.org.", `<p><a href="http://www.example.org" rel="nofollow ugc">www.example.org</a>.</p>`},
		{"markdown emphasis", "*a* **b** `c`", "<p><em>a</em> <strong>b</strong> <code>c</code></p>"},
		{"html subset", "<em>a</em> <strong>b</strong> <code>c</code>", "<p><em>a</em> <strong>b</strong> <code>c</code></p>"},
		{"markdown link", `[site](https://example.com "t")`, `<p><a href="https://example.com" rel="nofollow ugc">site</a></p>`},
		{"target and events dropped", `<a href="https://example.com" target="_blank" onclick="x()" rel="me">ok</a>`,
			`<p><a href="https://example.com" rel="nofollow ugc">ok</a></p>`},
		{"quote", "> quoted\n\nreply", "<blockquote>\n<p>quoted</p>\n</blockquote>\n<p>reply</p>"},
		{"list", "- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"},
		{"ordered list", "1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"},
		{"code block keeps tags as text", "```\n<b>x</b>\n```", "<pre><code>&lt;b&gt;x&lt;/b&gt;\n</code></pre>"},
		{"no headings", "# Big\nSub\n===", "<p># Big<br/>\nSub<br/>\n===</p>"},
		{"no rule", "a\n\n---", "<p>a</p>\n<p>---</p>"},
		{"image becomes link", "![a cat](https://example.com/cat.png)",
			`<p><a href="https://example.com/cat.png" rel="nofollow ugc">a cat</a></p>`},
		{"less-than kept", "x < y & z", "<p>x &lt; y &amp; z</p>"},
		{"unknown tag removed, text kept", "<b>bold</b> <span>s</span>", "<p>bold s</p>"},
		{"unclosed tags closed", "<em>open", "<p><em>open</em></p>"},
		{"mail link", "ann@example.com", `<p><a href="mailto:ann@example.com" rel="nofollow ugc">ann@example.com</a></p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RenderComment(tt.in)
			if got != tt.want {
				t.Errorf("RenderComment(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			checkSafeComment(t, got)
		})
	}
}

func TestRenderCommentXSS(t *testing.T) {
	vectors := []string{
		`<script>alert(1)</script>`,
		`<SCRIPT SRC=https://evil.example/x.js></SCRIPT>`,
		`<img src=x onerror=alert(1)>`,
		`<IMG SRC="javascript:alert('XSS');">`,
		`<svg onload=alert(1)>`,
		`<svg><script>alert(1)</script></svg>`,
		`<body onload=alert(1)>`,
		`<iframe src="javascript:alert(1)"></iframe>`,
		`<p onmouseover="alert(1)">hover</p>`,
		`<a href="javascript:alert(1)">x</a>`,
		`<a href="JaVaScRiPt:alert(1)">x</a>`,
		`<a href=" javascript:alert(1)">x</a>`,
		`<a href="jav&#x09;ascript:alert(1)">x</a>`,
		`<a href="jav	ascript:alert(1)">x</a>`,
		`<a href="&#106;avascript:alert(1)">x</a>`,
		`<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>`,
		`<a href="vbscript:msgbox(1)">x</a>`,
		`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`,
		`[x](javascript:alert(1))`,
		`[x](data:text/html,<script>alert(1)</script>)`,
		`[x](<javascript:alert(1)>)`,
		`<javascript:alert(1)>`,
		`![x](javascript:alert(1))`,
		`<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>`,
		`<style>@import "https://evil.example/x.css";</style>`,
		`<p style="background:url(javascript:alert(1))">s</p>`,
		`<div><a href="https://ok.example" onfocus=alert(1) autofocus>x</a></div>`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
		`<<script>script>alert(1)<</script>/script>`,
		`<a href="https://ok.example"><img src=x onerror=alert(1)></a>`,
		`<object data="javascript:alert(1)"></object>`,
		`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
		`<base href="https://evil.example/">`,
		`<input autofocus onfocus=alert(1)>`,
		"<scr\x00ipt>alert(1)</scr\x00ipt>",
	}
	for _, v := range vectors {
		got := RenderComment(v)
		checkSafeComment(t, got)
		low := strings.ToLower(got)
		// Schemes are checked on attributes by checkSafeComment; as text
		// ("javascript:alert(1)" shown as words) they are harmless.
		for _, bad := range []string{"<script", "onerror", "onload", "<img", "<svg",
			"<iframe", "<style", "<object", "<meta", "<base", "<input", "style="} {
			if strings.Contains(low, bad) {
				t.Errorf("RenderComment(%q) = %q: contains %q", v, got, bad)
			}
		}
	}
}

// checkSafeComment parses out as a browser would and fails unless every
// element is one a comment may hold, every attribute is a link's href (web
// or mail only) or its rel="nofollow ugc", and every link has that rel.
func checkSafeComment(t *testing.T, out string) {
	t.Helper()
	allowed := map[atom.Atom]bool{atom.P: true, atom.Br: true, atom.Em: true, atom.Strong: true, atom.Code: true,
		atom.Pre: true, atom.Blockquote: true, atom.Ul: true, atom.Ol: true, atom.Li: true, atom.A: true}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(out), body)
	if err != nil {
		t.Fatalf("parse %q: %v", out, err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !allowed[n.DataAtom] {
				t.Errorf("element <%s> in %q", n.Data, out)
			}
			rel := ""
			for _, a := range n.Attr {
				switch {
				case n.DataAtom == atom.A && a.Key == "href":
					u, err := url.Parse(a.Val)
					if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
						t.Errorf("link to %q in %q", a.Val, out)
					}
				case n.DataAtom == atom.A && a.Key == "rel":
					rel = a.Val
				default:
					t.Errorf("attribute %s=%q on <%s> in %q", a.Key, a.Val, n.Data, out)
				}
			}
			if n.DataAtom == atom.A && rel != "nofollow ugc" {
				t.Errorf("link without rel=\"nofollow ugc\" in %q", out)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func BenchmarkRenderComment(b *testing.B) {
	text := "Thanks for this! I tried it on *my* site: https://example.com/post?id=1\n\n> quoted line\n\nAnd `code`, **bold**."
	for b.Loop() {
		RenderComment(text)
	}
}
