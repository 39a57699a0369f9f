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

// The newsletter's jobs, and the queue its batches run in (so a long issue
// never holds every worker of the default queue, where comment mail and
// publishing run).
const (
	// KindNewsletterBatch sends one batch of an issue's deliveries.
	KindNewsletterBatch = "newsletter_batch"
	// KindNewsletterTick is the periodic job that reclaims the batches of
	// processes that died, starts scheduled issues when due and the weekly
	// issue at its slot.
	KindNewsletterTick = "newsletter_tick"
	// QueueNewsletter is the queue of batch jobs.
	QueueNewsletter = "newsletter"
)

// Defaults of the newsletter's Config fields.
const (
	// DefaultNewsletterTick is how often the tick runs: a batch whose
	// process died is taken back within the lease's length plus this.
	DefaultNewsletterTick = 10 * time.Second
	// DefaultNewsletterWorkers is how many batches one process sends at
	// once (they share its SMTP connections).
	DefaultNewsletterWorkers = 2
	// newsletterBatchTimeout bounds one run of a batch job; the engine
	// stops a run well before (it writes the batch's next job and goes on
	// in it).
	newsletterBatchTimeout = 10 * time.Minute
	// newsletterMaxAttempts counts only runs that failed unexpectedly (a
	// database error): an SMTP server that is down makes the engine write
	// the batch's next job, due later, which counts nothing, so such an
	// issue waits as long as it takes.
	newsletterMaxAttempts = 25
)

// NewsletterBatchJob names one batch of an issue's deliveries and the
// generation it was written for (the batch's fencing token): IDs only.
type NewsletterBatchJob struct {
	IssueID int64 `json:"issue_id"`
	Batch   int   `json:"batch"`
	Gen     int   `json:"gen"`
	// At is when the job may run (zero: now); it is not part of the
	// job's arguments.
	At time.Time `json:"-"`
}

// NewsletterEngine does the newsletter's jobs (the delivery engine).
// SendBatch may return RetryLater's error to run again later without
// counting an attempt (the engine writes a job of the batch's next
// generation instead, with the batch's release).
type NewsletterEngine interface {
	SendBatch(ctx context.Context, j NewsletterBatchJob) error
	Tick(ctx context.Context) error
}

// newsletterBatchArgs is a NewsletterBatchJob as stored; one job per
// batch and gen waits at a time.
type newsletterBatchArgs struct {
	NewsletterBatchJob
}

func (newsletterBatchArgs) Kind() string { return KindNewsletterBatch }

func (newsletterBatchArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueNewsletter, MaxAttempts: newsletterMaxAttempts}
}

func newsletterBatchOpts() *river.InsertOpts {
	return &river.InsertOpts{Queue: QueueNewsletter, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: pendingStates}}
}

// NewsletterBatches writes, in tx's transaction, a job for each batch
// named. A batch and gen whose job waits already gets no second one.
func (in *Inserter) NewsletterBatches(ctx context.Context, tx *store.Store, jobs ...NewsletterBatchJob) error {
	params := make([]river.InsertManyParams, 0, len(jobs))
	for _, j := range jobs {
		if j.IssueID == 0 || j.Batch == 0 {
			return errors.New("jobs: enqueue newsletter batch: the job names no batch")
		}
		opts := newsletterBatchOpts()
		if j.At.After(time.Now()) {
			opts.ScheduledAt = j.At
		}
		params = append(params, river.InsertManyParams{Args: newsletterBatchArgs{j}, InsertOpts: opts})
	}
	if err := in.insert(ctx, tx, params...); err != nil {
		return fmt.Errorf("jobs: enqueue newsletter batches: %w", err)
	}
	return nil
}

// RunningNewsletterBatches returns the batch jobs River shows running
// since before startedBefore. A job that starts claims its batch at once,
// so one whose batch still waits under the job's gen long after it started
// was started by a process that died before the claim: River leaves it
// "running" until its rescue, an hour later.
func (in *Inserter) RunningNewsletterBatches(ctx context.Context, startedBefore time.Time) ([]NewsletterBatchJob, error) {
	params := river.NewJobListParams().Kinds(KindNewsletterBatch).States(rivertype.JobStateRunning).First(500)
	var out []NewsletterBatchJob
	for {
		res, err := in.client.JobList(ctx, params)
		if err != nil {
			return nil, fmt.Errorf("jobs: list running newsletter batches: %w", err)
		}
		for _, j := range res.Jobs {
			if j.AttemptedAt == nil || !j.AttemptedAt.Before(startedBefore) {
				continue
			}
			var a newsletterBatchArgs
			if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
				return nil, fmt.Errorf("jobs: newsletter batch job %d: %w", j.ID, err)
			}
			out = append(out, a.NewsletterBatchJob)
		}
		if len(res.Jobs) < 500 || res.LastCursor == nil {
			return out, nil
		}
		params = params.After(res.LastCursor)
	}
}

type newsletterBatchWorker struct {
	river.WorkerDefaults[newsletterBatchArgs]
	engine NewsletterEngine
}

func (w *newsletterBatchWorker) Work(ctx context.Context, job *river.Job[newsletterBatchArgs]) error {
	if w.engine == nil {
		// A process that cannot send wrote it: retried, so one that can
		// sends it.
		return errors.New("jobs: newsletter batch: no delivery engine is configured")
	}
	return w.engine.SendBatch(ctx, job.Args.NewsletterBatchJob)
}

func (w *newsletterBatchWorker) Timeout(*river.Job[newsletterBatchArgs]) time.Duration {
	return newsletterBatchTimeout
}

// newsletterTickArgs runs the engine's Tick.
type newsletterTickArgs struct{}

func (newsletterTickArgs) Kind() string { return KindNewsletterTick }

type newsletterTickWorker struct {
	river.WorkerDefaults[newsletterTickArgs]
	engine NewsletterEngine
}

func (w *newsletterTickWorker) Work(ctx context.Context, _ *river.Job[newsletterTickArgs]) error {
	if w.engine == nil {
		return nil
	}
	if err := w.engine.Tick(ctx); err != nil {
		return fmt.Errorf("jobs: newsletter tick: %w", err)
	}
	return nil
}

// addNewsletterJobs registers the newsletter's workers and its periodic
// tick (when an engine is configured and the tick is not turned off).
func addNewsletterJobs(workers *river.Workers, periodic []*river.PeriodicJob, c Config) []*river.PeriodicJob {
	river.AddWorker(workers, &newsletterBatchWorker{engine: c.Newsletter})
	river.AddWorker(workers, &newsletterTickWorker{engine: c.Newsletter})
	if d := or(c.NewsletterTick, DefaultNewsletterTick); d > 0 && c.Newsletter != nil {
		opts := newsletterTickOpts(d)
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(d),
			func() (river.JobArgs, *river.InsertOpts) { return newsletterTickArgs{}, opts },
			&river.PeriodicJobOpts{ID: KindNewsletterTick, RunOnStart: true}))
	}
	return periodic
}

// newsletterTickOpts makes the tick unique per interval d (at least a
// second, River's least period): one tick is written per interval, and a
// tick left "running" by a process that was killed holds back only its
// own interval's. Unique by state alone, that dead tick would block every
// later one until River rescued it (an hour after its job timeout), and
// with them the taking back of the dead process's batches.
func newsletterTickOpts(d time.Duration) *river.InsertOpts {
	return &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByState: pendingStates, ByPeriod: max(d, time.Second)}}
}
