// Package deliver is the newsletter's delivery engine: it sends an issue
// to every active subscriber over SMTP, losing nothing and repeating
// nothing, and runs the weekly schedule.
//
// Starting an issue (Enqueue, in the transaction that moved it to
// "sending") writes one delivery per subscriber active then, cuts them into
// batches of consecutive subscribers, and writes one durable job per batch.
// A batch's job holds a lease of its own on the batch (a row with an owner
// and an expiry it renews while it runs): a process killed mid-batch stops
// renewing, and the periodic tick takes the batch back once the lease has
// run out, under a new generation (a fencing token) with a new job, so the
// send resumes within a minute while a batch that is merely slow is never
// sent twice. For each recipient the subscriber's status is read in the
// very statement that records the delivery "sending", immediately before
// the message goes to SMTP; "sent" is recorded after. Each message carries
// a Message-ID stable per issue and subscriber (blog.DeliveryMessageID).
// docs/newsletter.md describes the one crash window this leaves.
package deliver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Defaults of Options.
const (
	DefaultBatchSize   = 250
	DefaultLeaseTTL    = 30 * time.Second
	DefaultHeartbeat   = 5 * time.Second
	DefaultRunBudget   = 20 * time.Second
	DefaultMaxAttempts = 8
	DefaultSlotGrace   = 6 * time.Hour
)

// Options tune the engine; zero fields take the defaults.
type Options struct {
	// BatchSize is how many recipients one batch job sends to.
	BatchSize int
	// LeaseTTL is how long a batch's lease lasts unless renewed, renewed
	// every Heartbeat while the batch runs: a batch whose process died is
	// taken back by the tick once LeaseTTL has passed.
	LeaseTTL  time.Duration
	Heartbeat time.Duration
	// RunBudget is how long one run of a batch job sends before it hands
	// the rest to its next run (the job stays well inside its timeout, and
	// within the 30 seconds serve gives running jobs when it stops).
	RunBudget time.Duration
	// RetryDelay is the wait before a batch runs again after run n (1, 2…)
	// left messages to retry (4xx) or met a failing SMTP server; nil is
	// 15 s doubling up to 30 minutes.
	RetryDelay func(n int) time.Duration
	// MaxAttempts is how often one message is tried against 4xx answers
	// before its delivery is given up (failed).
	MaxAttempts int
	// SlotGrace is how late a weekly slot may still be sent (the site
	// was down at its time); an older slot is skipped.
	SlotGrace time.Duration
}

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = DefaultLeaseTTL
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = DefaultHeartbeat
	}
	if o.RunBudget <= 0 {
		o.RunBudget = DefaultRunBudget
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.SlotGrace <= 0 {
		o.SlotGrace = DefaultSlotGrace
	}
	if o.RetryDelay == nil {
		o.RetryDelay = func(n int) time.Duration {
			d := 15 * time.Second
			for i := 1; i < n && d < 30*time.Minute; i++ {
				d *= 2
			}
			return min(d, 30*time.Minute)
		}
	}
	return o
}

// BatchJobs writes batch jobs in a transaction, and lists those running
// since before a time; *jobs.Inserter is one.
type BatchJobs interface {
	NewsletterBatches(ctx context.Context, tx *store.Store, jobs ...jobs.NewsletterBatchJob) error
	RunningNewsletterBatches(ctx context.Context, startedBefore time.Time) ([]jobs.NewsletterBatchJob, error)
}

// limiter is what a sender may offer to follow the connections setting
// (*mail.Pool does).
type limiter interface{ SetLimit(n int) }

// Engine sends a site's newsletter issues. It implements newsletter.Sender
// and jobs.NewsletterEngine.
type Engine struct {
	Store      *store.Store
	Site       *site.Site
	Newsletter *newsletter.Service // composes each message
	Jobs       BatchJobs
	// Mail sends each message: a *mail.Pool with SMTP, the outbox without.
	Mail   mail.Sender
	Logger *slog.Logger
	// Now is the site's clock (the weekly schedule, the times recorded);
	// leases always run on the real clock, since they are about processes.
	Now func() time.Time
	Options

	owner string
	pace  pacer
	once  sync.Once
}

// New returns an engine; set Jobs before it enqueues anything.
func New(st *store.Store, s *site.Site, n *newsletter.Service, sender mail.Sender, log *slog.Logger, now func() time.Time, o Options) *Engine {
	e := &Engine{Store: st, Site: s, Newsletter: n, Mail: sender, Logger: log, Now: now, Options: o}
	e.init()
	return e
}

func (e *Engine) init() {
	e.once.Do(func() {
		e.Options = e.Options.withDefaults()
		if e.Logger == nil {
			e.Logger = slog.New(slog.DiscardHandler)
		}
		if e.Now == nil {
			e.Now = time.Now
		}
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		host, _ := os.Hostname()
		e.owner = host + ":" + strconv.Itoa(os.Getpid()) + ":" + hex.EncodeToString(b)
	})
}

// Owner names this engine in the leases it holds (host, pid and a random
// part).
func (e *Engine) Owner() string { e.init(); return e.owner }

// Enqueue implements newsletter.Sender: in tx, the transaction that moved
// issue issueID to "sending", it writes one delivery per subscriber active
// now, the batches and one job per batch. An issue with no one to send to
// is sent at once.
func (e *Engine) Enqueue(ctx context.Context, tx *store.Store, issueID int64) error {
	e.init()
	if e.Jobs == nil {
		return fmt.Errorf("deliver: no job queue")
	}
	if err := tx.LockNewsletter(ctx); err != nil {
		return err
	}
	set, _, err := e.Site.Current(ctx)
	if err != nil {
		return fmt.Errorf("deliver: settings: %w", err)
	}
	now := e.Now()
	if _, err := tx.CreateDeliveries(ctx, issueID, set.MailDomain(), now); err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	batches, err := tx.CreateNewsletterBatches(ctx, issueID, e.BatchSize, now)
	if err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	if len(batches) == 0 {
		total, _, err := tx.NewsletterBatchCounts(ctx, issueID)
		if err != nil {
			return fmt.Errorf("deliver: %w", err)
		}
		if total == 0 {
			if _, err := tx.SetIssueStatus(ctx, issueID, []blog.IssueStatus{blog.IssueSending}, blog.IssueSent, now); err != nil {
				return fmt.Errorf("deliver: %w", err)
			}
		}
		return nil
	}
	js := make([]jobs.NewsletterBatchJob, len(batches))
	for i, b := range batches {
		js[i] = jobs.NewsletterBatchJob{IssueID: issueID, Batch: b.Batch, Gen: b.Gen}
	}
	if err := e.Jobs.NewsletterBatches(ctx, tx, js...); err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	return nil
}

// finishIssue marks issue issueID sent once every batch of it is done.
func (e *Engine) finishIssue(ctx context.Context, issueID int64) error {
	total, left, err := e.Store.NewsletterBatchCounts(ctx, issueID)
	if err != nil || total == 0 || left > 0 {
		return err
	}
	_, err = e.Store.SetIssueStatus(ctx, issueID, []blog.IssueStatus{blog.IssueSending}, blog.IssueSent, e.Now())
	if err != nil && !isConflict(err) {
		return fmt.Errorf("deliver: finish issue %d: %w", issueID, err)
	}
	return nil
}

// pacer spaces messages to at most rate a second, across every batch of
// the process.
type pacer struct {
	mu   sync.Mutex
	next time.Time
}

// wait blocks until the next message may go at rate messages a second (0:
// at once).
func (p *pacer) wait(ctx context.Context, rate int) error {
	if rate <= 0 {
		return nil
	}
	p.mu.Lock()
	now := time.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(time.Second / time.Duration(rate))
	p.mu.Unlock()
	d := time.Until(at)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
