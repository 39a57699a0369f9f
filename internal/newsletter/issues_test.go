package newsletter_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

func newIssue(subject string) newsletter.IssueInput {
	return newsletter.IssueInput{Subject: subject, Preheader: "A tip about " + subject,
		Body: "Ask **one** question.\n\nSee [the post](/2011/01/05/what-business/) and ![a chart](/media/3/chart.png).\n\n<script>alert(1)</script>"}
}

func TestIssueValidationKeepsEveryProblem(t *testing.T) {
	f := newFixture(t)
	_, err := f.n.SaveIssue(context.Background(), 0, newsletter.IssueInput{Subject: " ", Preheader: strings.Repeat("p", 251), Body: ""})
	fe, ok := blog.AsValidation(err)
	if !ok || fe["subject"] == "" || fe["preheader"] == "" || fe["body"] == "" {
		t.Errorf("validation: %v", err)
	}
}

func TestIssueLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	is, err := f.n.SaveIssue(ctx, 0, newIssue("Tip 1"))
	if err != nil {
		t.Fatal(err)
	}
	if is.Status != blog.IssueDraft || strings.Contains(is.BodyHTML, "<script") || !strings.Contains(is.BodyHTML, "<strong>one</strong>") {
		t.Errorf("draft = %+v", is)
	}
	if err := f.n.QueueIssue(ctx, is.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.n.ScheduleIssue(ctx, is.ID, f.clock.Now().Add(-time.Minute)); err == nil {
		t.Error("scheduled in the past")
	}
	at := f.clock.Now().Add(24 * time.Hour)
	if err := f.n.ScheduleIssue(ctx, is.ID, at); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.st.Issue(ctx, is.ID); got.Status != blog.IssueScheduled || !got.ScheduledAt.Equal(at) {
		t.Errorf("scheduled: %+v", got)
	}

	// A failing engine: nothing changes.
	f.sender.err = errors.New("engine down")
	if err := f.n.SendNow(ctx, is.ID); err == nil {
		t.Fatal("send now with a failing engine succeeded")
	}
	if got, _ := f.st.Issue(ctx, is.ID); got.Status != blog.IssueScheduled {
		t.Errorf("after a failed start the issue is %s", got.Status)
	}
	f.sender.err = nil

	// Send now: the status change and the engine's work in one transaction.
	if err := f.n.SendNow(ctx, is.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.sender.handed(); len(got) != 1 || got[0] != is.ID || !f.sender.inTx[0] {
		t.Errorf("handed to the engine: %v (in a transaction: %v)", got, f.sender.inTx)
	}
	if got, _ := f.st.Issue(ctx, is.ID); got.Status != blog.IssueSending {
		t.Errorf("after send now: %s", got.Status)
	}
	// Started once: a second send now is refused, and the text is frozen.
	if err := f.n.SendNow(ctx, is.ID); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("second send now: %v", err)
	}
	if _, err := f.n.SaveIssue(ctx, is.ID, newIssue("Changed")); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("editing a sending issue: %v", err)
	}

	// quire newsletter send FILE.md: written and started at once.
	sent, err := f.n.SendNew(ctx, newIssue("From a file"))
	if err != nil || sent.Status != blog.IssueSending {
		t.Fatalf("send new: %+v, %v", sent, err)
	}

	// No engine: refused clearly, nothing written.
	f.n.Sender = nil
	defer func() { f.n.Sender = f.sender }()
	if _, err := f.n.SendNew(ctx, newIssue("Nowhere")); !errors.Is(err, newsletter.ErrNoSender) {
		t.Errorf("no engine: %v", err)
	}
}

func TestSendTestToTheAuthor(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	is, err := f.n.SaveIssue(ctx, 0, newIssue("Tip 1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.n.SendTest(ctx, is.ID, f.owner.ID, ""); err != nil {
		t.Fatal(err)
	}
	if err := f.n.SendTest(ctx, is.ID, 0, "editor@example.net"); err != nil {
		t.Fatal(err)
	}
	if err := f.n.SendTest(ctx, is.ID, 0, "nope"); err == nil {
		t.Error("a test to a bad address was taken")
	}
	msgs := f.mail()
	if len(msgs) != 2 {
		t.Fatalf("test mails: %+v", msgs)
	}
	to := map[string]bool{}
	for _, m := range msgs {
		to[m.To] = true
		if m.Subject != "[Test] Tip 1" {
			t.Errorf("subject %q", m.Subject)
		}
		if _, ok := m.Headers["List-Unsubscribe"]; ok {
			t.Error("a test mail carries a subscriber's unsubscribe header")
		}
	}
	if !to["owner@example.com"] || !to["editor@example.net"] {
		t.Errorf("sent to %v", to)
	}
	if got, _ := f.st.Issue(ctx, is.ID); got.Status != blog.IssueDraft {
		t.Errorf("a test changed the issue: %s", got.Status)
	}
}

func TestIssueMessage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sub := f.active("ann@example.org")
	is, err := f.n.SaveIssue(ctx, 0, newIssue("Ask better questions"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.n.IssueMessage(ctx, mustSettings(t, f), is, sub)
	if err != nil {
		t.Fatal(err)
	}
	if m.To != "ann@example.org" || m.Subject != "Ask better questions" {
		t.Errorf("to %q subject %q", m.To, m.Subject)
	}
	for _, want := range []string{
		`<html lang="en">`, "A tip about Ask better questions", `role="presentation"`,
		`href="https://coach.example.com/2011/01/05/what-business/" style="color:#1a5fb4`,
		`src="https://coach.example.com/media/3/chart.png"`, `<p style="margin:0 0 16px;">Ask <strong>one</strong> question.</p>`,
		"Sales Coach Ltd<br>1 Main Street<br>Springfield", ">Unsubscribe</a>",
	} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %s\n%s", want, m.HTML)
		}
	}
	for _, bad := range []string{"<script", "<link", "stylesheet", "http://"} {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("HTML holds %q", bad)
		}
	}
	for _, want := range []string{"Ask **one** question.", "(https://coach.example.com/2011/01/05/what-business/)",
		"Unsubscribe: https://coach.example.com/newsletter/unsubscribe/", "Springfield"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %s\n%s", want, m.Text)
		}
	}
}

func TestPostMailedOnceWhenPublished(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	yes, no := true, false
	saveWith := func(p *blog.Post, want *bool) *blog.Issue {
		t.Helper()
		var is *blog.Issue
		if err := f.st.InTx(ctx, func(tx *store.Store) error {
			if _, err := tx.SavePost(ctx, p); err != nil {
				return err
			}
			var err error
			is, err = f.n.PostSaved(ctx, tx, p, want)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return is
	}
	p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: "What Business Are You In?", Body: "Think.",
		BodyHTML: "<p>Think.</p>", Excerpt: "The question.", PublishedAt: f.clock.Now().Add(-time.Minute)}
	for _, want := range []*bool{&yes, &yes, nil, &no} {
		saveWith(p, want)
	}
	if got := f.sender.handed(); len(got) != 1 {
		t.Fatalf("the post was handed to the engine %d times, want once", len(got))
	}
	is, err := f.st.IssueByPost(ctx, p.ID)
	if err != nil || is.Kind != blog.IssuePost || is.Subject != p.Title || is.Preheader != "The question." || is.Status != blog.IssueSending {
		t.Errorf("the post's issue: %+v, %v", is, err)
	}

	// A post scheduled for later: its issue waits as a draft with the
	// latest text, and starts in the publishing job's transaction.
	later := &blog.Post{Type: blog.TypePost, Status: blog.StatusScheduled, Title: "Later", Body: "Soon.", BodyHTML: "<p>Soon.</p>",
		PublishedAt: f.clock.Now().Add(48 * time.Hour)}
	saveWith(later, &yes)
	later.Title = "Later, edited"
	if is := saveWith(later, nil); is == nil || is.Status != blog.IssueDraft || is.Subject != "Later, edited" {
		t.Errorf("the scheduled post's issue: %+v", is)
	}
	if got := f.sender.handed(); len(got) != 1 {
		t.Errorf("a scheduled post was started: %v", got)
	}
	f.clock.add(49 * time.Hour)
	if err := f.st.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.PublishIfDue(ctx, later.ID, f.clock.Now()); err != nil {
			return err
		}
		return f.n.PostPublished(ctx, tx, later.ID)
	}); err != nil {
		t.Fatal(err)
	}
	if is, err := f.st.IssueByPost(ctx, later.ID); err != nil || is.Status != blog.IssueSending {
		t.Errorf("the scheduled post's issue once published: %+v, %v", is, err)
	}
	if got := f.sender.handed(); len(got) != 2 {
		t.Errorf("handed %v, want the published post's issue too", got)
	}

	// Unticked before publishing: the waiting issue is withdrawn.
	draft := &blog.Post{Type: blog.TypePost, Status: blog.StatusDraft, Title: "Draft", Body: "x", BodyHTML: "<p>x</p>"}
	if is := saveWith(draft, &yes); is == nil || is.Status != blog.IssueDraft {
		t.Errorf("a draft ticked: %+v", is)
	}
	saveWith(draft, &no)
	if _, err := f.st.IssueByPost(ctx, draft.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("an unticked draft kept its issue: %v", err)
	}
	// A page: nothing.
	page := &blog.Post{Type: blog.TypePage, Status: blog.StatusPublished, Title: "About", Body: "x", BodyHTML: "<p>x</p>",
		PublishedAt: f.clock.Now().Add(-time.Minute)}
	if is := saveWith(page, &yes); is != nil {
		t.Errorf("a page got an issue: %+v", is)
	}
	// Sending a post's issue on its own before the post is out: refused.
	waiting := &blog.Post{Type: blog.TypePost, Status: blog.StatusDraft, Title: "Waiting", Body: "x", BodyHTML: "<p>x</p>"}
	wi := saveWith(waiting, &yes)
	for name, err := range map[string]error{"send": f.n.SendNow(ctx, wi.ID), "queue": f.n.QueueIssue(ctx, wi.ID),
		"schedule": f.n.ScheduleIssue(ctx, wi.ID, f.clock.Now().Add(time.Hour))} {
		if !errors.Is(err, newsletter.ErrFollowsPost) {
			t.Errorf("%s a waiting post's issue: %v", name, err)
		}
	}
}

func TestArchive(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sent, err := f.n.SaveIssue(ctx, 0, newIssue("Sent tip"))
	if err != nil {
		t.Fatal(err)
	}
	draft, err := f.n.SaveIssue(ctx, 0, newIssue("Draft tip"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SetIssueStatus(ctx, sent.ID, nil, blog.IssueSent, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	r := f.do(http.MethodGet, f.srv.URL+"/newsletter/", nil, nil)
	if r.code != http.StatusOK || !strings.Contains(r.body, "Sent tip") || strings.Contains(r.body, "Draft tip") ||
		!strings.Contains(r.body, `href="https://coach.example.com/newsletter/feed/"`) {
		t.Errorf("archive: %d\n%s", r.code, r.body)
	}
	page := f.do(http.MethodGet, f.srv.URL+"/newsletter/"+itoa(sent.ID)+"/", nil, nil)
	if page.code != http.StatusOK || !strings.Contains(page.body, "<strong>one</strong>") || strings.Contains(page.body, "<script>alert") {
		t.Errorf("issue page: %d\n%s", page.code, page.body)
	}
	if r := f.do(http.MethodGet, f.srv.URL+"/newsletter/"+itoa(draft.ID)+"/", nil, nil); r.code != http.StatusNotFound {
		t.Errorf("a draft's page: %d", r.code)
	}
	feed := f.do(http.MethodGet, f.srv.URL+"/newsletter/feed/", nil, nil)
	if feed.code != http.StatusOK || !strings.Contains(feed.hdr.Get("Content-Type"), "rss") || !strings.Contains(feed.body, "<title>Sent tip</title>") ||
		strings.Contains(feed.body, "Draft tip") || !strings.Contains(feed.body, "https://coach.example.com/media/3/chart.png") {
		t.Errorf("feed: %d\n%s", feed.code, feed.body)
	}
	// Turned off: gone.
	if err := f.st.SaveSettings(ctx, map[string]string{site.KeyNewsletterArchive: "0"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/newsletter/", "/newsletter/" + itoa(sent.ID) + "/", "/newsletter/feed/"} {
		if r := f.do(http.MethodGet, f.srv.URL+p, nil, nil); r.code != http.StatusNotFound {
			t.Errorf("%s with the archive off: %d", p, r.code)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
