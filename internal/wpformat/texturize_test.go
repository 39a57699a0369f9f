package wpformat

import (
	"fmt"
	"strings"
	"testing"
)

// texturizerFor returns the Texturizer a WordPress test group runs with.
func texturizerFor(group string) *Texturizer {
	t := DefaultTexturizer()
	switch group {
	case "translate":
		// The translation WordPress's test installs: every character
		// distinct, apostrophe and closing single quote apart.
		t.Typography = Typography{
			OpenDouble: "!openq2!", CloseDouble: "!closeq2!",
			OpenSingle: "!openq1!", CloseSingle: "!closeq1!",
			Apostrophe: "!apos!", Prime: "!prime1!", DoublePrime: "!prime2!",
			EnDash: "!endash!", EmDash: "!emdash!",
		}
		for _, c := range english.Cockney {
			t.Typography.Cockney = append(t.Typography.Cockney,
				[2]string{c[0], strings.ReplaceAll(c[1], "&#8217;", "!apos!")})
		}
	case "primes_quotes_translation":
		// Opening and closing quotes the same, the cockney words untouched.
		t.Typography = Typography{
			OpenDouble: "!q2!", CloseDouble: "!q2!",
			OpenSingle: "!q1!", CloseSingle: "!q1!",
			Apostrophe: "!apos!", Prime: "!prime1!", DoublePrime: "!prime2!",
			EnDash: "!endash!", EmDash: "!emdash!",
			Cockney: english.Cockney,
		}
	case "unregistered_shortcodes":
		t.NoTexturizeShortcodes = append(t.NoTexturizeShortcodes, "audio")
	}
	return t
}

func TestTexturizeWordPressCases(t *testing.T) {
	for i, c := range wpTexturizeCases {
		t.Run(fmt.Sprintf("%s/%d", c.group, i), func(t *testing.T) {
			if got := texturizerFor(c.group).Texturize(c.in); got != c.want {
				t.Errorf("Texturize(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestTexturizeNeverTurnsNbspQuoteIntoClosing(t *testing.T) {
	// WordPress's test_spaces_around_quotes_never.
	if got := Texturize("\u00a0\"A"); got == "\u00a0&#8221;A" {
		t.Errorf("got %q", got)
	}
}
