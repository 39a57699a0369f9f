// Package jobs runs Quire's durable background work on River: publishing
// scheduled posts, sending mail, verifying received webmentions and sending
// linkbacks. Jobs are rows in the database, written
// in the same transaction as the rows they follow from (Inserter); they
// survive restarts, retry with backoff, and each effect happens once. Mail
// jobs name IDs, and their messages are built when they run (Composer).
package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Defaults for the Config fields left zero.
const (
	DefaultMaxWorkers        = 4
	DefaultFetchPollInterval = time.Second
	DefaultFetchCooldown     = 100 * time.Millisecond
	DefaultSafetyNetInterval = time.Minute
	DefaultCleanupInterval   = time.Hour
	// DefaultJobTimeout bounds one run of a job; mail has its own 30 s
	// limit inside it.
	DefaultJobTimeout = 2 * time.Minute
)

// Config is what the queue needs.
type Config struct {
	Store  *store.Store
	Mail   mail.Sender // sends directly; the queue retries it
	Logger *slog.Logger
	// Site gives the settings jobs read (how long commenters' IPs are kept);
	// nil reads them from Store.
	Site *site.Site

	// MaxWorkers is how many jobs run at once.
	MaxWorkers int
	// FetchPollInterval is how often the queue looks for due jobs when
	// nothing tells it about new ones; FetchCooldown is the least time
	// between two looks.
	FetchPollInterval time.Duration
	FetchCooldown     time.Duration
	// SafetyNetInterval is how often every due scheduled post is published
	// whether or not its job exists; CleanupInterval is how often expired
	// sessions, tokens and rate-limit events are deleted. Negative turns
	// either off.
	SafetyNetInterval time.Duration
	CleanupInterval   time.Duration
	// ForgetIPsInterval is how often commenters' IP addresses older than the
	// retention period are cleared; negative turns it off.
	ForgetIPsInterval time.Duration
	// MailRetryDelay, when set, is the wait before retrying a failed
	// message after attempt (1 after the first try); nil uses River's
	// backoff.
	MailRetryDelay func(attempt int) time.Duration
	// Composers build the messages of mail jobs when they run, by
	// MailJob.Mail.
	Composers map[string]Composer
	// Webmentions verifies received webmentions (KindVerifyWebmention);
	// nil leaves their jobs to be retried by a process that has one.
	Webmentions WebmentionVerifier

	// Linkbacks sends what linkback jobs name; nil leaves them waiting for
	// a process that can. LinkbackRetryDelay, when set, replaces River's
	// backoff between its attempts.
	Linkbacks          LinkbackSender
	LinkbackRetryDelay func(attempt int) time.Duration
	// Published is called in the transaction that publishes a scheduled
	// post when its time comes, so what follows from publishing (the
	// linkback jobs) is written with it; nil does nothing more.
	Published func(ctx context.Context, tx *store.Store, postID int64) error

	// Newsletter sends newsletter issues in batches and runs the periodic
	// newsletter tick; nil leaves batch jobs waiting for a process that
	// can. NewsletterTick is the tick's interval (negative: off);
	// NewsletterWorkers how many batches run at once.
	Newsletter        NewsletterEngine
	NewsletterTick    time.Duration
	NewsletterWorkers int
}

// Queue enqueues jobs and, once started, works them. Its Inserter writes
// jobs in the store's transactions.
type Queue struct {
	*Inserter

	client riverClient
	eng    *engine
	log    *slog.Logger
	mail   mail.Sender

	mu      sync.Mutex
	started bool
	stopped bool
}

// Migrate creates or updates River's own tables. Running it again does
// nothing.
func Migrate(ctx context.Context, st *store.Store) error {
	eng, err := openEngine(ctx, st)
	if err != nil {
		return err
	}
	defer eng.close()
	m, err := eng.newMigrator()
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// New returns a queue that can enqueue jobs; Start makes it work them too.
// A queue that is never started (a command-line run) only inserts; Stop
// releases its connection either way.
func New(c Config) (*Queue, error) {
	if c.Store == nil {
		return nil, errors.New("jobs: no store")
	}
	log := c.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	pollEvery := or(c.FetchPollInterval, DefaultFetchPollInterval)
	cooldown := min(or(c.FetchCooldown, DefaultFetchCooldown), pollEvery)

	workers := river.NewWorkers()
	river.AddWorker(workers, &publishWorker{st: c.Store, published: c.Published, log: log})
	river.AddWorker(workers, &sendMailWorker{st: c.Store, mail: c.Mail, retry: c.MailRetryDelay, log: log})
	river.AddWorker(workers, &mailWorker{st: c.Store, mail: c.Mail, composers: c.Composers, retry: c.MailRetryDelay, log: log})
	river.AddWorker(workers, &cleanupWorker{st: c.Store})
	river.AddWorker(workers, &publishDueWorker{st: c.Store, published: c.Published, log: log})
	river.AddWorker(workers, &webmentionWorker{verify: c.Webmentions})
	river.AddWorker(workers, &linkbackWorker{send: c.Linkbacks, retry: c.LinkbackRetryDelay})

	var periodic []*river.PeriodicJob
	if d := or(c.SafetyNetInterval, DefaultSafetyNetInterval); d > 0 {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(d),
			func() (river.JobArgs, *river.InsertOpts) { return publishDueArgs{}, nil },
			&river.PeriodicJobOpts{ID: KindPublishDue, RunOnStart: true}))
	}
	if d := or(c.CleanupInterval, DefaultCleanupInterval); d > 0 {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(d),
			func() (river.JobArgs, *river.InsertOpts) { return cleanupArgs{}, nil },
			&river.PeriodicJobOpts{ID: KindCleanup, RunOnStart: true}))
	}
	periodic = addCommentJobs(workers, periodic, c, log)
	periodic = addNewsletterJobs(workers, periodic, c)

	ins, err := newInserter(c.Store, log)
	if err != nil {
		return nil, err
	}
	eng, err := openEngine(context.Background(), c.Store)
	if err != nil {
		return nil, err
	}
	queues := map[string]river.QueueConfig{
		river.QueueDefault: {MaxWorkers: or(c.MaxWorkers, DefaultMaxWorkers)},
		QueueNewsletter:    {MaxWorkers: or(c.NewsletterWorkers, DefaultNewsletterWorkers)},
	}
	client, err := eng.newClient(&river.Config{
		Logger:            slog.New(minLevel{h: log.Handler(), min: slog.LevelWarn}),
		Workers:           workers,
		Queues:            queues,
		PeriodicJobs:      periodic,
		FetchPollInterval: pollEvery,
		FetchCooldown:     cooldown,
		JobTimeout:        DefaultJobTimeout,
	})
	if err != nil {
		eng.close()
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	return &Queue{Inserter: ins, client: client, eng: eng, log: log, mail: c.Mail}, nil
}

// Start begins working jobs until Stop. Cancelling ctx does not stop the
// queue, so Stop can let running jobs finish.
func (q *Queue) Start(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.stopped:
		return errors.New("jobs: start: the queue was stopped")
	case q.started:
		return nil
	case q.mail == nil:
		return errors.New("jobs: start: no mail sender is configured")
	}
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	q.started = true
	return nil
}

// Stop finishes running jobs and stops. When ctx ends first, running jobs
// are cancelled (they run again after the next start). It releases the
// queue's connection; the queue cannot be used afterwards.
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped {
		return nil
	}
	q.stopped = true
	var errs []error
	if q.started {
		if err := q.client.Stop(ctx); err != nil {
			q.log.Warn("jobs did not finish in time; cancelling them", "err", err)
			hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			if err := q.client.StopAndCancel(hard); err != nil {
				errs = append(errs, fmt.Errorf("jobs: stop: %w", err))
			}
			cancel()
		}
	}
	if err := q.eng.close(); err != nil {
		errs = append(errs, fmt.Errorf("jobs: stop: %w", err))
	}
	return errors.Join(errs...)
}

// Send enqueues m, a message built already, to be sent by the mail job (it
// implements mail.Sender); mail that follows from rows is a MailJob (Mail)
// instead, written with them. A message that cannot be sent at all (no
// valid recipient) is refused here rather than retried; one whose Key
// waits to be sent already is not enqueued twice.
func (q *Queue) Send(ctx context.Context, m mail.Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if _, err := q.client.Insert(ctx, sendMailArgs{Key: m.Key, Message: m}, mailOpts(m.Key)); err != nil {
		return fmt.Errorf("jobs: enqueue mail to %s: %w", m.To, err)
	}
	return nil
}

// publishOpts makes a publish job due at at and unique per post and time
// among waiting jobs.
func publishOpts(at time.Time) *river.InsertOpts {
	return &river.InsertOpts{
		ScheduledAt: at,
		UniqueOpts:  river.UniqueOpts{ByArgs: true, ByState: pendingStates},
	}
}

// mailOpts makes a message with a key unique per key among waiting jobs.
func mailOpts(key string) *river.InsertOpts {
	if key == "" {
		return nil
	}
	return &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: pendingStates}}
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// minLevel drops records below min; River is chatty at Info.
type minLevel struct {
	h   slog.Handler
	min slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.h.Enabled(ctx, l)
}

func (m minLevel) Handle(ctx context.Context, r slog.Record) error { return m.h.Handle(ctx, r) }

func (m minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h: m.h.WithAttrs(as), min: m.min}
}

func (m minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h: m.h.WithGroup(name), min: m.min}
}
