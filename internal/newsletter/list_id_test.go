package newsletter_test

import (
	"testing"

	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
)

func TestListID(t *testing.T) {
	for _, c := range []struct{ title, want string }{
		{"Sales Coach", `"Sales Coach weekly tip" <newsletter.example.com>`},
		{"The Weekly Sales Tip", `"The Weekly Sales Tip" <newsletter.example.com>`},
		{"Monday Tips", `"Monday Tips" <newsletter.example.com>`},
		{`Say "hi" \ ünï`, `"Say hi  n weekly tip" <newsletter.example.com>`},
		{"", `<newsletter.example.com>`},
	} {
		set := site.Defaults()
		set.Title, set.BaseURL = c.title, "https://example.com/blog"
		if got := newsletter.ListID(&set); got != c.want {
			t.Errorf("%q: %s, want %s", c.title, got, c.want)
		}
	}
}
