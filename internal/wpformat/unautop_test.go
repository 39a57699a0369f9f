package wpformat

import "testing"

// The expected outputs are what WordPress 7.2's shortcode_unautop() returns.
func TestShortcodeUnautop(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"alone", "<p>[gallery]</p>", "[gallery]"},
		{"enclosing", `<p>[caption id="x"]a[/caption]</p>`, `[caption id="x"]a[/caption]`},
		{"spaces around", "<p> [embed]http://x[/embed] </p>", "[embed]http://x[/embed]"},
		{"no-break spaces around", "<p>&nbsp;\u00a0[gallery]\u00a0</p>", "[gallery]"},
		{"self-closing", "<p>[gallery/]</p>", "[gallery/]"},
		{"text after", `<p>[gallery ids="1/2"]x</p>`, `<p>[gallery ids="1/2"]x</p>`},
		{"text before", "<p>x [gallery]</p>", "<p>x [gallery]</p>"},
		{"unregistered", "<p>[contact-form]</p>", "<p>[contact-form]</p>"},
		{"name followed by a hyphen", "<p>[gallery-x]</p>", "<p>[gallery-x]</p>"},
		{"opening tag alone though a closing one follows later",
			"<p>[caption]</p>\n<p>x[/caption] y</p>", "[caption]\n<p>x[/caption] y</p>"},
		{"several", "<p>[gallery]</p>\n<p>a</p>\n<p>[embed]u[/embed]</p>\n", "[gallery]\n<p>a</p>\n[embed]u[/embed]\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ShortcodeUnautop(c.in); got != c.want {
				t.Errorf("ShortcodeUnautop(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}
