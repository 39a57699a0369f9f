package main

import (
	"context"
	"fmt"
	"net/mail"
	"path/filepath"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail/mailtest"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/newsletter/deliver"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// crashSubscribers is how many subscribers the crash tests send to.
const crashSubscribers = 2000

// crashSite prepares a migrated database with crashSubscribers active
// subscribers and a send rate low enough (400 a second) for a test to
// stop a process in the middle of an issue, and returns the store.
func crashSite(t *testing.T, env map[string]string, target string) *store.Store {
	t.Helper()
	ctx := context.Background()
	if r := quire(t, env, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	st, err := store.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.SaveSettings(ctx, map[string]string{site.KeyTitle: "Sales Coach", site.KeyNewsletterRate: "400"}); err != nil {
		t.Fatal(err)
	}
	err = st.InTx(ctx, func(tx *store.Store) error {
		for i := range crashSubscribers {
			sub := &blog.Subscriber{Email: fmt.Sprintf("reader%04d@example.org", i), Status: blog.SubscriberActive, Source: blog.SourceImport}
			if _, err := tx.AddSubscriber(ctx, sub, blog.SubscriberEvent{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// sendIssue starts an issue from outside the serving processes, as a
// command would: the issue, its deliveries, batches and jobs in one
// transaction, worked by whichever process runs the queue.
func sendIssue(t *testing.T, st *store.Store) *blog.Issue {
	t.Helper()
	ctx := context.Background()
	q, err := jobs.New(jobs.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Stop(context.Background()) })
	s := site.New(st, site.Overrides{})
	n := &newsletter.Service{Store: st, Site: s, Jobs: q}
	n.Sender = &deliver.Engine{Store: st, Site: s, Newsletter: n, Jobs: q}
	is, err := n.SendNew(ctx, newsletter.IssueInput{Subject: "The tip that survived a crash", Body: "Follow up within a day."})
	if err != nil {
		t.Fatal(err)
	}
	return is
}

// checkOnePerSubscriber reads what the SMTP server received and checks
// that every subscriber got the issue, all as one message: one Message-ID,
// the stable one. A message accepted by the server in the instant before
// its process recorded it is sent again with the same Message-ID (the
// crash window docs/newsletter.md describes): at most one per connection
// open at the kill, maxDup in all.
func checkOnePerSubscriber(t *testing.T, st *store.Store, sink *mailtest.Server, is *blog.Issue, maxDup int) {
	t.Helper()
	ctx := context.Background()
	ids := map[string]map[string]int{}
	total := 0
	for _, m := range sink.Received() {
		if m.Header.Get("Subject") != is.Subject {
			continue
		}
		total++
		to, err := mail.ParseAddress(m.Header.Get("To"))
		if err != nil {
			t.Fatal(err)
		}
		if ids[to.Address] == nil {
			ids[to.Address] = map[string]int{}
		}
		ids[to.Address][m.Header.Get("Message-Id")]++
	}
	subs, _, err := st.Subscribers(ctx, blog.SubscriberFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != crashSubscribers {
		t.Fatalf("%d subscribers", len(subs))
	}
	dups := 0
	for _, sub := range subs {
		got := ids[sub.Email]
		want := fmt.Sprintf("<newsletter.%d.%d@example.com>", is.ID, sub.ID)
		if len(got) != 1 || got[want] == 0 {
			t.Errorf("%s: Message-IDs %v, want only %s", sub.Email, got, want)
			continue
		}
		dups += got[want] - 1
	}
	t.Logf("%d messages for %d subscribers: %d sent again with the same Message-ID after the kill", total, crashSubscribers, dups)
	if dups > maxDup {
		t.Errorf("%d messages sent twice, more than the %d connections open at the kill", dups, maxDup)
	}
	c, err := st.DeliveryCounts(ctx, is.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Sent != crashSubscribers {
		t.Errorf("deliveries: %+v", c)
	}
}

// waitSent waits until issue is is sent, up to limit.
func waitSent(t *testing.T, st *store.Store, is *blog.Issue, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		cur, err := st.Issue(context.Background(), is.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cur.Status == blog.IssueSent {
			return
		}
		if time.Now().After(deadline) {
			c, _ := st.DeliveryCounts(context.Background(), is.ID)
			logDeliveryState(t, st, is)
			t.Fatalf("issue still %s after %s: %+v", cur.Status, limit, c)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// logDeliveryState logs issue is's batches (state, generation, lease) and
// the newsletter's River jobs, to tell why a send stopped.
func logDeliveryState(t *testing.T, st *store.Store, is *blog.Issue) {
	t.Helper()
	ctx := context.Background()
	batches, err := st.NewsletterBatches(ctx, is.ID)
	if err != nil {
		t.Logf("batches: %v", err)
	}
	now := time.Now()
	for _, b := range batches {
		if b.State == store.BatchDone {
			continue
		}
		t.Logf("batch %d: %s gen %d owner %q lease %s (in %.1f s) next_at %s retries %d",
			b.Batch, b.State, b.Gen, b.Owner, b.LeaseUntil.Format(time.RFC3339Nano), b.LeaseUntil.Sub(now).Seconds(),
			b.NextAt.Format(time.RFC3339), b.Retries)
	}
	rows, err := st.DB().QueryContext(ctx, `SELECT id, kind, state, attempt, CAST(args AS TEXT),
		CAST(scheduled_at AS TEXT), COALESCE(CAST(attempted_at AS TEXT), '') FROM river_job
		WHERE kind IN ('newsletter_batch', 'newsletter_tick') AND state <> 'completed' ORDER BY id`)
	if err != nil {
		t.Logf("river_job: %v", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var attempt int
		var kind, state, args, sched, attempted string
		if err := rows.Scan(&id, &kind, &state, &attempt, &args, &sched, &attempted); err != nil {
			t.Logf("river_job: %v", err)
			return
		}
		t.Logf("job %d %s %s attempt %d args %s scheduled %s attempted %s", id, kind, state, attempt, args, sched, attempted)
	}
	var n int
	_ = st.DB().QueryRowContext(ctx, "SELECT count(*) FROM river_job WHERE kind = 'newsletter_tick' AND state = 'completed'").Scan(&n)
	t.Logf("%d newsletter_tick jobs completed", n)
}

// killWhenHalfway waits until the sink has between a tenth and 90% of the
// issue, then kills in with SIGKILL.
func killWhenHalfway(t *testing.T, sink *mailtest.Server, in *instance) int {
	t.Helper()
	waitFor(t, "the issue to be under way", func() bool { return sink.Count() >= crashSubscribers/10 })
	if err := in.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = in.cmd.Wait()
	n := sink.Count()
	if n >= crashSubscribers*9/10 {
		t.Fatalf("%d of %d sent before the kill: too late to test anything", n, crashSubscribers)
	}
	return n
}

// TestNewsletterSurvivesKill kills a real quire serve process (SIGKILL)
// in the middle of an issue to 2,000 subscribers and starts it again: the
// send resumes once the dead process's leases run out (well within a
// minute), and every subscriber ends with the issue as exactly one
// message (one Message-ID).
func TestNewsletterSurvivesKill(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"QUIRE_DATA": dir}
	st := crashSite(t, env, filepath.Join(dir, "quire.db"))
	sink := mailtest.Start(t)
	args := []string{"--data", dir, "--smtp-url", sink.URL(), "--mail-from", "tips@example.com"}
	first := startInstances(t, 1, args...)[0]
	is := sendIssue(t, st)
	before := killWhenHalfway(t, sink, first)
	restarted := time.Now()
	startInstances(t, 1, args...)
	waitFor(t, "the send to resume", func() bool { return sink.Count() > before })
	t.Logf("killed after %d messages; sending resumed %.1f s after the restart", before, time.Since(restarted).Seconds())
	waitSent(t, st, is, 2*time.Minute)
	t.Logf("the whole issue was sent %.1f s after the restart (the killed batches wait for their leases to run out)",
		time.Since(restarted).Seconds())
	checkOnePerSubscriber(t, st, sink, is, 4)
	reclaimed := 0
	batches, err := st.NewsletterBatches(context.Background(), is.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		reclaimed += b.Gen
	}
	if reclaimed == 0 {
		t.Error("no batch was taken back from the killed process")
	}
}

// TestNewsletterTwoInstancesSurviveKill: two quire serve processes on one
// PostgreSQL database send an issue to 2,000 subscribers; one is killed
// (SIGKILL) in the middle, the other takes back its batches once their
// leases run out, and the killed one, started again, joins in. Every
// subscriber ends with exactly one message (one Message-ID).
func TestNewsletterTwoInstancesSurviveKill(t *testing.T) {
	dbURL := storetest.EmptyURL(t)
	env := map[string]string{"QUIRE_DATABASE_URL": dbURL}
	st := crashSite(t, env, dbURL)
	sink := mailtest.Start(t)
	args := []string{"--database-url", dbURL, "--smtp-url", sink.URL(), "--mail-from", "tips@example.com"}
	ins := startInstances(t, 2, args...)
	is := sendIssue(t, st)
	before := killWhenHalfway(t, sink, ins[0])
	t.Logf("instance 1 killed after %d messages in all", before)
	startInstances(t, 1, args...)
	waitSent(t, st, is, 2*time.Minute)
	checkOnePerSubscriber(t, st, sink, is, 8)
}
