package deliver_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/newsletter/deliver"
	"github.com/quirehq/quire/internal/site"
)

// TestWeeklyScheduleAcrossDST runs the weekly send "Tuesday 09:00,
// America/Chicago" on a fake clock over three weeks with a daylight-saving
// change (8 March 2026) between the first two: the tip queue's first issue
// at the first slot, exactly once although two engines tick together; a
// digest of the week's posts at 09:00 CDT — 14:00 UTC, not 15:00 — when the
// queue is empty; nothing, recorded with the reason, when there is nothing
// to say. A scheduled issue goes when due.
func TestWeeklyScheduleAcrossDST(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	clk := &clock{now: time.Date(2026, 3, 3, 8, 59, 0, 0, chicago)}
	f := newFixture(t, fixtureOpts{now: clk.Now, settings: map[string]string{site.KeyNewsletterWeekly: "1",
		site.KeyNewsletterWeekday: "2", site.KeyNewsletterTime: "09:00", site.KeyNewsletterTimeZone: "America/Chicago"}})
	ctx := context.Background()
	f.subscribers(3)
	tip, err := f.n.SaveIssue(ctx, 0, newsletter.IssueInput{Subject: "Tip one", Body: "Listen more than you talk."})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.n.QueueIssue(ctx, tip.ID); err != nil {
		t.Fatal(err)
	}
	other := deliver.New(f.st, f.as.Site, f.n, f.pool, nil, clk.Now, deliver.Options{})
	other.Jobs = f.as.App.Queue
	tick := func() {
		t.Helper()
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, e := range []*deliver.Engine{f.e, other} {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = e.Tick(ctx) }()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	sentIssues := func() []blog.Issue {
		t.Helper()
		list, _, err := f.st.Issues(ctx, storeFilter(blog.IssueSending, blog.IssueSent))
		if err != nil {
			t.Fatal(err)
		}
		return list
	}

	plan, err := f.e.NextSend(ctx, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !plan.At.Equal(time.Date(2026, 3, 3, 15, 0, 0, 0, time.UTC)) || plan.What != deliver.SlotIssue || plan.Issue.ID != tip.ID {
		t.Errorf("plan before the first slot: at %v, %s %+v", plan.At, plan.What, plan.Issue)
	}
	tick()
	if n := len(sentIssues()); n != 0 {
		t.Fatalf("%d issues started before the slot", n)
	}
	clk.set(time.Date(2026, 3, 3, 9, 0, 5, 0, chicago))
	tick()
	tick()
	if got := sentIssues(); len(got) != 1 || got[0].ID != tip.ID {
		t.Fatalf("after the first slot: %+v, want the queued tip once", got)
	}
	f.waitIssue(tip.ID)

	// A post during the week; the queue is empty at the next slot.
	post := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: "Ask Better Questions", Slug: "ask-better-questions",
		Body: "Questions *sell*.", BodyHTML: "<p>Questions <em>sell</em>. The rest follows from them.</p>",
		PublishedAt: time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)}
	if _, err := f.st.SavePost(ctx, post); err != nil {
		t.Fatal(err)
	}
	clk.set(time.Date(2026, 3, 10, 8, 59, 0, 0, chicago)) // 13:59 UTC, after the change
	if plan, _ = f.e.NextSend(ctx, clk.Now()); !plan.At.Equal(time.Date(2026, 3, 10, 14, 0, 0, 0, time.UTC)) ||
		plan.What != deliver.SlotDigest || len(plan.Posts) != 1 {
		t.Errorf("plan before the second slot: at %v (%s), %s, %d posts", plan.At, plan.At.In(chicago), plan.What, len(plan.Posts))
	}
	tick()
	if n := len(sentIssues()); n != 1 {
		t.Fatalf("an issue started before 09:00 CDT")
	}
	clk.set(time.Date(2026, 3, 10, 14, 0, 5, 0, time.UTC))
	tick()
	got := sentIssues()
	if len(got) != 2 || got[0].Kind != blog.IssueDigest && got[1].Kind != blog.IssueDigest {
		t.Fatalf("after the second slot: %+v, want a digest", got)
	}
	digest := got[0]
	if digest.Kind != blog.IssueDigest {
		digest = got[1]
	}
	if digest.Subject != "New on Sales Coach: Ask Better Questions" ||
		!strings.Contains(digest.Body, "[Ask Better Questions](/2026/03/05/ask-better-questions/)") ||
		!strings.Contains(digest.Body, "Questions sell. The rest follows from them.") {
		t.Errorf("digest: %q\n%s", digest.Subject, digest.Body)
	}
	f.waitIssue(digest.ID)
	var digestMail string
	for _, m := range f.smtp.Received() {
		if m.Header.Get("Subject") == digest.Subject {
			text, _ := parts(t, m)
			digestMail = text
		}
	}
	if !strings.Contains(digestMail, "https://coach.example.com/2026/03/05/ask-better-questions/") {
		t.Errorf("the digest's mail does not link to the post on the site:\n%s", digestMail)
	}

	// Nothing queued, nothing new: nothing is sent, and the dashboard can
	// say why.
	clk.set(time.Date(2026, 3, 17, 9, 0, 5, 0, chicago))
	tick()
	if n := len(sentIssues()); n != 2 {
		t.Errorf("%d issues after an empty week, want 2", n)
	}
	plan, err = f.e.NextSend(ctx, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if plan.Last == nil || plan.Last.Outcome != deliver.SlotNothing || !strings.Contains(plan.Last.Detail, "nothing was sent") ||
		!plan.Last.Slot.Equal(time.Date(2026, 3, 17, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("last slot: %+v", plan.Last)
	}
	if !plan.At.Equal(time.Date(2026, 3, 24, 14, 0, 0, 0, time.UTC)) || plan.What != deliver.SlotNothing {
		t.Errorf("next: %v %s", plan.At, plan.What)
	}

	// A scheduled issue goes when due, whatever the weekly slot.
	later, err := f.n.SaveIssue(ctx, 0, newsletter.IssueInput{Subject: "Scheduled", Body: "At its own time."})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.n.ScheduleIssue(ctx, later.ID, clk.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	tick()
	if is, _ := f.st.Issue(ctx, later.ID); is.Status != blog.IssueScheduled {
		t.Fatalf("scheduled issue %s before its time", is.Status)
	}
	clk.set(clk.Now().Add(time.Hour + time.Second))
	tick()
	f.waitIssue(later.ID)
}
