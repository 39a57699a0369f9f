package deliver_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/newsletter/deliver"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// TestUnsubscribeDuringSend: a reader who unsubscribes (RFC 8058's
// one-click POST, no cookie) while the issue is going out gets nothing
// more of it, because their status is read as their message is about to
// go, not from the list loaded when the batch started.
func TestUnsubscribeDuringSend(t *testing.T) {
	f := newFixture(t, fixtureOpts{settings: map[string]string{site.KeyNewsletterConnections: "1"}})
	ctx := context.Background()
	subs := f.subscribers(12)
	leaver := subs[9] // in the same batch of 7 as the trigger below? no: batch 2 (7…11); loaded before the POST either way
	var once sync.Once
	var postErr error
	var is *blog.Issue
	f.smtp.SetRcpt(func(to string) error {
		if to == subs[8].Email {
			once.Do(func() {
				set, _, err := f.as.Site.Current(ctx)
				if err != nil {
					postErr = err
					return
				}
				u, err := f.n.UnsubscribeURL(ctx, set, leaver.ID, is.ID)
				if err != nil {
					postErr = err
					return
				}
				u = f.srv.URL + u[strings.Index(u, "/newsletter/"):]
				resp, err := http.Post(u, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
				if err != nil {
					postErr = err
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					postErr = &httpStatus{resp.StatusCode}
				}
			})
		}
		return nil
	})
	// The issue is written first, so the hook knows it; the queue starts
	// after.
	is = f.send("A tip")
	f.waitIssue(is.ID)
	if postErr != nil {
		t.Fatalf("one-click unsubscribe: %v", postErr)
	}
	got := byRecipient(f.smtp.Received())
	if len(got[leaver.Email]) != 0 {
		t.Errorf("%s unsubscribed mid-issue and still got it", leaver.Email)
	}
	if len(got) != 11 {
		t.Errorf("%d recipients, want 11", len(got))
	}
	d, err := f.st.Delivery(ctx, is.ID, leaver.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != blog.DeliveryFailed || !strings.Contains(d.Error, "unsubscribed") {
		t.Errorf("the leaver's delivery: %+v", d)
	}
	c, _ := f.st.DeliveryCounts(ctx, is.ID)
	if c.Sent != 11 || c.Failed != 1 || c.Unsubscribed != 1 {
		t.Errorf("counts: %+v", c)
	}
}

type httpStatus struct{ code int }

func (h *httpStatus) Error() string { return http.StatusText(h.code) }

// TestTemporaryFailureThenSuccess: a 4xx answer for one recipient is
// retried with backoff, and the message goes once it is accepted; the
// others are not held up or sent twice.
func TestTemporaryFailureThenSuccess(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ctx := context.Background()
	subs := f.subscribers(10)
	var mu sync.Mutex
	tries := 0
	f.smtp.SetRcpt(func(to string) error {
		if to != subs[2].Email {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		if tries++; tries <= 2 {
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "Mailbox busy, try later"}
		}
		return nil
	})
	is := f.send("Patience")
	f.waitIssue(is.ID)
	got := byRecipient(f.smtp.Received())
	for _, s := range subs {
		if len(got[s.Email]) != 1 {
			t.Errorf("%s got %d messages", s.Email, len(got[s.Email]))
		}
	}
	d, err := f.st.Delivery(ctx, is.ID, subs[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.State != blog.DeliverySent || d.Attempts != 3 {
		t.Errorf("the busy mailbox's delivery: %+v, want sent after 3 attempts", d)
	}
}

// TestPermanentFailureBounces: a 5xx answer marks the delivery bounced
// and counts a bounce; at the configured limit the subscriber is set
// bounced, and the next issue does not go to them.
func TestPermanentFailureBounces(t *testing.T) {
	f := newFixture(t, fixtureOpts{settings: map[string]string{site.KeyNewsletterBounces: "2"}})
	ctx := context.Background()
	subs := f.subscribers(5)
	gone := subs[4]
	f.smtp.SetRcpt(func(to string) error {
		if to == gone.Email {
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
		}
		return nil
	})
	first := f.send("One")
	f.waitIssue(first.ID)
	d, _ := f.st.Delivery(ctx, first.ID, gone.ID)
	if d.State != blog.DeliveryBounced || d.Attempts != 1 || !strings.Contains(d.Error, "550") {
		t.Errorf("bounced delivery: %+v", d)
	}
	sub, _ := f.st.Subscriber(ctx, gone.ID)
	if sub.Status != blog.SubscriberActive || sub.Bounces != 1 {
		t.Errorf("after one bounce of two allowed: %+v", sub)
	}
	second := f.send("Two")
	f.waitIssue(second.ID)
	if sub, _ = f.st.Subscriber(ctx, gone.ID); sub.Status != blog.SubscriberBounced {
		t.Errorf("after the second bounce: %s", sub.Status)
	}
	third := f.send("Three")
	f.waitIssue(third.ID)
	if _, err := f.st.Delivery(ctx, third.ID, gone.ID); err == nil {
		t.Error("an issue was queued for a bounced subscriber")
	}
	evs, _ := f.st.SubscriberEvents(ctx, gone.ID)
	bounces := 0
	for _, ev := range evs {
		if ev.Kind == blog.EventBounced && strings.Contains(ev.Detail, "No such user") && ev.IssueID != 0 {
			bounces++
		}
	}
	if bounces != 2 {
		t.Errorf("history: %+v", evs)
	}
	if n := len(byRecipient(f.smtp.Received())[subs[0].Email]); n != 3 {
		t.Errorf("a good address got %d of 3 issues", n)
	}
}

// TestSMTPDownWaitsAndLosesNothing: with the SMTP server down the issue
// waits — the admin's status says since when the server fails — and once
// it is back every subscriber gets exactly one message.
func TestSMTPDownWaitsAndLosesNothing(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ctx := context.Background()
	subs := f.subscribers(15)
	f.smtp.Down()
	is := f.send("While the server was down")
	f.as.StartQueue()
	waitFor(t, "the status to say the server is failing", func() bool {
		p, err := f.e.Status(ctx, is.ID)
		return err == nil && !p.FailingSince.IsZero()
	})
	p, _ := f.e.Status(ctx, is.ID)
	if sum := p.Summary(time.UTC); !strings.Contains(sum, "Sending: 0 of 15") || !strings.Contains(sum, "failing since") {
		t.Errorf("status while down: %q", sum)
	}
	// Nothing is settled while it is down (a retry may be trying one
	// message per connection at this instant).
	if c, _ := f.st.DeliveryCounts(ctx, is.ID); c.Queued+c.Sending != 15 || c.Sending > 4 {
		t.Errorf("deliveries while down: %+v", c)
	}
	f.smtp.Up()
	f.waitIssue(is.ID)
	got := byRecipient(f.smtp.Received())
	for _, s := range subs {
		if len(got[s.Email]) != 1 {
			t.Errorf("%s got %d messages", s.Email, len(got[s.Email]))
		}
	}
	if p, _ = f.e.Status(ctx, is.ID); !p.FailingSince.IsZero() {
		t.Errorf("still failing after the send: %+v", p)
	}
}

// TestDeadProcessBatchIsTakenBack: a batch left "running" by a process
// that died (its lease expired, one message left "sending") is taken back
// by the tick under a new generation and sent, the message in doubt
// included; the dead process's job, run again, does nothing. A batch held
// under a live lease is left alone however long it takes.
func TestDeadProcessBatchIsTakenBack(t *testing.T) {
	f := newFixture(t, fixtureOpts{})
	ctx := context.Background()
	subs := f.subscribers(14) // batches 1 (0…6) and 2 (7…13)
	is := f.send("Resumed")
	now := time.Now()
	// Batch 1: a dead process, lease expired, one message in doubt.
	if ok, err := f.st.ClaimNewsletterBatch(ctx, is.ID, 1, 0, "dead:1", now.Add(-time.Second), now); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, err := f.st.StartDelivery(ctx, is.ID, subs[0].ID, 1, 0, "dead:1", "x@y", now); !ok || err != nil {
		t.Fatal(ok, err)
	}
	// Batch 2: a live process, slow.
	if ok, err := f.st.ClaimNewsletterBatch(ctx, is.ID, 2, 0, "slow:2", now.Add(time.Hour), now); !ok || err != nil {
		t.Fatal(ok, err)
	}
	f.as.StartQueue()
	waitFor(t, "the original jobs to find their batches held", func() bool {
		n := 0
		for _, j := range f.as.Jobs("newsletter_batch") {
			if j.State == "completed" {
				n++
			}
		}
		return n == 2
	})
	if f.smtp.Count() != 0 {
		t.Fatalf("%d messages sent by jobs whose batches were held", f.smtp.Count())
	}
	if err := f.e.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the dead process's batch to be sent", func() bool {
		b, _ := f.st.NewsletterBatch(ctx, is.ID, 1)
		return b != nil && b.State == store.BatchDone
	})
	b1, _ := f.st.NewsletterBatch(ctx, is.ID, 1)
	b2, _ := f.st.NewsletterBatch(ctx, is.ID, 2)
	if b1.Gen != 1 || b2.Gen != 0 || b2.State != store.BatchRunning || b2.Owner != "slow:2" {
		t.Errorf("batches: %+v / %+v", b1, b2)
	}
	got := byRecipient(f.smtp.Received())
	for i, s := range subs {
		want := 1
		if i >= 7 {
			want = 0 // the slow process's
		}
		if len(got[s.Email]) != want {
			t.Errorf("%s got %d messages, want %d", s.Email, len(got[s.Email]), want)
		}
	}
	d, _ := f.st.Delivery(ctx, is.ID, subs[0].ID)
	if d.State != blog.DeliverySent || d.Attempts != 2 {
		t.Errorf("the message in doubt: %+v, want sent on its second attempt", d)
	}
	if is2, _ := f.st.Issue(ctx, is.ID); is2.Status != blog.IssueSending {
		t.Errorf("issue %s while a batch is still out", is2.Status)
	}
}

// TestTickRunsAfterItsProcessDied: a process killed while its periodic
// tick was running leaves that tick's job "running" in River's table for
// the hour River waits before rescuing it. The tick must go on all the
// same in the process started next, so a batch whose lease ran out (its
// sender died too) is taken back and sent within the tick's interval, not
// after that hour.
func TestTickRunsAfterItsProcessDied(t *testing.T) {
	const tick = time.Second
	f := newFixture(t, fixtureOpts{tick: tick})
	ctx := context.Background()

	// The process that dies: it ran one tick (at its start), and its job
	// is left as a kill leaves it, "running" with no one to finish it.
	dead := apptest.New(t, f.st, apptest.Options{NewsletterTick: time.Hour})
	dead.StartQueue()
	waitFor(t, "the dead process's first tick", func() bool {
		js := dead.Jobs(jobs.KindNewsletterTick)
		return len(js) > 0 && js[0].State == "completed"
	})
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := dead.App.Stop(sctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"DELETE FROM river_job WHERE kind = 'newsletter_tick' AND state <> 'completed'",
		`UPDATE river_job SET state = 'running', finalized_at = NULL
			WHERE id = (SELECT min(id) FROM river_job WHERE kind = 'newsletter_tick')`,
	} {
		if _, err := f.st.DB().ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	// Its batch: claimed, one message in doubt, the lease run out.
	subs := f.subscribers(14) // batches 1 (0…6) and 2 (7…13)
	is := f.send("After the crash")
	now := time.Now()
	if ok, err := f.st.ClaimNewsletterBatch(ctx, is.ID, 1, 0, "dead:1", now.Add(-time.Second), now); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, err := f.st.StartDelivery(ctx, is.ID, subs[0].ID, 1, 0, "dead:1", "x@y", now); !ok || err != nil {
		t.Fatal(ok, err)
	}

	// The process started next: its ticks take the batch back.
	f.waitIssue(is.ID)
	b1, _ := f.st.NewsletterBatch(ctx, is.ID, 1)
	if b1.Gen != 1 || b1.State != store.BatchDone {
		t.Errorf("the dead process's batch: %+v, want done under gen 1", b1)
	}
	got := byRecipient(f.smtp.Received())
	for _, s := range subs {
		if len(got[s.Email]) != 1 {
			t.Errorf("%s got %d messages", s.Email, len(got[s.Email]))
		}
	}
	waitFor(t, "a tick of the live process to complete", func() bool {
		for _, j := range f.as.Jobs(jobs.KindNewsletterTick) {
			if j.State == "completed" {
				return true
			}
		}
		return false
	})
}

// TestBatchGoesOnAfterKillBetweenRuns: a run that stops with messages
// left (its time budget spent) gives the batch back under the next
// generation and writes that generation's job in the same transaction. A
// process killed before River recorded the end of the run leaves the
// run's own job "running" for River's hour; the batch does not depend on
// it, and nothing is sent twice.
func TestBatchGoesOnAfterKillBetweenRuns(t *testing.T) {
	// A budget spent before the first message: the run stops at once.
	f := newFixture(t, fixtureOpts{delivery: deliver.Options{RunBudget: time.Nanosecond}})
	ctx := context.Background()
	subs := f.subscribers(7) // one batch
	is := f.send("One run at a time")
	if err := f.e.SendBatch(ctx, jobs.NewsletterBatchJob{IssueID: is.ID, Batch: 1, Gen: 0}); err != nil {
		t.Fatalf("a run that stopped with messages left: %v, want nil (its next run is a job of its own)", err)
	}
	b, _ := f.st.NewsletterBatch(ctx, is.ID, 1)
	if b.State != store.BatchWaiting || b.Gen != 1 || b.Owner != "" {
		t.Errorf("the batch after the run: %+v, want waiting under gen 1", b)
	}
	var gens []float64
	for _, j := range f.as.Jobs(jobs.KindNewsletterBatch) {
		gens = append(gens, j.Args["gen"].(float64))
	}
	if len(gens) != 2 || gens[0] != 0 || gens[1] != 1 {
		t.Fatalf("batch jobs by gen: %v, want the first run's and one of gen 1", gens)
	}
	// The first run's job, as a kill leaves it.
	if _, err := f.st.DB().ExecContext(ctx, `UPDATE river_job SET state = 'running'
		WHERE id = (SELECT min(id) FROM river_job WHERE kind = 'newsletter_batch')`); err != nil {
		t.Fatal(err)
	}
	f.e.RunBudget = deliver.DefaultRunBudget
	f.waitIssue(is.ID)
	got := byRecipient(f.smtp.Received())
	for _, s := range subs {
		if len(got[s.Email]) != 1 {
			t.Errorf("%s got %d messages", s.Email, len(got[s.Email]))
		}
	}
	if b, _ = f.st.NewsletterBatch(ctx, is.ID, 1); b.State != store.BatchDone || b.Gen != 1 {
		t.Errorf("the batch at the end: %+v, want done under gen 1", b)
	}
}

// TestOrphanedBatchJobIsReplaced: a process killed after River started a
// batch's job but before the job claimed the batch leaves the batch
// waiting, with no lease for the tick to take back, and the job "running"
// until River's rescue an hour later. The tick gives such a batch a job of
// its next gen, and the batch is sent once.
func TestOrphanedBatchJobIsReplaced(t *testing.T) {
	f := newFixture(t, fixtureOpts{tick: time.Second})
	ctx := context.Background()
	subs := f.subscribers(7) // one batch
	is := f.send("Started, never claimed")
	// Its job as the kill leaves it: started an hour ago by a process
	// that is gone.
	q := `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = datetime('now', '-1 hour', 'subsec')
		WHERE kind = 'newsletter_batch'`
	if f.st.Engine() == "postgres" {
		q = `UPDATE river_job SET state = 'running', attempt = 1, attempted_at = now() - interval '1 hour'
			WHERE kind = 'newsletter_batch'`
	}
	if _, err := f.st.DB().ExecContext(ctx, q); err != nil {
		t.Fatal(err)
	}
	f.waitIssue(is.ID)
	got := byRecipient(f.smtp.Received())
	for _, s := range subs {
		if len(got[s.Email]) != 1 {
			t.Errorf("%s got %d messages", s.Email, len(got[s.Email]))
		}
	}
	if b, _ := f.st.NewsletterBatch(ctx, is.ID, 1); b.State != store.BatchDone || b.Gen != 1 {
		t.Errorf("the batch: %+v, want done under gen 1", b)
	}
}
