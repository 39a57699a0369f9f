package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/quirehq/quire/internal/store"
)

// KindSendLinkback is the job that tells one page a post links to about
// the post (Webmention, else Pingback, or a trackback the author asked
// for), or that the link is gone.
const KindSendLinkback = "send_linkback"

// linkbackMaxAttempts is how often a send that fails in a way worth
// retrying (a timeout, a 5xx) is tried: with River's backoff (attempt⁴
// seconds) the last try comes about an hour and a quarter after the first.
const linkbackMaxAttempts = 8

// LinkbackJob names one outbound link to notify: IDs and the target, never
// the source URL, which the sender builds when the job runs from the post
// and the serving process's base URL.
type LinkbackJob struct {
	LinkID int64  `json:"link_id"` // the outbound_links row
	PostID int64  `json:"post_id"`
	Target string `json:"target"`
}

// LinkbackSender does what a linkback job names. attempt counts from 1 to
// maxAttempts. Returning RetryLater's error runs the job again later
// without counting an attempt; GiveUp's ends it; any other error is
// retried with backoff until the last attempt.
type LinkbackSender interface {
	SendLinkback(ctx context.Context, j LinkbackJob, attempt, maxAttempts int) error
}

// RetryLater returns the error that makes a job run again after d without
// counting it as an attempt: a fetch budget that is spent, or a newer
// request for the same link that arrived while it ran.
func RetryLater(d time.Duration) error { return river.JobSnooze(d) }

// GiveUp returns the error that ends a job for good: what it failed on
// will not be different next time.
func GiveUp(err error) error { return river.JobCancel(err) }

// linkbackArgs is a LinkbackJob as stored; a job is unique by all three
// fields among waiting ones, so one send per link waits at a time.
type linkbackArgs struct {
	LinkbackJob
}

func (linkbackArgs) Kind() string { return KindSendLinkback }

func (linkbackArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: linkbackMaxAttempts}
}

// linkbackOpts makes a send unique per link among waiting jobs.
func linkbackOpts() *river.InsertOpts {
	return &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: pendingStates}}
}

// SendLinkbacks writes, in tx's transaction, a job for each link named. A
// link whose send is already waiting gets no second job: the waiting one
// reads the link's state when it runs.
func (in *Inserter) SendLinkbacks(ctx context.Context, tx *store.Store, jobs ...LinkbackJob) error {
	params := make([]river.InsertManyParams, 0, len(jobs))
	for _, j := range jobs {
		if j.LinkID == 0 || j.Target == "" {
			return errors.New("jobs: enqueue linkback: the job names no link")
		}
		params = append(params, river.InsertManyParams{Args: linkbackArgs{j}, InsertOpts: linkbackOpts()})
	}
	if err := in.insert(ctx, tx, params...); err != nil {
		return fmt.Errorf("jobs: enqueue linkbacks: %w", err)
	}
	return nil
}

type linkbackWorker struct {
	river.WorkerDefaults[linkbackArgs]
	send  LinkbackSender
	retry func(attempt int) time.Duration
}

func (w *linkbackWorker) Work(ctx context.Context, job *river.Job[linkbackArgs]) error {
	if w.send == nil {
		// A process that cannot send wrote it: retried, so one that can
		// sends it.
		return errors.New("jobs: send linkback: no linkback sender is configured")
	}
	return w.send.SendLinkback(ctx, job.Args.LinkbackJob, job.Attempt, job.MaxAttempts)
}

// NextRetry uses the configured retry delay, or River's backoff when none
// is set.
func (w *linkbackWorker) NextRetry(job *river.Job[linkbackArgs]) time.Time {
	if w.retry == nil {
		return time.Time{}
	}
	return time.Now().Add(w.retry(job.Attempt))
}
