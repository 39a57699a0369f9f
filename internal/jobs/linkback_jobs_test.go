package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/jobs"
)

// fakeLinkbacks records the linkback jobs it is given, failing the first
// failFirst attempts and asking for a later run once when snoozeOnce.
type fakeLinkbacks struct {
	mu         sync.Mutex
	calls      []jobs.LinkbackJob
	attempts   []int
	failFirst  int
	snoozeOnce bool
}

func (f *fakeLinkbacks) SendLinkback(_ context.Context, j jobs.LinkbackJob, attempt, max int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, j)
	f.attempts = append(f.attempts, attempt)
	if max != 8 {
		return jobs.GiveUp(errors.New("unexpected max attempts"))
	}
	if f.snoozeOnce {
		f.snoozeOnce = false
		return jobs.RetryLater(time.Millisecond)
	}
	if len(f.calls) <= f.failFirst {
		return errors.New("503 from the endpoint")
	}
	return nil
}

func (f *fakeLinkbacks) seen() ([]jobs.LinkbackJob, []int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]jobs.LinkbackJob(nil), f.calls...), append([]int(nil), f.attempts...)
}

// TestLinkbackJobs: a linkback job is written once per link while one
// waits, is handed to the sender with its attempt, retried with backoff
// after a failure, and run again without counting an attempt when the
// sender asks for later.
func TestLinkbackJobs(t *testing.T) {
	st := migrated(t)
	ctx := context.Background()
	f := &fakeLinkbacks{failFirst: 3, snoozeOnce: true} // the snoozed call counts among the first three
	c := testConfig(st, &countingSender{})
	c.Linkbacks = f
	c.LinkbackRetryDelay = func(int) time.Duration { return 10 * time.Millisecond }
	q, err := jobs.New(c)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx)
	j := jobs.LinkbackJob{LinkID: 7, PostID: 3, Target: "https://example.org/a"}
	for range 2 {
		if err := q.SendLinkbacks(ctx, st, j); err != nil {
			t.Fatal(err)
		}
	}
	if got := jobStates(t, st, jobs.KindSendLinkback); got["available"] != 1 || len(got) != 1 {
		t.Fatalf("jobs %v, want one waiting per link", got)
	}
	if err := q.SendLinkbacks(ctx, st, jobs.LinkbackJob{PostID: 3}); err == nil {
		t.Error("a job naming no link was written")
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the job to complete", func() bool { return jobStates(t, st, jobs.KindSendLinkback)["completed"] == 1 })
	calls, attempts := f.seen()
	if len(calls) != 4 || calls[0] != j {
		t.Fatalf("calls %+v", calls)
	}
	// Snoozed (attempt 1 again), then two failures, then done.
	if want := []int{1, 1, 2, 3}; !equalInts(attempts, want) {
		t.Errorf("attempts %v, want %v", attempts, want)
	}
}

// TestReenqueueCopiesLinkbackJobs: quire copy-db carries waiting linkback
// jobs over, once.
func TestReenqueueCopiesLinkbackJobs(t *testing.T) {
	ctx := context.Background()
	src, dst := migrated(t), migrated(t)
	from, err := jobs.New(jobs.Config{Store: src})
	if err != nil {
		t.Fatal(err)
	}
	defer from.Stop(ctx)
	if err := from.SendLinkbacks(ctx, src, jobs.LinkbackJob{LinkID: 1, PostID: 2, Target: "https://example.org/"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if n, err := jobs.Reenqueue(ctx, src, dst, false); err != nil || n != 1 {
			t.Fatalf("re-enqueued %d, %v", n, err)
		}
	}
	if got := jobStates(t, dst, jobs.KindSendLinkback); got["available"] != 1 || len(got) != 1 {
		t.Errorf("linkback jobs in the target: %v", got)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
