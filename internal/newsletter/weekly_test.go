package newsletter_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
)

func TestNextWeeklySaysWhatGoes(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.st.SaveSettings(ctx, map[string]string{site.KeyNewsletterWeekday: "2", site.KeyNewsletterTime: "09:00",
		site.KeyNewsletterTimeZone: "America/Chicago"}); err != nil {
		t.Fatal(err)
	}
	// Monday 2 March 2026, 10:00 UTC: next Tuesday 09:00 in Chicago (CST).
	plan, err := f.n.NextWeekly(ctx, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 3, 15, 0, 0, 0, time.UTC); !plan.At.Equal(want) || !plan.Nothing() {
		t.Errorf("empty site: %+v, want nothing at %v", plan, want)
	}
	// A post published since: a digest of one post.
	p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: "New post", Body: "x", PublishedAt: f.clock.Now().Add(-time.Hour)}
	if _, err := f.st.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	if plan, _ = f.n.NextWeekly(ctx, f.clock.Now()); !plan.Digest() || plan.Posts != 1 {
		t.Errorf("with a new post: %+v", plan)
	}
	// A tip in the queue goes first.
	is, err := f.n.SaveIssue(ctx, 0, newIssue("Queued tip"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.n.QueueIssue(ctx, is.ID); err != nil {
		t.Fatal(err)
	}
	if plan, _ = f.n.NextWeekly(ctx, f.clock.Now()); plan.Tip == nil || plan.Tip.ID != is.ID || plan.Queue != 1 {
		t.Errorf("with a queued tip: %+v", plan)
	}
	// Across the change to summer time (8 March 2026): still 09:00 there.
	if plan, _ = f.n.NextWeekly(ctx, time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)); !plan.At.Equal(time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("after the change: %v", plan.At)
	}
	if err := f.st.SaveSettings(ctx, map[string]string{site.KeyNewsletterWeekly: "0"}); err != nil {
		t.Fatal(err)
	}
	if plan, _ = f.n.NextWeekly(ctx, f.clock.Now()); !plan.Off {
		t.Errorf("turned off: %+v", plan)
	}
}

func TestParseIssueFile(t *testing.T) {
	for _, c := range []struct {
		name, file              string
		subject, preheader, err string
		body                    string
		warnings                int
	}{
		{name: "subject", file: "---\nsubject: This week\npreheader: One line\n---\n\nAsk **one** question.\n",
			subject: "This week", preheader: "One line", body: "Ask **one** question."},
		{name: "title instead", file: "---\ntitle: From the title\nauthor: me\n---\nText", subject: "From the title", body: "Text", warnings: 1},
		{name: "no front matter", file: "Just text", err: "line 1: no front matter"},
		{name: "not closed", file: "---\nsubject: x\n", err: "not closed"},
		{name: "no subject", file: "---\npreheader: p\n---\nText", err: "no subject"},
		{name: "bad yaml", file: "---\nsubject: [x\n---\nText", err: "not valid YAML"},
		{name: "list", file: "---\nsubject:\n  - a\n---\nText", err: "line 2: subject must be one line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, warn, err := newsletter.ParseIssueFile([]byte(c.file))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || in.Subject != c.subject || in.Preheader != c.preheader || in.Body != c.body || len(warn) != c.warnings {
				t.Errorf("got %+v, %v, %v", in, warn, err)
			}
		})
	}
}
