package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/quirehq/quire/internal/store"
)

// KindVerifyWebmention is the job that verifies one received webmention:
// it fetches the source, and stores, updates or removes the mention.
const KindVerifyWebmention = "verify_webmention"

// webmentionMaxAttempts is how often a source that cannot be reached (a
// timeout, a 5xx) is tried: with River's backoff the last try comes about
// fifteen minutes after the first. Waiting for the fetch budget or for a
// recent check to grow old is a snooze, not an attempt.
const webmentionMaxAttempts = 5

// WebmentionJob is one webmention as it was received: the post its target
// named, the source and target URLs exactly as sent, and who sent it. It
// carries no content: the job fetches the source when it runs. Waiting
// jobs are unique per post, source and target, so a flood of the same
// mention makes one job.
type WebmentionJob struct {
	PostID    int64  `json:"post_id" river:"unique"`
	Source    string `json:"source" river:"unique"`
	Target    string `json:"target" river:"unique"`
	IP        string `json:"ip,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
	// Received is when it was received (Unix seconds): the time a new
	// mention is stored with.
	Received int64 `json:"received"`
}

// Kind names the job in River's rows.
func (WebmentionJob) Kind() string { return KindVerifyWebmention }

// InsertOpts sets the attempts and the uniqueness among waiting jobs.
func (WebmentionJob) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: webmentionMaxAttempts,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: pendingStates}}
}

// WebmentionVerifier verifies webmentions when their jobs run. Its error
// is retried with backoff, unless it is Later (run again after a while,
// not counted as an attempt) or Drop (never retried).
type WebmentionVerifier interface {
	VerifyWebmention(ctx context.Context, j WebmentionJob) error
}

// Later tells the queue to run the job again after d, without counting an
// attempt: the source host's fetch budget is spent, or the source was
// checked moments ago.
func Later(d time.Duration) error { return river.JobSnooze(d) }

// Drop tells the queue that the job can never succeed (the source cannot
// be fetched at all, the post is gone): it ends now, with err logged.
func Drop(err error) error { return river.JobCancel(err) }

// VerifyWebmention writes, in tx's transaction, the job that verifies a
// received webmention. The same mention waiting already adds nothing.
func (in *Inserter) VerifyWebmention(ctx context.Context, tx *store.Store, j WebmentionJob) error {
	if j.PostID == 0 || j.Source == "" || j.Target == "" {
		return errors.New("jobs: enqueue webmention: a post, source and target are needed")
	}
	if err := in.insert(ctx, tx, river.InsertManyParams{Args: j}); err != nil {
		return fmt.Errorf("jobs: enqueue webmention from %s: %w", j.Source, err)
	}
	return nil
}

type webmentionWorker struct {
	river.WorkerDefaults[WebmentionJob]
	verify WebmentionVerifier
}

// Work hands the job to the verifier. A process with no verifier (a
// command-line run never works jobs) leaves it to be retried.
func (w *webmentionWorker) Work(ctx context.Context, job *river.Job[WebmentionJob]) error {
	if w.verify == nil {
		return errors.New("jobs: verify webmention: no verifier is configured")
	}
	return w.verify.VerifyWebmention(ctx, job.Args)
}
