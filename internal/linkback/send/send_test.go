package send_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/linkback/send"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/xmlrpc"
)

// TestPublishedPostTellsEveryLinkedPage: publishing a post writes a job
// per outbound link with it; the jobs send a webmention where the page
// has an endpoint, a pingback where it has a server, and record "no
// endpoint" elsewhere, each with the post's permalink, built from the
// serving process's base URL, as the source.
func TestPublishedPostTellsEveryLinkedPage(t *testing.T) {
	b := newFakeBlog(t)
	s := newSite(t, nil)
	wm, pb, plain := b.URL+"/wm/one", b.URL+"/pb/two", b.URL+"/plain/three"
	p := &blog.Post{Title: "Linking out", Status: blog.StatusPublished, Body: fmt.Sprintf(
		"Read [one](%s), [two](%s#comments) and [three](%s), [one again](%s), [home](/about/) and `%s`.",
		wm, pb, plain, wm, b.URL+"/wm/in-code")}
	save(t, s, p, send.Change{})
	if js := s.Jobs(jobs.KindSendLinkback); len(js) != 3 {
		t.Fatalf("%d jobs written with the post, want 3 (one per page linked): %+v", len(js), js)
	}
	for _, j := range s.Jobs(jobs.KindSendLinkback) {
		if j.Args["post_id"] != float64(p.ID) || j.Args["link_id"] == nil || j.Args["source"] != nil {
			t.Errorf("job args %v: want the post's ID, the link's and the target only", j.Args)
		}
	}
	settle(t, s)

	source := postURL(t, s, p.ID)
	if !strings.HasPrefix(source, base+"/") {
		t.Fatalf("source %s is not on the base URL", source)
	}
	gotWM, gotPB, _ := b.sent()
	if len(gotWM) != 1 || gotWM[0].Get("source") != source || gotWM[0].Get("target") != wm {
		t.Errorf("webmentions %v, want one from %s to %s", gotWM, source, wm)
	}
	if len(gotPB) != 1 || gotPB[0] != [2]string{source, pb} {
		t.Errorf("pingbacks %v, want one from %s to %s (no fragment)", gotPB, source, pb)
	}
	ls := links(t, s, p.ID)
	if l := ls[wm]; l.Status != blog.SendSent || l.Protocol != blog.ProtocolWebmention || l.Endpoint != b.URL+"/webmention" ||
		!l.Announced || l.Pending() || l.ResultAt.IsZero() || !strings.Contains(l.Detail, "202") {
		t.Errorf("webmention link: %+v", l)
	}
	if l := ls[pb]; l.Status != blog.SendSent || l.Protocol != blog.ProtocolPingback || l.Endpoint != b.URL+"/xmlrpc.php" ||
		!strings.Contains(l.Detail, "registered") {
		t.Errorf("pingback link: %+v", l)
	}
	if l := ls[plain]; l.Status != blog.SendNoEndpoint || l.Announced {
		t.Errorf("plain link: %+v", l)
	}

	// Saved again unchanged: nothing new to say.
	save(t, s, p, send.Change{})
	if js := s.Jobs(jobs.KindSendLinkback); len(js) != 3 {
		t.Errorf("an unchanged save wrote jobs: %d", len(js))
	}
}

// TestDraftsAndPrivatePostsSendNothing: only what readers can see is
// announced; a draft's links are recorded and wait for publication,
// which sends them.
func TestDraftsAndPrivatePostsSendNothing(t *testing.T) {
	b := newFakeBlog(t)
	s := newSite(t, nil)
	body := fmt.Sprintf("See [this](%s/wm/a).", b.URL)
	for _, p := range []*blog.Post{
		{Title: "Draft", Status: blog.StatusDraft, Body: body},
		{Title: "Private", Status: blog.StatusPrivate, Body: body},
		{Title: "Protected", Status: blog.StatusPublished, Password: "secret", Body: body},
		{Title: "Later", Status: blog.StatusScheduled, PublishedAt: time.Now().Add(time.Hour), Body: body},
	} {
		save(t, s, p, send.Change{})
		if l := links(t, s, p.ID)[b.URL+"/wm/a"]; l.ID == 0 || l.Pending() || l.Removed {
			t.Errorf("%s: link %+v, want recorded and not sent", p.Title, l)
		}
	}
	if js := s.Jobs(jobs.KindSendLinkback); len(js) != 0 {
		t.Fatalf("jobs for posts readers cannot see: %+v", js)
	}
	draft := &blog.Post{Title: "Soon", Status: blog.StatusDraft, Body: body}
	save(t, s, draft, send.Change{})
	draft.Status = blog.StatusPublished
	save(t, s, draft, send.Change{})
	settle(t, s)
	if wm, _, _ := b.sent(); len(wm) != 1 || wm[0].Get("source") != postURL(t, s, draft.ID) {
		t.Errorf("publishing the draft sent %v", wm)
	}
}

// TestRemovedLinksAreSentAgain: a link taken out of a post, and every link
// of a post unpublished, trashed or deleted, is sent again so the page
// can drop its mention; the source of a deleted post is where it was.
// Pingback cannot withdraw anything, so nothing more is sent to it.
func TestRemovedLinksAreSentAgain(t *testing.T) {
	b := newFakeBlog(t)
	s := newSite(t, nil)
	ctx := context.Background()
	keep, drop, pb := b.URL+"/wm/keep", b.URL+"/wm/drop", b.URL+"/pb/ping"
	p := &blog.Post{Title: "Changing", Status: blog.StatusPublished,
		Body: fmt.Sprintf("[keep](%s) [drop](%s) [ping](%s)", keep, drop, pb)}
	save(t, s, p, send.Change{})
	settle(t, s)
	source := postURL(t, s, p.ID)

	p.Body = fmt.Sprintf("[keep](%s) only, and [ping](%s).", keep, pb)
	save(t, s, p, send.Change{})
	settle(t, s)
	wm, pings, _ := b.sent()
	if got := count(wm); len(wm) != 4 || got[keep] != 2 || got[drop] != 2 {
		t.Errorf("webmentions to %v, want each page told again after the update", got)
	}
	ls := links(t, s, p.ID)
	if l := ls[drop]; !l.Removed || l.Announced || l.Status != blog.SendSent || !strings.Contains(l.Detail, "gone") {
		t.Errorf("removed link: %+v", l)
	}
	if l := ls[keep]; l.Removed || !l.Announced {
		t.Errorf("kept link: %+v", l)
	}
	if len(pings) != 2 {
		t.Errorf("pingbacks %v: want the kept link pinged again", pings)
	}

	setStatus(t, s, p.ID, blog.StatusDraft)
	settle(t, s)
	wm, pings, _ = b.sent()
	if len(wm) != 5 || wm[4].Get("target") != keep || wm[4].Get("source") != source {
		t.Errorf("after unpublishing: %v", wm)
	}
	if len(pings) != 2 {
		t.Errorf("a pingback was sent for an unpublished post: %v", pings)
	}
	if l := links(t, s, p.ID)[pb]; l.Status != blog.SendSkipped || l.Announced {
		t.Errorf("pingback link after unpublishing: %+v", l)
	}

	// Published again, then deleted: the page hears of the link, then of
	// its end, from the address the post had.
	setStatus(t, s, p.ID, blog.StatusPublished)
	settle(t, s)
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := s.App.Links.PostDeleting(ctx, tx, p.ID); err != nil {
			return err
		}
		return tx.DeletePost(ctx, p.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	wm, _, _ = b.sent()
	if last := wm[len(wm)-1]; len(wm) != 7 || last.Get("target") != keep || last.Get("source") != source {
		t.Errorf("after deleting: %v", wm)
	}
	var left int
	if err := s.Store.DB().QueryRowContext(ctx, "SELECT count(*) FROM outbound_links").Scan(&left); err != nil || left != 0 {
		t.Errorf("%d outbound links left after the deleted post's were told (%v)", left, err)
	}
}

// count counts webmentions by target.
func count(wm []url.Values) map[string]int {
	out := map[string]int{}
	for _, v := range wm {
		out[v.Get("target")]++
	}
	return out
}

// TestPingbackFaults: fault 48 (already registered) is success; other
// faults are recorded with their code and not retried.
func TestPingbackFaults(t *testing.T) {
	b := newFakeBlog(t)
	b.faults["/pb/known"] = send.FaultAlreadyRegistered
	b.faults["/pb/nolink"] = 17
	b.faults["/pb/closed"] = 33
	s := newSite(t, nil)
	p := &blog.Post{Title: "Pings", Status: blog.StatusPublished,
		Body: fmt.Sprintf("[a](%s/pb/known) [b](%s/pb/nolink) [c](%s/pb/closed)", b.URL, b.URL, b.URL)}
	save(t, s, p, send.Change{})
	settle(t, s)
	ls := links(t, s, p.ID)
	if l := ls[b.URL+"/pb/known"]; l.Status != blog.SendSent || !l.Announced || !strings.Contains(l.Detail, "already registered") {
		t.Errorf("fault 48: %+v", l)
	}
	for path, code := range map[string]int{"/pb/nolink": 17, "/pb/closed": 33} {
		if l := ls[b.URL+path]; l.Status != blog.SendFailed || l.Announced || !strings.Contains(l.Detail, fmt.Sprintf("fault %d", code)) {
			t.Errorf("fault %d: %+v", code, l)
		}
	}
	if _, pings, _ := b.sent(); len(pings) != 3 {
		t.Errorf("%d pingbacks, want each sent once", len(pings))
	}
	for _, j := range s.Jobs(jobs.KindSendLinkback) {
		if j.State != "completed" {
			t.Errorf("job %v ended %s", j.Args, j.State)
		}
	}
}

// TestUnavailableEndpointIsRetried: a 503 is tried again with backoff,
// the attempt recorded meanwhile, until the endpoint takes it.
func TestUnavailableEndpointIsRetried(t *testing.T) {
	b := newFakeBlog(t)
	b.unavailable = 2
	s := newSite(t, nil)
	p := &blog.Post{Title: "Patient", Status: blog.StatusPublished, Body: fmt.Sprintf("[a](%s/wm/busy)", b.URL)}
	save(t, s, p, send.Change{})
	settle(t, s)
	if wm, _, _ := b.sent(); len(wm) != 1 {
		t.Fatalf("webmentions %v", wm)
	}
	if l := links(t, s, p.ID)[b.URL+"/wm/busy"]; l.Status != blog.SendSent {
		t.Errorf("after two 503s: %+v", l)
	}
}

// TestTrackbacks: the addresses typed in "Send trackbacks to" get a
// classic trackback once the post is public (title, permalink, excerpt,
// blog name), once; a refusal is recorded with the receiver's message.
func TestTrackbacks(t *testing.T) {
	b := newFakeBlog(t)
	s := newSite(t, map[string]string{site.KeyTitle: "The Sales Hunter"})
	ok, refuse := b.URL+"/trackback/ok", b.URL+"/trackback/refuse"
	p := &blog.Post{Title: "What business are you in?", Status: blog.StatusDraft,
		Body: "Sales is a **contact** sport. " + strings.Repeat("Words go here. ", 40)}
	save(t, s, p, send.Change{SetTrackbacks: true, Trackbacks: []string{ok, refuse}})
	if js := s.Jobs(jobs.KindSendLinkback); len(js) != 0 {
		t.Fatalf("trackbacks from a draft: %+v", js)
	}
	p.Status = blog.StatusPublished
	save(t, s, p, send.Change{SetTrackbacks: true, Trackbacks: []string{ok, refuse}})
	settle(t, s)
	_, _, tbs := b.sent()
	if len(tbs) != 2 {
		t.Fatalf("trackbacks %v", tbs)
	}
	tb := tbs[0]
	if tb.Get("url") != postURL(t, s, p.ID) || tb.Get("title") != p.Title || tb.Get("blog_name") != "The Sales Hunter" ||
		!strings.HasPrefix(tb.Get("excerpt"), "Sales is a contact sport.") || len([]rune(tb.Get("excerpt"))) > 252 {
		t.Errorf("trackback sent %v", tb)
	}
	ls := links(t, s, p.ID)
	if l := ls[ok]; l.Kind != blog.LinkTrackback || l.Status != blog.SendSent || l.Protocol != blog.ProtocolTrackback {
		t.Errorf("accepted trackback: %+v", l)
	}
	if l := ls[refuse]; l.Status != blog.SendFailed || !strings.Contains(l.Detail, "trackbacks are closed") {
		t.Errorf("refused trackback: %+v", l)
	}
	// Updated: the one sent is not sent twice; the refused one is tried again.
	p.Body += " More."
	save(t, s, p, send.Change{SetTrackbacks: true, Trackbacks: []string{ok, refuse}})
	settle(t, s)
	if _, _, tbs := b.sent(); len(tbs) != 3 || tbs[2].Get("url") == "" {
		t.Errorf("after an update: %v", tbs)
	}
	// Taken out of the field: removed, nothing sent.
	save(t, s, p, send.Change{SetTrackbacks: true})
	if l := links(t, s, p.ID)[refuse]; !l.Removed {
		t.Errorf("trackback taken out: %+v", l)
	}
}

// TestNoSelfPings: links to the site itself are neither recorded nor
// sent unless self-pings are on.
func TestNoSelfPings(t *testing.T) {
	b := newFakeBlog(t)
	s := newSiteAt(t, b.URL, nil) // the fake blog is "this site"
	p := &blog.Post{Title: "Inward", Status: blog.StatusPublished, Body: fmt.Sprintf("See [my other post](%s/wm/mine).", b.URL)}
	save(t, s, p, send.Change{})
	if js, ls := s.Jobs(jobs.KindSendLinkback), links(t, s, p.ID); len(js) != 0 || len(ls) != 0 {
		t.Fatalf("a self-link was queued: %+v %+v", js, ls)
	}
	if err := s.Store.SaveSettings(context.Background(), map[string]string{site.KeySelfPings: "1"}); err != nil {
		t.Fatal(err)
	}
	p.Body += " Again."
	save(t, s, p, send.Change{})
	settle(t, s)
	if wm, _, _ := b.sent(); len(wm) != 1 {
		t.Errorf("with self-pings on: %v", wm)
	}
}

// TestSendPingsOff: with "notify linked blogs" off, links are recorded
// and nothing is sent.
func TestSendPingsOff(t *testing.T) {
	b := newFakeBlog(t)
	s := newSite(t, map[string]string{site.KeyPingbackFlag: "0"})
	p := &blog.Post{Title: "Quiet", Status: blog.StatusPublished, Body: fmt.Sprintf("[a](%s/wm/a)", b.URL)}
	save(t, s, p, send.Change{})
	if js := s.Jobs(jobs.KindSendLinkback); len(js) != 0 {
		t.Errorf("jobs with sending off: %+v", js)
	}
	if l := links(t, s, p.ID)[b.URL+"/wm/a"]; l.ID == 0 {
		t.Error("the link was not recorded")
	}
}

// TestFetchBudgetDelaysNotFails: past the per-host budget, a job waits
// for the budget rather than failing or fetching.
func TestFetchBudgetDelaysNotFails(t *testing.T) {
	b := newFakeBlog(t)
	s := newSite(t, nil)
	s.App.Links.Budget, s.App.Links.BudgetWindow = 1, time.Hour
	p := &blog.Post{Title: "Many", Status: blog.StatusPublished, Body: fmt.Sprintf("[a](%s/wm/a) [b](%s/wm/b)", b.URL, b.URL)}
	save(t, s, p, send.Change{})
	s.StartQueue()
	waitFor(t, "one job done and one waiting", func() bool {
		st := map[string]int{}
		for _, j := range s.Jobs(jobs.KindSendLinkback) {
			st[j.State]++
		}
		return st["completed"] == 1 && st["scheduled"] == 1
	})
	var waiting apptest.Job
	for _, j := range s.Jobs(jobs.KindSendLinkback) {
		if j.State == "scheduled" {
			waiting = j
		}
	}
	if !waiting.At.After(time.Now().Add(20 * time.Minute)) {
		t.Errorf("the waiting job is due at %v, want within the next budget window", waiting.At)
	}
	if wm, _, _ := b.sent(); len(wm) != 1 {
		t.Errorf("webmentions %v, want one within the budget", wm)
	}
	b.mu.Lock()
	fetched := b.fetches["/wm/a"] + b.fetches["/wm/b"]
	b.mu.Unlock()
	if fetched != 2 { // one page, HEAD and GET
		t.Errorf("%d fetches, want the page over budget left alone", fetched)
	}
	waitingTarget := fmt.Sprint(waiting.Args["target"])
	if l := links(t, s, p.ID)[waitingTarget]; !l.Pending() || l.Status != "" {
		t.Errorf("the waiting link: %+v", l)
	}
}

// TestJobsAreWrittenWithThePost: when the jobs cannot be written, the
// post is not stored either (on both engines).
func TestJobsAreWrittenWithThePost(t *testing.T) {
	b := newFakeBlog(t)
	s := newSite(t, nil)
	restore := apptest.FailJobInserts(t, s.Store)
	p := &blog.Post{Title: "All or nothing", Status: blog.StatusPublished, Body: fmt.Sprintf("[a](%s/wm/a)", b.URL)}
	if err := saveErr(s, p, send.Change{}); err == nil {
		t.Fatal("saved although its jobs could not be written")
	}
	if _, n, _ := s.Store.ListPosts(context.Background(), blog.PostFilter{Type: "any", IncludeAll: true}); n != 0 {
		t.Errorf("%d posts stored without their jobs", n)
	}
	restore()
	p.ID = 0
	save(t, s, p, send.Change{})
	if js := s.Jobs(jobs.KindSendLinkback); len(js) != 1 {
		t.Errorf("jobs %+v", js)
	}
}

// TestScheduledPostSendsWhenPublished: the job that publishes a
// scheduled post writes its linkback jobs in the same transaction.
func TestScheduledPostSendsWhenPublished(t *testing.T) {
	b := newFakeBlog(t)
	s := newSite(t, nil)
	ctx := context.Background()
	p := &blog.Post{Title: "Later", Status: blog.StatusScheduled, PublishedAt: time.Now().Add(time.Second),
		Body: fmt.Sprintf("[a](%s/wm/a)", b.URL)}
	save(t, s, p, send.Change{})
	if err := s.Store.InTx(ctx, func(tx *store.Store) error {
		return s.App.Queue.SchedulePublish(ctx, tx, p.ID, p.PublishedAt)
	}); err != nil {
		t.Fatal(err)
	}
	s.StartQueue()
	waitFor(t, "the post to be published and its link sent", func() bool {
		wm, _, _ := b.sent()
		return len(wm) == 1
	})
	if wm, _, _ := b.sent(); wm[0].Get("source") != postURL(t, s, p.ID) {
		t.Errorf("sent %v", wm)
	}
}

// TestLinkRowFollowsItsJob: a job whose link changed while it waited
// sends what the link is when it runs (a removal), and a job for a link
// that is gone does nothing.
func TestLinkRowFollowsItsJob(t *testing.T) {
	b := newFakeBlog(t)
	s := newSite(t, nil)
	ctx := context.Background()
	p := &blog.Post{Title: "Quick change", Status: blog.StatusPublished, Body: fmt.Sprintf("[a](%s/wm/a)", b.URL)}
	save(t, s, p, send.Change{})
	// Unpublished before the job ran: never announced, nothing to
	// withdraw, nothing sent.
	setStatus(t, s, p.ID, blog.StatusDraft)
	if js := s.Jobs(jobs.KindSendLinkback); len(js) != 1 {
		t.Fatalf("%d jobs: one waits per link", len(js))
	}
	settle(t, s)
	if wm, _, _ := b.sent(); len(wm) != 0 {
		t.Errorf("sent for a post unpublished before its job ran: %v", wm)
	}
	if err := s.App.Links.SendLinkback(ctx, jobs.LinkbackJob{LinkID: 999, PostID: p.ID, Target: "https://gone.example/"}, 1, 8); err != nil {
		t.Errorf("a job for a missing link: %v", err)
	}
}

// TestXMLRPCRoundTrip keeps the fake's faults honest: a fault written by
// EncodeFault comes back as *xmlrpc.Fault.
func TestXMLRPCRoundTrip(t *testing.T) {
	_, err := xmlrpc.ReadResponse(strings.NewReader(string(xmlrpc.EncodeFault(&xmlrpc.Fault{Code: 48, Message: "x"}))))
	if f, ok := err.(*xmlrpc.Fault); !ok || f.Code != 48 {
		t.Fatalf("%v", err)
	}
}

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
