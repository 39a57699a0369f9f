package wpformat

import (
	"strconv"
	"strings"
	"testing"
)

// fuzzSeeds are inputs that reach every rule.
var fuzzSeeds = []string{
	"", "0", "Hello \"world\" -- it's '99... (tm) 2x4 & more",
	"a\n\nb\nc<br>\n<br/>\nd", "<pre>a\n\nb</pre>x</pre><pre", "<script>a\nb</script><svg>\n</svg><math>\n",
	"<!-- c -->'q'<![CDATA[ x\n ]]><!--", "[caption id=\"a\" width=\"3\"]<img src=\"x\" /> c[/caption]",
	"[[gallery]] [gallery ids=\"1,2\"] [embed]https://youtu.be/x[/embed] [audio src=\"a.mp3\"]",
	"<p>[gallery]</p>\n<p>\u00a0[caption]x[/caption]&nbsp;</p>", "<!-- wp:paragraph {\"a\":\"}\"} -->x<!-- /wp:paragraph --><!-- wp:b /-->",
	"x<!--more Read-->y<!--nextpage-->z<!--noteaser-->", "<option>\n</option><object>\n<param>\n</object><video>\n<source>\n",
	"&#8217; &amp; &#x27; &# &abcdefghij;", "<code>\"a\"</code><kbd>--</kbd>[code]...[/code]",
}

func fuzzMedia() Media {
	return Media{
		Attachment: func(id int64) (Attachment, bool) {
			return Attachment{ID: id, URL: "https://ex.com/a.jpg", Caption: "c \"q\""}, id%2 == 1
		},
		Attached: func(int64) []int64 { return []int64{1, 2, 3} },
	}
}

func FuzzTexturize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Texturize(s)
		if !strings.ContainsAny(s, "'\"`.-x(&") && out != s {
			t.Errorf("Texturize changed text it has no rule for: %q → %q", s, out)
		}
	})
}

func FuzzAutop(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, br bool) {
		out := Autop(s, br)
		if strings.Contains(out, "<!-- wpnl -->") && !strings.Contains(s, "wpnl") ||
			strings.Contains(out, "WPPreserveNewline") && !strings.Contains(s, "WPPreserveNewline") {
			t.Errorf("Autop left a placeholder: %q → %q", s, out)
		}
	})
}

func FuzzRender(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		Render(s, Options{PostID: 7, Media: fuzzMedia(), Reusable: func(int64) (string, bool) { return s, true }})
		ShortcodeUnautop(s)
		ParseBlocks(s)
	})
}

// hostile are inputs built to make a naive or backtracking implementation
// take quadratic (or worse) time, each as a unit that is repeated.
var hostile = []struct{ name, unit, tail string }{
	{"quotes", `'"'1'"`, ""},
	{"open quotes", ` "a 'b`, ""},
	{"numbers", "1.1,", "x1"},
	{"times", "1x1x", ""},
	{"dashes", "- -- ---", ""},
	{"ampersands", "&a&#1&#x", ""},
	{"unclosed tags", "<a ", ""},
	{"unclosed comments", "<!--a", ""},
	{"comment ends", "-->", ""},
	{"shortcode starts", "[gallery a", "]"},
	{"shortcode tag", "[gallery <", ""},
	{"captions without end", "[caption]a", "[/caption]"},
	{"paragraph shortcodes", "<p>[gallery ", "]" + strings.Repeat(" ", 100) + "x"},
	{"paragraph enclosing", "<p>[caption]", "[/caption]" + strings.Repeat(" ", 100)},
	{"pres", "<pre>a", "</pre>"},
	{"pre ends", "</pre><pre", ""},
	{"scripts", "<script>\n", "</script>"},
	{"spaces and newlines", " \t", "\n"},
	{"brs", "<br /> ", "\n"},
	{"blank lines", "a\n\n", ""},
	{"blocks unclosed", "<!-- wp:a -->x", ""},
	{"block attrs", "<!-- wp:a {", "} -->"},
	{"block closers", "<!-- /wp:a -->", ""},
	{"more tags", "<!--more", "-->"},
	{"urls", "\nhttps://youtu.be/", "\n"},
	{"blockquotes", "<p><blockquote>", ""},
	{"list items", "<p><li>", "</p>"},
}

// BenchmarkHostile times each function on each hostile input at 40 KB and
// at 160 KB, so that growth worse than linear shows as ns/byte rising with
// the size (go test -bench Hostile -run ^$ ./internal/wpformat). Timings
// are measured here, never asserted in a test.
func BenchmarkHostile(b *testing.B) {
	funcs := []struct {
		name string
		f    func(string)
	}{
		{"Texturize", func(s string) { Texturize(s) }},
		{"Autop", func(s string) { Autop(s, true) }},
		{"ShortcodeUnautop", func(s string) { ShortcodeUnautop(s) }},
		{"Shortcodes", func(s string) { Shortcodes(s, fuzzMedia(), 1) }},
		{"RenderBlocks", func(s string) { (BlockRenderer{}).RenderBlocks(s) }},
		{"Render", func(s string) { Render(s, Options{PostID: 1, Media: fuzzMedia()}) }},
	}
	for _, h := range hostile {
		for _, fn := range funcs {
			for _, size := range []int{40000, 160000} {
				s := strings.Repeat(h.unit, size/len(h.unit)) + h.tail
				b.Run(fn.name+"/"+h.name+"/"+strconv.Itoa(size), func(b *testing.B) {
					b.SetBytes(int64(len(s)))
					for b.Loop() {
						fn.f(s)
					}
				})
			}
		}
	}
}
