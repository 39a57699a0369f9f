package deliver

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/store"
)

// overdueAfter is how long a waiting batch may stay past its due time
// before the tick writes its job again (River keeps one job per batch
// and generation, so this adds nothing while the job exists).
const overdueAfter = 15 * time.Minute

// Tick implements jobs.NewsletterEngine; it runs every few seconds on
// whichever instance River gives it to. It takes back batches whose lease
// ran out (their process died), gives a new job to a waiting batch whose
// job died before claiming it, rewrites the job of a batch left waiting
// far past its time, starts scheduled issues that are due and the weekly
// issue at its slot, and marks sent the issues whose batches are all
// done. Each part goes on when another fails.
func (e *Engine) Tick(ctx context.Context) error {
	e.init()
	return errors.Join(e.reclaim(ctx), e.startDue(ctx), e.weekly(ctx), e.finishSending(ctx))
}

// reclaim takes back the batches whose lease expired: each waits again
// under its next generation, with a job written for it in the same
// transaction, so the job of the dead process (should River ever run it
// again) finds its generation gone and does nothing.
func (e *Engine) reclaim(ctx context.Context) error {
	now := time.Now()
	expired, err := e.Store.ExpiredNewsletterBatches(ctx, now)
	if err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	var errs []error
	for _, b := range expired {
		err := e.Store.InTx(ctx, func(tx *store.Store) error {
			ok, err := tx.ReclaimNewsletterBatch(ctx, b.IssueID, b.Batch, b.Gen, now)
			if err != nil || !ok {
				return err
			}
			return e.Jobs.NewsletterBatches(ctx, tx, jobs.NewsletterBatchJob{IssueID: b.IssueID, Batch: b.Batch, Gen: b.Gen + 1})
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("deliver: reclaim batch %d of issue %d: %w", b.Batch, b.IssueID, err))
			continue
		}
		e.Logger.InfoContext(ctx, "newsletter: took back a batch whose process stopped renewing its lease",
			"issue", b.IssueID, "batch", b.Batch, "owner", b.Owner)
	}
	errs = append(errs, e.requeueOrphans(ctx, now))
	overdue, err := e.Store.OverdueNewsletterBatches(ctx, now.Add(-overdueAfter), 50)
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("deliver: %w", err))...)
	}
	for _, b := range overdue {
		err := e.Store.InTx(ctx, func(tx *store.Store) error {
			if err := tx.TouchNewsletterBatch(ctx, b.IssueID, b.Batch, b.Gen, now); err != nil {
				return err
			}
			return e.Jobs.NewsletterBatches(ctx, tx, jobs.NewsletterBatchJob{IssueID: b.IssueID, Batch: b.Batch, Gen: b.Gen})
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("deliver: batch %d of issue %d: %w", b.Batch, b.IssueID, err))
		}
	}
	return errors.Join(errs...)
}

// requeueOrphans gives a new job to each waiting batch whose job River
// shows running for longer than a lease while the batch still waits under
// the job's gen: that job was started by a process killed before it could
// claim the batch, so there is no lease for reclaim to find, and River
// would leave it "running" for an hour. The batch waits again under its
// next gen with a job written for it in the same transaction; the old job,
// should it be alive after all, finds its gen gone and does nothing.
func (e *Engine) requeueOrphans(ctx context.Context, now time.Time) error {
	running, err := e.Jobs.RunningNewsletterBatches(ctx, now.Add(-e.LeaseTTL))
	if err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	var errs []error
	for _, j := range running {
		var ok bool
		err := e.Store.InTx(ctx, func(tx *store.Store) error {
			var err error
			if ok, err = tx.RequeueNewsletterBatch(ctx, j.IssueID, j.Batch, j.Gen, now); err != nil || !ok {
				return err
			}
			return e.Jobs.NewsletterBatches(ctx, tx, jobs.NewsletterBatchJob{IssueID: j.IssueID, Batch: j.Batch, Gen: j.Gen + 1})
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("deliver: requeue batch %d of issue %d: %w", j.Batch, j.IssueID, err))
			continue
		}
		if ok {
			e.Logger.InfoContext(ctx, "newsletter: gave a new job to a batch whose job's process stopped before claiming it",
				"issue", j.IssueID, "batch", j.Batch, "gen", j.Gen+1)
		}
	}
	return errors.Join(errs...)
}

// startDue starts the scheduled issues whose time has come.
func (e *Engine) startDue(ctx context.Context) error {
	due, err := e.Store.DueIssues(ctx, e.Now())
	if err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	var errs []error
	for _, is := range due {
		err := e.Store.InTx(ctx, func(tx *store.Store) error {
			if err := tx.LockNewsletter(ctx); err != nil {
				return err
			}
			if _, err := tx.SetIssueStatus(ctx, is.ID, []blog.IssueStatus{blog.IssueScheduled}, blog.IssueSending, e.Now()); err != nil {
				return err
			}
			return e.Enqueue(ctx, tx, is.ID)
		})
		switch {
		case isConflict(err):
			// Started (or unscheduled) by someone else meanwhile.
		case err != nil:
			errs = append(errs, fmt.Errorf("deliver: start scheduled issue %d: %w", is.ID, err))
		default:
			e.Logger.InfoContext(ctx, "newsletter: started a scheduled issue", "issue", is.ID)
		}
	}
	return errors.Join(errs...)
}

// finishSending marks sent the issues whose batches are all done (the
// last batch does it; this catches a process that died just after).
func (e *Engine) finishSending(ctx context.Context) error {
	sending, _, err := e.Store.Issues(ctx, store.IssueFilter{Statuses: []blog.IssueStatus{blog.IssueSending}})
	if err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	var errs []error
	for _, is := range sending {
		if err := e.finishIssue(ctx, is.ID); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
