package jobs_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// countingSender records what it was asked to send and fails the first
// failFirst tries, with err when set.
type countingSender struct {
	mu        sync.Mutex
	tries     int
	sent      []mail.Message
	failFirst int
	err       error
}

func (s *countingSender) Send(_ context.Context, m mail.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tries++
	if s.tries <= s.failFirst {
		if s.err != nil {
			return s.err
		}
		return errors.New("421 4.3.2 try again later")
	}
	s.sent = append(s.sent, m)
	return nil
}

func (s *countingSender) counts() (tries, sent int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tries, len(s.sent)
}

// testConfig polls often and leaves out the periodic jobs, so what a test
// sees is the work of the jobs it enqueued.
func testConfig(st *store.Store, m mail.Sender) jobs.Config {
	return jobs.Config{
		Store:             st,
		Mail:              m,
		FetchPollInterval: 20 * time.Millisecond,
		FetchCooldown:     5 * time.Millisecond,
		SafetyNetInterval: -1,
		CleanupInterval:   -1,
		MailRetryDelay:    func(int) time.Duration { return 10 * time.Millisecond },
	}
}

func migrated(t *testing.T) *store.Store {
	t.Helper()
	st := storetest.New(t)
	if err := jobs.Migrate(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return st
}

func startQueue(t *testing.T, c jobs.Config) *jobs.Queue {
	t.Helper()
	q, err := jobs.New(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Error(err)
		}
	})
	return q
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

func scheduledPost(t *testing.T, st *store.Store, title string, at time.Time) *blog.Post {
	t.Helper()
	p := &blog.Post{Type: blog.TypePost, Status: blog.StatusScheduled, Title: title, Body: "Coming soon.", PublishedAt: at}
	if _, err := st.SavePost(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

func status(t *testing.T, st *store.Store, id int64) blog.Status {
	t.Helper()
	p, err := st.Post(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Status
}

// jobStates counts River's jobs of kind by state.
func jobStates(t *testing.T, st *store.Store, kind string) map[string]int {
	t.Helper()
	q := "SELECT state, count(*) FROM river_job WHERE kind = ? GROUP BY state"
	if st.Engine() == "postgres" {
		q = strings.Replace(q, "?", "$1", 1)
	}
	rows, err := st.DB().QueryContext(context.Background(), q, kind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMigrateTwice(t *testing.T) {
	st := migrated(t)
	if err := jobs.Migrate(context.Background(), st); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if got := jobStates(t, st, jobs.KindPublishPost); len(got) != 0 {
		t.Errorf("jobs on a fresh database: %v", got)
	}
}

func TestScheduledPostIsPublished(t *testing.T) {
	st := migrated(t)
	ctx := context.Background()
	at := time.Now().Add(time.Second)
	p := scheduledPost(t, st, "The weekly tip, scheduled", at)
	q := startQueue(t, testConfig(st, &countingSender{}))
	if err := q.SchedulePublish(ctx, st, p.ID, at); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the post to be published", func() bool { return status(t, st, p.ID) == blog.StatusPublished })
	waitFor(t, "the job to complete", func() bool { return jobStates(t, st, jobs.KindPublishPost)["completed"] == 1 })
}

func TestSchedulePublishIsUniquePerPostAndTime(t *testing.T) {
	st := migrated(t)
	ctx := context.Background()
	q, err := jobs.New(jobs.Config{Store: st}) // insert only, as the command line uses it
	if err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx)
	at := time.Now().Add(time.Hour)
	for range 3 {
		if err := q.SchedulePublish(ctx, st, 7, at); err != nil {
			t.Fatal(err)
		}
	}
	// The same instant from another time zone and with a monotonic reading
	// is the same schedule.
	if err := q.SchedulePublish(ctx, st, 7, at.In(time.FixedZone("X", 3600)).Round(0)); err != nil {
		t.Fatal(err)
	}
	if got := jobStates(t, st, jobs.KindPublishPost); got["scheduled"] != 1 || len(got) != 1 {
		t.Errorf("jobs after scheduling one post at one time four times: %v", got)
	}
	if err := q.SchedulePublish(ctx, st, 7, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := q.SchedulePublish(ctx, st, 8, at); err != nil {
		t.Fatal(err)
	}
	if got := jobStates(t, st, jobs.KindPublishPost); got["scheduled"] != 3 {
		t.Errorf("jobs after two more schedules: %v, want 3 scheduled", got)
	}
}

func TestScheduledPostIsPublishedAfterRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "quire.db")
	open := func() *store.Store {
		st, err := store.OpenSQLite(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := jobs.Migrate(ctx, st); err != nil {
			t.Fatal(err)
		}
		return st
	}

	// Before: a process that enqueues the job and stops before it is due
	// (quire post publish, or a server shut down).
	st := open()
	at := time.Now().Add(time.Second)
	p := scheduledPost(t, st, "Published after a restart", at)
	q, err := jobs.New(testConfig(st, &countingSender{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := q.SchedulePublish(ctx, st, p.ID, at); err != nil {
		t.Fatal(err)
	}
	if err := q.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// After: a new process on the same file, with the safety net off, so
	// only the job can publish the post.
	st = open()
	t.Cleanup(func() { st.Close() })
	if got := status(t, st, p.ID); got != blog.StatusScheduled {
		t.Fatalf("status before the queue runs = %s, want scheduled", got)
	}
	startQueue(t, testConfig(st, &countingSender{}))
	waitFor(t, "the post to be published after the restart", func() bool { return status(t, st, p.ID) == blog.StatusPublished })
}

func TestSafetyNetPublishesDuePostWithoutJob(t *testing.T) {
	st := migrated(t)
	p := scheduledPost(t, st, "Its job was lost", time.Now().Add(-time.Minute))
	c := testConfig(st, &countingSender{})
	c.SafetyNetInterval = time.Hour // runs on start, then hourly
	startQueue(t, c)
	waitFor(t, "the safety net to publish the post", func() bool { return status(t, st, p.ID) == blog.StatusPublished })
}

func TestCleanupRemovesExpiredSessions(t *testing.T) {
	st := migrated(t)
	ctx := context.Background()
	ss := st.Sessions()
	if err := ss.CommitCtx(ctx, "old", []byte("x"), time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := ss.CommitCtx(ctx, "live", []byte("y"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var n int
		if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM sessions").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	c := testConfig(st, &countingSender{})
	c.CleanupInterval = time.Hour // runs on start
	startQueue(t, c)
	waitFor(t, "the cleanup job", func() bool { return count() == 1 })
	if _, ok, err := ss.FindCtx(ctx, "live"); err != nil || !ok {
		t.Errorf("the live session went too: %v %v", ok, err)
	}
}

func TestSendMailWithKeyGoesOutOnce(t *testing.T) {
	st := migrated(t)
	ctx := context.Background()
	s := &countingSender{}
	q := startQueue(t, testConfig(st, s))
	m := mail.Message{To: "reader@example.org", Subject: "Reply to your comment", Text: "Someone replied.", Key: "reply:1:reader@example.org"}
	if err := q.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first send", func() bool { _, n := s.counts(); return n == 1 })
	waitFor(t, "the first job to complete", func() bool { return jobStates(t, st, jobs.KindSendMail)["completed"] == 1 })
	if sent, err := st.MailSent(ctx, m.Key); err != nil || !sent {
		t.Fatalf("MailSent = %v, %v after sending", sent, err)
	}
	// The same message again, as a retried request would enqueue it.
	if err := q.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the second job to complete", func() bool { return jobStates(t, st, jobs.KindSendMail)["completed"] == 2 })
	if tries, n := s.counts(); tries != 1 || n != 1 {
		t.Errorf("sender called %d times, %d sent; want once", tries, n)
	}

	// Without a key there is no such guarantee: both go out.
	other := mail.Message{To: "owner@example.com", Subject: "Test", Text: "x"}
	for range 2 {
		if err := q.Send(ctx, other); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "two keyless messages", func() bool { _, n := s.counts(); return n == 3 })
}

func TestSendMailFailureIsRetried(t *testing.T) {
	st := migrated(t)
	ctx := context.Background()
	s := &countingSender{failFirst: 2}
	q := startQueue(t, testConfig(st, s))
	m := mail.Message{To: "reader@example.org", Subject: "Confirm", Text: "Click.", Key: "confirm:9"}
	if err := q.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a send after two failures", func() bool { _, n := s.counts(); return n == 1 })
	waitFor(t, "the job to complete", func() bool { return jobStates(t, st, jobs.KindSendMail)["completed"] == 1 })
	if tries, _ := s.counts(); tries != 3 {
		t.Errorf("tries = %d, want 3", tries)
	}
	if sent, err := st.MailSent(ctx, m.Key); err != nil || !sent {
		t.Errorf("MailSent = %v, %v", sent, err)
	}
}

func TestSendMailRefusedRecipientIsNotRetried(t *testing.T) {
	st := migrated(t)
	ctx := context.Background()
	refused := &mail.SendError{To: "gone@example.org", Code: 550, Permanent: true, Err: errors.New("550 5.1.1 no such user")}
	s := &countingSender{failFirst: 100, err: refused}
	q := startQueue(t, testConfig(st, s))
	if err := q.Send(ctx, mail.Message{To: "gone@example.org", Subject: "Hi", Text: "x", Key: "k"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the job to be cancelled", func() bool { return jobStates(t, st, jobs.KindSendMail)["cancelled"] == 1 })
	if tries, _ := s.counts(); tries != 1 {
		t.Errorf("tries = %d, want 1", tries)
	}
	if sent, _ := st.MailSent(ctx, "k"); sent {
		t.Error("a refused message is recorded as sent")
	}
}

func TestSendRefusesInvalidMessage(t *testing.T) {
	st := migrated(t)
	q, err := jobs.New(jobs.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Stop(context.Background())
	if err := q.Send(context.Background(), mail.Message{To: "not an address", Subject: "x", Text: "x"}); err == nil {
		t.Fatal("enqueued a message with no valid recipient")
	}
	if got := jobStates(t, st, jobs.KindSendMail); len(got) != 0 {
		t.Errorf("jobs = %v, want none", got)
	}
}

func TestStartNeedsMailSender(t *testing.T) {
	st := migrated(t)
	q, err := jobs.New(jobs.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Stop(context.Background())
	if err := q.Start(context.Background()); err == nil {
		t.Fatal("started without a mail sender")
	}
}
