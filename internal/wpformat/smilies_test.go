package wpformat

import "testing"

// The expected outputs are what WordPress 7.2's convert_smilies() and
// capital_P_dangit() return.
func TestSmilies(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"between spaces", "Nice :) and ;-) too", "Nice 🙂 and 😉 too"},
		{"at line ends", ":D\nok 8-)", "😀\nok 😎"},
		{"after a no-break space", "a\u00a0:(&nbsp;b", "a\u00a0🙁&nbsp;b"},
		{"inside a word", "a:)b x:)", "a:)b x:)"},
		{"8) is not one", "Chapter 8) ends", "Chapter 8) ends"},
		{"longest", ":???: and :?:", "😕 and ❓"},
		{"right after a tag, not in one", "<b>:)</b> <a title=\":)\">x</a>", "<b>🙂</b> <a title=\":)\">x</a>"},
		{"after a tag with a space", "<b> :) </b>", "<b> 🙂 </b>"},
		{"not in code or pre", "<code> :) </code> :) <pre> :) </pre>", "<code> :) </code> 🙂 <pre> :) </pre>"},
		{"mrgreen stays", " :mrgreen: ", " :mrgreen: "},
		{"after an unclosed <", "<b>x</b><y :) ", "<b>x</b><y :) "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Smilies(c.in); got != c.want {
				t.Errorf("Smilies(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestCapitalPDangit(t *testing.T) {
	in := "I use Wordpress (Wordpress) <b>Wordpress</b> &#8220;Wordpress&#8221; &#8216;Wordpress and Wordpress.org, www.Wordpress"
	want := "I use WordPress (WordPress) <b>WordPress</b> &#8220;WordPress&#8221; &#8216;WordPress and WordPress.org, www.Wordpress"
	if got := CapitalPDangit(in); got != want {
		t.Errorf("CapitalPDangit\n got %q\nwant %q", got, want)
	}
}
