package jobs_test

import (
	"context"
	"errors"
	"fmt"
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

// TestJobsCommitWithTheirRows: a job written by the Inserter inside the
// store's transaction is part of it. Rolled back, neither the row nor its
// jobs exist; committed, both do.
func TestJobsCommitWithTheirRows(t *testing.T) {
	st := migrated(t)
	ctx := context.Background()
	in, err := jobs.NewInserter(st)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(time.Hour)
	fault := errors.New("the process died here")
	write := func(title string, fail bool) error {
		return st.InTx(ctx, func(tx *store.Store) error {
			p := &blog.Post{Type: blog.TypePost, Status: blog.StatusScheduled, Title: title, Body: "x", PublishedAt: at}
			if _, err := tx.SavePost(ctx, p); err != nil {
				return err
			}
			if err := in.SchedulePublish(ctx, tx, p.ID, at); err != nil {
				return err
			}
			if err := in.Mail(ctx, tx, jobs.MailJob{Mail: "post_scheduled", UserID: 1, Key: "scheduled:" + title}); err != nil {
				return err
			}
			if fail {
				return fault
			}
			return nil
		})
	}
	if err := write("Rolled back", true); !errors.Is(err, fault) {
		t.Fatalf("write = %v", err)
	}
	if _, err := st.PostBySlug(ctx, "rolled-back"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("the post of a rolled-back transaction: %v", err)
	}
	if got := jobStates(t, st, jobs.KindPublishPost); len(got) != 0 {
		t.Errorf("publish jobs of a rolled-back transaction: %v", got)
	}
	if got := jobStates(t, st, jobs.KindMail); len(got) != 0 {
		t.Errorf("mail jobs of a rolled-back transaction: %v", got)
	}

	if err := write("Committed", false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PostBySlug(ctx, "committed"); err != nil {
		t.Errorf("the committed post: %v", err)
	}
	if got := jobStates(t, st, jobs.KindPublishPost); got["scheduled"] != 1 || len(got) != 1 {
		t.Errorf("publish jobs after the commit: %v", got)
	}
	if got := jobStates(t, st, jobs.KindMail); got["available"] != 1 || len(got) != 1 {
		t.Errorf("mail jobs after the commit: %v", got)
	}

	// Outside a transaction the inserter makes one of its own, and a key
	// that waits already is not written twice.
	for range 2 {
		if err := in.Mail(ctx, st, jobs.MailJob{Mail: "post_scheduled", UserID: 1, Key: "scheduled:Committed"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := jobStates(t, st, jobs.KindMail); got["available"] != 1 {
		t.Errorf("mail jobs after writing the same key again: %v", got)
	}
	if err := in.Mail(ctx, st, jobs.MailJob{UserID: 1}); err == nil {
		t.Error("a mail job that names no mail was written")
	}
}

// composed is a Composer that builds a message from the job's IDs and
// the base URL it was given, and records every call.
type composed struct {
	mu    sync.Mutex
	base  string
	calls []jobs.MailJob
	skip  map[int64]bool // comment IDs with nothing to send
}

func (c *composed) compose(_ context.Context, j jobs.MailJob) (mail.Message, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, j)
	if c.skip[j.CommentID] {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	return mail.Message{To: fmt.Sprintf("user%d@example.org", j.UserID), Subject: "About comment " + fmt.Sprint(j.CommentID),
		Text: c.base + "/comments/" + fmt.Sprint(j.CommentID)}, nil
}

// TestMailJobIsBuiltWhenItRuns: the job carries IDs; the message is built
// by the running queue's composer, from its own base URL; a key is sent
// once however often it is enqueued; a message that no longer applies is
// not sent.
func TestMailJobIsBuiltWhenItRuns(t *testing.T) {
	st := migrated(t)
	ctx := context.Background()
	// Written by a process that cannot build mail at all (the command line).
	in, err := jobs.NewInserter(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Mail(ctx, st, jobs.MailJob{Mail: "note", CommentID: 7, UserID: 3, Key: "note:7:3"},
		jobs.MailJob{Mail: "note", CommentID: 8, UserID: 3, Key: "note:8:3"}); err != nil {
		t.Fatal(err)
	}
	s := &countingSender{}
	cmp := &composed{base: "https://coach.example.com", skip: map[int64]bool{8: true}}
	c := testConfig(st, s)
	c.Composers = map[string]jobs.Composer{"note": cmp.compose}
	q := startQueue(t, c)
	waitFor(t, "both jobs to complete", func() bool { return jobStates(t, st, jobs.KindMail)["completed"] == 2 })
	if _, n := s.counts(); n != 1 {
		t.Fatalf("sent %d, want 1 (the other had nothing to send)", n)
	}
	m := s.sent[0]
	if m.To != "user3@example.org" || m.Text != "https://coach.example.com/comments/7" || m.Key != "note:7:3" {
		t.Errorf("message %+v", m)
	}

	// The same key again, after it went out: nothing more is built or sent.
	if err := q.Mail(ctx, st, jobs.MailJob{Mail: "note", CommentID: 7, UserID: 3, Key: "note:7:3"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the third job to complete", func() bool { return jobStates(t, st, jobs.KindMail)["completed"] == 3 })
	if tries, n := s.counts(); tries != 1 || n != 1 {
		t.Errorf("sender called %d times, %d sent; want once", tries, n)
	}
	cmp.mu.Lock()
	defer cmp.mu.Unlock()
	if len(cmp.calls) != 2 {
		t.Errorf("composer called %d times, want 2", len(cmp.calls))
	}
}

// TestMailJobWithoutComposerWaits: a mail the running process cannot build
// is retried, not dropped, and one built wrong is cancelled.
func TestMailJobWithoutComposerWaits(t *testing.T) {
	st := migrated(t)
	ctx := context.Background()
	s := &countingSender{}
	c := testConfig(st, s)
	c.Composers = map[string]jobs.Composer{"broken": func(context.Context, jobs.MailJob) (mail.Message, error) {
		return mail.Message{To: "not an address", Subject: "x", Text: "x"}, nil
	}}
	q := startQueue(t, c)
	if err := q.Mail(ctx, st, jobs.MailJob{Mail: "unknown", Key: "u:1"}, jobs.MailJob{Mail: "broken", Key: "b:1"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the broken one to be cancelled", func() bool { return jobStates(t, st, jobs.KindMail)["cancelled"] == 1 })
	waitFor(t, "the unknown one to be retried", func() bool {
		got := jobStates(t, st, jobs.KindMail)
		return got["retryable"]+got["available"]+got["running"] == 1 && got["completed"] == 0
	})
	if tries, _ := s.counts(); tries != 0 {
		t.Errorf("sender called %d times", tries)
	}
}

// TestInsertedJobWakesQueueOnPostgres: with polling as good as off, a job
// written in the store's transaction through database/sql is worked at
// once, because the insert notifies River's listener on commit.
func TestInsertedJobWakesQueueOnPostgres(t *testing.T) {
	if storetest.Engine() != "postgres" {
		t.Skip("SQLite has no LISTEN/NOTIFY: the queue polls (covered by every other test)")
	}
	st := migrated(t)
	ctx := context.Background()
	s := &countingSender{}
	c := testConfig(st, s)
	c.FetchPollInterval = time.Hour
	cmp := &composed{base: "https://coach.example.com"}
	c.Composers = map[string]jobs.Composer{"note": cmp.compose}
	q := startQueue(t, c)
	wake := func(id int64) {
		err := st.InTx(ctx, func(tx *store.Store) error {
			return q.Mail(ctx, tx, jobs.MailJob{Mail: "note", CommentID: id, UserID: 2, Key: fmt.Sprint("wake:", id)})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// The first may be found by the queue's fetch at start; once it is
	// worked, that fetch is behind, and only a notification can bring the
	// second within the hour. (The inserter notifies a queue at most once
	// per FetchCooldown, 100 ms by default: the second comes after it.)
	wake(1)
	waitFor(t, "the first job", func() bool { _, n := s.counts(); return n == 1 })
	time.Sleep(150 * time.Millisecond)
	wake(2)
	waitFor(t, "the second job, told by NOTIFY", func() bool { _, n := s.counts(); return n == 2 })
}

// TestInserterNeedsRiverTables: a database River was never migrated on
// gives a clear error, not a silent loss.
func TestInserterNeedsRiverTables(t *testing.T) {
	st := storetest.New(t)
	in, err := jobs.NewInserter(st)
	if err != nil {
		t.Fatal(err)
	}
	err = in.Mail(context.Background(), st, jobs.MailJob{Mail: "note", Key: "x"})
	if err == nil || !strings.Contains(err.Error(), "river_job") {
		t.Errorf("error = %v, want one naming River's table", err)
	}
}
