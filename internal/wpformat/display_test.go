package wpformat

import "testing"

// The expected outputs are what WordPress 7.2 returns.
func TestConvertChars(t *testing.T) {
	cases := []struct{ in, want string }{
		{"Fish & Chips", "Fish &#038; Chips"},
		{"&amp; &lt; &#8217; &#x27; &nbsp;", "&amp; &lt; &#8217; &#x27; &nbsp;"},
		{"&x; &ab;", "&#038;x; &ab;"},
		{"a&b", "a&#038;b"},
		{"&&amp;", "&&amp;"},
		{"end &", "end &"},
		{"&verylongname;", "&#038;verylongname;"},
	}
	for _, c := range cases {
		if got := ConvertChars(c.in); got != c.want {
			t.Errorf("ConvertChars(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRenderTitle(t *testing.T) {
	if got := RenderTitle(" Why \"Wordpress\" & I -- don't agree... "); got != "Why &#8220;WordPress&#8221; &#038; I &#8212; don&#8217;t agree&#8230;" {
		t.Errorf("RenderTitle: %q", got)
	}
}

func TestRenderExcerpt(t *testing.T) {
	got := RenderExcerpt("It's a \"tip\" :)\n\n[gallery]")
	if want := "<p>It&#8217;s a &#8220;tip&#8221; 🙂</p>\n[gallery]\n"; got != want {
		t.Errorf("RenderExcerpt: %q, want %q", got, want)
	}
}
