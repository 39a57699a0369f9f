package deliver_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
)

// TestTrackingOverSMTP sends an issue through the SMTP server in process
// with tracking on and off: on, each HTML part carries the subscriber's
// own open image and click links on the site's base URL, and the plain
// text keeps the author's links; off, neither changes.
func TestTrackingOverSMTP(t *testing.T) {
	open := regexp.MustCompile(`<img src="https://coach\.example\.com/newsletter/open/[A-Za-z0-9_.-]+" width="1" height="1" alt=""`)
	click := regexp.MustCompile(`href="https://coach\.example\.com/newsletter/click/[A-Za-z0-9_.-]+"`)
	for _, on := range []bool{true, false} {
		name, flag := "off", "0"
		if on {
			name, flag = "on", "1"
		}
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, fixtureOpts{settings: map[string]string{site.KeyNewsletterTracking: flag}})
			subs := f.subscribers(3)
			is := f.send("Tracked or not")
			f.waitIssue(is.ID)
			got := byRecipient(f.smtp.Received())
			seen := map[string]bool{}
			for _, s := range subs {
				if len(got[s.Email]) != 1 {
					t.Fatalf("%s got %d messages", s.Email, len(got[s.Email]))
				}
				text, html := parts(t, got[s.Email][0])
				if !strings.Contains(text, "https://coach.example.com/2011/01/what-business/") || strings.Contains(text, "/newsletter/click/") {
					t.Errorf("%s: the plain text's link changed:\n%s", s.Email, text)
				}
				o, c := open.FindString(html), click.FindAllString(html, -1)
				if !on {
					if o != "" || len(c) != 0 || !strings.Contains(html, `href="https://coach.example.com/2011/01/what-business/"`) {
						t.Errorf("%s: tracking while off:\n%s", s.Email, html)
					}
					continue
				}
				if o == "" || len(c) != 1 || strings.Contains(html, `href="https://coach.example.com/2011/01/what-business/"`) {
					t.Fatalf("%s: open image %q, click links %q:\n%s", s.Email, o, c, html)
				}
				if seen[o] || seen[c[0]] {
					t.Errorf("%s shares a tracking token", s.Email)
				}
				seen[o], seen[c[0]] = true, true
			}
			if !on {
				return
			}
			set, _, _ := f.as.Site.Current(context.Background())
			links, err := newsletter.IssueLinks(is.BodyHTML, set.BaseURL)
			if err != nil || len(links) != 1 || links[0] != "https://coach.example.com/2011/01/what-business/" {
				t.Errorf("links = %q, %v", links, err)
			}
		})
	}
}
