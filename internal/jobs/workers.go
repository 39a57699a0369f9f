package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/store"
)

// Job kinds, as stored in River's rows. Renaming one strands the jobs
// already waiting under the old name.
const (
	KindPublishPost = "publish_post"
	KindSendMail    = "send_mail"
	KindCleanup     = "cleanup"
	KindPublishDue  = "publish_due"
)

// mailMaxAttempts is how often a message is tried before it is given up:
// with River's backoff (attempt⁴ seconds) the last try comes about seven
// hours after the first.
const mailMaxAttempts = 10

// pendingStates are the job states a unique job is unique across: a job
// that already ran does not stop the same work being scheduled again.
var pendingStates = []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRetryable,
	rivertype.JobStateRunning,
	rivertype.JobStateScheduled,
}

// publishArgs publishes one scheduled post. At is part of the args so
// scheduling the same post for another time makes a new job.
type publishArgs struct {
	PostID int64     `json:"post_id"`
	At     time.Time `json:"at"`
}

func (publishArgs) Kind() string { return KindPublishPost }

type publishWorker struct {
	river.WorkerDefaults[publishArgs]
	st        *store.Store
	published func(ctx context.Context, tx *store.Store, postID int64) error
	log       *slog.Logger
}

// Work publishes the post if it is still scheduled and due. A post that
// was published already, unscheduled, deleted, or moved to a later time is
// left alone: for a later time a newer job exists.
func (w *publishWorker) Work(ctx context.Context, job *river.Job[publishArgs]) error {
	done, err := publishIfDue(ctx, w.st, w.published, job.Args.PostID, time.Now())
	if err != nil {
		return fmt.Errorf("jobs: publish post %d: %w", job.Args.PostID, err)
	}
	if done {
		w.log.InfoContext(ctx, "published scheduled post", "post", job.Args.PostID)
	}
	return nil
}

// publishIfDue publishes the scheduled post id when its time has come and,
// in the same transaction, writes what follows from it (published).
func publishIfDue(ctx context.Context, st *store.Store, published func(context.Context, *store.Store, int64) error, id int64, now time.Time) (bool, error) {
	var done bool
	err := st.InTx(ctx, func(tx *store.Store) error {
		var err error
		if done, err = tx.PublishIfDue(ctx, id, now); err != nil || !done || published == nil {
			return err
		}
		return published(ctx, tx, id)
	})
	return done, err
}

// sendMailArgs is one message to send, built before it was enqueued (Send).
// Mail that follows from rows is a MailJob instead, built when it runs.
// Key repeats Message.Key so that a unique insert compares keys only, not
// whole messages.
type sendMailArgs struct {
	Key     string       `json:"key,omitempty" river:"unique"`
	Message mail.Message `json:"message"`
}

func (sendMailArgs) Kind() string { return KindSendMail }

func (sendMailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: mailMaxAttempts}
}

type sendMailWorker struct {
	river.WorkerDefaults[sendMailArgs]
	st    *store.Store
	mail  mail.Sender
	retry func(attempt int) time.Duration
	log   *slog.Logger
}

// Work sends the message unless its key says it went out already, then
// records the key. A recipient the server refuses for good is not retried.
func (w *sendMailWorker) Work(ctx context.Context, job *river.Job[sendMailArgs]) error {
	m := job.Args.Message
	if m.Key != "" {
		sent, err := w.st.MailSent(ctx, m.Key)
		if err != nil {
			return fmt.Errorf("jobs: send mail: %w", err)
		}
		if sent {
			return nil
		}
	}
	return deliver(ctx, w.st, w.mail, w.log, m)
}

// NextRetry uses the configured retry delay, or River's backoff when none
// is set.
func (w *sendMailWorker) NextRetry(job *river.Job[sendMailArgs]) time.Time {
	if w.retry == nil {
		return time.Time{}
	}
	return time.Now().Add(w.retry(job.Attempt))
}

// cleanupArgs removes expired sessions, tokens and rate-limit events.
type cleanupArgs struct{}

func (cleanupArgs) Kind() string { return KindCleanup }

type cleanupWorker struct {
	river.WorkerDefaults[cleanupArgs]
	st *store.Store
}

func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[cleanupArgs]) error {
	if err := w.st.DeleteExpired(ctx, time.Now()); err != nil {
		return fmt.Errorf("jobs: cleanup: %w", err)
	}
	return nil
}

// publishDueArgs publishes every scheduled post whose time has come: the
// safety net for a publish job that was lost (a database restored from a
// copy without River's tables, say).
type publishDueArgs struct{}

func (publishDueArgs) Kind() string { return KindPublishDue }

type publishDueWorker struct {
	river.WorkerDefaults[publishDueArgs]
	st        *store.Store
	published func(ctx context.Context, tx *store.Store, postID int64) error
	log       *slog.Logger
}

func (w *publishDueWorker) Work(ctx context.Context, _ *river.Job[publishDueArgs]) error {
	now := time.Now()
	ids, err := w.st.DueScheduled(ctx, now)
	if err != nil {
		return fmt.Errorf("jobs: publish due posts: %w", err)
	}
	var errs []error
	for _, id := range ids {
		done, err := publishIfDue(ctx, w.st, w.published, id, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("jobs: publish due post %d: %w", id, err))
			continue
		}
		if done {
			w.log.InfoContext(ctx, "published scheduled post found due", "post", id)
		}
	}
	return errors.Join(errs...)
}
