package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/quirehq/quire/internal/store"
)

// unfinished are the states of jobs that have not run to an end. A job
// left running by a stopped site counts: it never finished.
var unfinished = []rivertype.JobState{
	rivertype.JobStateAvailable,
	rivertype.JobStatePending,
	rivertype.JobStateRetryable,
	rivertype.JobStateRunning,
	rivertype.JobStateScheduled,
}

// Reenqueue copies the publish, mail, linkback and newsletter batch jobs that had not finished in
// src's queue into dst's, keeping when they are due, and returns how many
// it enqueued: after quire copy-db the new database goes on with the work
// the old one had waiting. Periodic jobs are not copied (the queue makes
// its own). With replace, dst's own unfinished jobs are removed first,
// since they belonged to the content the copy replaced. Both databases
// must have River's tables (Migrate).
func Reenqueue(ctx context.Context, src, dst *store.Store, replace bool) (int, error) {
	from, err := New(Config{Store: src})
	if err != nil {
		return 0, err
	}
	defer from.Stop(context.WithoutCancel(ctx))
	to, err := New(Config{Store: dst})
	if err != nil {
		return 0, err
	}
	defer to.Stop(context.WithoutCancel(ctx))

	if replace {
		err := to.eachUnfinished(ctx, nil, func(j *rivertype.JobRow) error {
			if _, err := to.client.JobDelete(ctx, j.ID); err != nil && !errors.Is(err, river.ErrNotFound) {
				return fmt.Errorf("jobs: re-enqueue: delete job %d in the target: %w", j.ID, err)
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	n := 0
	err = from.eachUnfinished(ctx, []string{KindPublishPost, KindSendMail, KindMail, KindSendLinkback, KindNewsletterBatch}, func(j *rivertype.JobRow) error {
		if err := to.copyJob(ctx, j); err != nil {
			return err
		}
		n++
		return nil
	})
	return n, err
}

// eachUnfinished calls fn for every unfinished job of kinds (all kinds
// when nil), oldest first.
func (q *Queue) eachUnfinished(ctx context.Context, kinds []string, fn func(*rivertype.JobRow) error) error {
	params := river.NewJobListParams().States(unfinished...).First(500)
	if len(kinds) > 0 {
		params = params.Kinds(kinds...)
	}
	for {
		res, err := q.client.JobList(ctx, params)
		if err != nil {
			return fmt.Errorf("jobs: list unfinished jobs: %w", err)
		}
		for _, j := range res.Jobs {
			if err := fn(j); err != nil {
				return err
			}
		}
		if len(res.Jobs) < 500 || res.LastCursor == nil {
			return nil
		}
		params = params.After(res.LastCursor)
	}
}

// copyJob enqueues j, a job from another database, with the options its
// kind is always enqueued with.
func (q *Queue) copyJob(ctx context.Context, j *rivertype.JobRow) error {
	var args river.JobArgs
	var opts *river.InsertOpts
	switch j.Kind {
	case KindPublishPost:
		var a publishArgs
		if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
			return fmt.Errorf("jobs: re-enqueue job %d: %w", j.ID, err)
		}
		args, opts = a, publishOpts(a.At)
	case KindSendMail:
		var a sendMailArgs
		if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
			return fmt.Errorf("jobs: re-enqueue job %d: %w", j.ID, err)
		}
		args, opts = a, mailOpts(a.Key)
	case KindMail:
		var a mailArgs
		if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
			return fmt.Errorf("jobs: re-enqueue job %d: %w", j.ID, err)
		}
		args, opts = a, mailOpts(a.Key)
	case KindSendLinkback:
		var a linkbackArgs
		if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
			return fmt.Errorf("jobs: re-enqueue job %d: %w", j.ID, err)
		}
		args, opts = a, linkbackOpts()
	case KindNewsletterBatch:
		var a newsletterBatchArgs
		if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
			return fmt.Errorf("jobs: re-enqueue job %d: %w", j.ID, err)
		}
		args, opts = a, newsletterBatchOpts()
	default:
		return fmt.Errorf("jobs: re-enqueue job %d: unknown kind %q", j.ID, j.Kind)
	}
	if opts == nil {
		opts = &river.InsertOpts{}
	}
	if j.ScheduledAt.After(time.Now()) {
		opts.ScheduledAt = j.ScheduledAt
	}
	opts.MaxAttempts = j.MaxAttempts
	if _, err := q.client.Insert(ctx, args, opts); err != nil {
		return fmt.Errorf("jobs: re-enqueue job %d: %w", j.ID, err)
	}
	return nil
}
