package deliver

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/store"
)

// outcome is what became of one recipient in a run.
type outcome int

const (
	settled   outcome = iota // sent, bounced, failed, or nothing to do
	retry                    // a 4xx: try again in a later run
	stopped                  // not tried: the run stopped first
	transport                // the server or connection failed: stop the run
	leaseLost                // another process has the batch now: stop
)

// run is one run of a batch job.
type run struct {
	e        *Engine
	j        jobs.NewsletterBatchJob
	is       *blog.Issue
	prepared *newsletter.IssueMail
	limit    int // bounce limit
	rate     int
	domain   string // of the From address, for Message-IDs

	renewed  atomic.Int64 // when the lease was last renewed (Unix ms, real clock)
	deadline time.Time

	mu       sync.Mutex
	failure  error // the transport failure that stopped the run
	accepted bool  // at least one message went through
}

// SendBatch implements jobs.NewsletterEngine: it sends batch j under its
// lease. A batch that is done, of another generation, or held under a live
// lease by another process is left alone (nil). When recipients are left
// (4xx answers, a failing SMTP server, the run's time budget spent) it
// gives the lease back under the batch's next generation and writes that
// generation's job, due when the batch should go on, in the same
// transaction; this job then ends.
func (e *Engine) SendBatch(ctx context.Context, j jobs.NewsletterBatchJob) error {
	e.init()
	start := time.Now()
	ok, err := e.Store.ClaimNewsletterBatch(ctx, j.IssueID, j.Batch, j.Gen, e.owner, start.Add(e.LeaseTTL), e.Now())
	if err != nil {
		return fmt.Errorf("deliver: %w", err)
	}
	if !ok {
		return nil
	}
	r := &run{e: e, j: j, deadline: start.Add(e.RunBudget)}
	r.renewed.Store(start.UnixMilli())

	// Losing the lease stops new messages (held, the context of a message
	// already on its way is the job's: it finishes, within its time limit).
	held, lost := context.WithCancel(ctx)
	defer lost()
	var hb sync.WaitGroup
	hb.Add(1)
	go func() { defer hb.Done(); r.heartbeat(held, lost) }()

	res, err := r.send(ctx, held)
	lost()
	hb.Wait()
	return r.finish(context.WithoutCancel(ctx), res, err)
}

// heartbeat renews the lease until ctx ends; losing it cancels the run.
func (r *run) heartbeat(ctx context.Context, lost context.CancelFunc) {
	t := time.NewTicker(r.e.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		ok, err := r.e.Store.RenewNewsletterBatch(ctx, r.j.IssueID, r.j.Batch, r.j.Gen, r.e.owner, now.Add(r.e.LeaseTTL))
		switch {
		case err != nil:
			// The database is unreachable: keep trying; fresh() stops new
			// messages once the lease may have run out.
			r.e.Logger.WarnContext(ctx, "newsletter: renewing a batch's lease failed", "issue", r.j.IssueID, "batch", r.j.Batch, "err", err)
		case !ok:
			lost()
			return
		default:
			r.renewed.Store(now.UnixMilli())
		}
	}
}

// fresh reports whether the lease surely outlasts one more message: it
// was renewed recently enough that it cannot expire before MessageTimeout
// has passed.
func (r *run) fresh() bool {
	renewed := time.UnixMilli(r.renewed.Load())
	return time.Since(renewed) < r.e.LeaseTTL-mail.MessageTimeout-r.e.Heartbeat
}

// runResult counts a run's recipients by outcome.
type runResult struct {
	retry, stopped int
	transport      bool
	leaseLost      bool
}

// send sends to every recipient of the batch still to send to, starting
// no message once held ends.
func (r *run) send(ctx, held context.Context) (runResult, error) {
	e, j := r.e, r.j
	var res runResult
	b, err := e.Store.NewsletterBatch(ctx, j.IssueID, j.Batch)
	if err != nil {
		return res, fmt.Errorf("deliver: %w", err)
	}
	if r.is, err = e.Store.Issue(ctx, j.IssueID); err != nil {
		return res, fmt.Errorf("deliver: %w", err)
	}
	set, _, err := e.Site.Current(ctx)
	if err != nil {
		return res, fmt.Errorf("deliver: settings: %w", err)
	}
	r.limit, r.rate, r.domain = set.Newsletter.BounceLimit, set.Newsletter.RatePerSecond, set.MailDomain()
	conns := max(set.Newsletter.Connections, 1)
	if l, ok := e.Mail.(limiter); ok {
		l.SetLimit(conns)
	}
	recips, err := e.Store.BatchRecipients(ctx, j.IssueID, b.AfterSubscriber, b.LastSubscriber, blog.DeliveryQueued, blog.DeliverySending)
	if err != nil {
		return res, fmt.Errorf("deliver: %w", err)
	}
	if len(recips) == 0 {
		return res, nil
	}
	if r.prepared, err = e.Newsletter.PrepareIssue(ctx, set, r.is); err != nil {
		return res, fmt.Errorf("deliver: compose issue %d: %w", j.IssueID, err)
	}

	// conns workers take recipients in order; the first that meets a
	// failing server or a lost lease stops the others.
	stopCtx, stop := context.WithCancel(held)
	defer stop()
	next := make(chan int)
	outcomes := make([]outcome, len(recips))
	for i := range outcomes {
		outcomes[i] = stopped
	}
	var errs []error
	var errMu sync.Mutex
	var wg sync.WaitGroup
	for range min(conns, len(recips)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				o, err := r.deliver(ctx, stopCtx, &recips[i])
				outcomes[i] = o
				if err != nil {
					errMu.Lock()
					errs = append(errs, err)
					errMu.Unlock()
				}
				if o == transport || o == leaseLost || err != nil {
					stop()
				}
			}
		}()
	}
feed:
	for i := range recips {
		if time.Now().After(r.deadline) || !r.fresh() {
			break
		}
		select {
		case next <- i:
		case <-stopCtx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	for _, o := range outcomes {
		switch o {
		case retry:
			res.retry++
		case stopped:
			res.stopped++
		case transport:
			res.transport = true
			res.stopped++
		case leaseLost:
			res.leaseLost = true
		}
	}
	return res, errors.Join(errs...)
}

// deliver sends the issue to one recipient: compose, then record
// "sending" (reading the subscriber's status in the same statement), send,
// record the outcome. Nothing starts once stop has ended.
func (r *run) deliver(ctx, stop context.Context, rc *store.Recipient) (outcome, error) {
	e, j := r.e, r.j
	if stop.Err() != nil || !r.fresh() {
		return stopped, nil
	}
	m, err := r.prepared.For(ctx, rc.SubscriberID, rc.Email)
	if err != nil {
		return stopped, err
	}
	// The Message-ID is stable per issue and subscriber (on the serving
	// process's mail domain): a message sent again is recognisably the
	// same one.
	m.MessageID = blog.DeliveryMessageID(j.IssueID, rc.SubscriberID, r.domain)
	if err := m.Validate(); err != nil {
		// No attempt can send this one (an address that is not one).
		_, serr := e.Store.SetDeliveryState(ctx, j.IssueID, rc.SubscriberID, []blog.DeliveryState{blog.DeliveryQueued, blog.DeliverySending},
			blog.DeliveryFailed, err.Error(), e.Now())
		return settled, serr
	}
	if err := e.pace.wait(stop, r.rate); err != nil {
		return stopped, nil
	}
	started, err := e.Store.StartDelivery(ctx, j.IssueID, rc.SubscriberID, j.Batch, j.Gen, e.owner, m.MessageID, e.Now())
	if err != nil {
		return stopped, err
	}
	if !started {
		return r.notStarted(ctx, rc)
	}
	sendErr := e.Mail.Send(ctx, m)
	// What the server said is recorded even when the run is being
	// cancelled.
	wctx := context.WithoutCancel(ctx)
	now := e.Now()
	sending := []blog.DeliveryState{blog.DeliverySending}
	if sendErr == nil {
		r.mu.Lock()
		r.accepted = true
		r.mu.Unlock()
		if _, err := e.Store.SetDeliveryState(wctx, j.IssueID, rc.SubscriberID, sending, blog.DeliverySent, "", now); err != nil {
			return settled, err
		}
		if rc.Bounces > 0 {
			if err := e.Store.ResetSubscriberBounces(wctx, rc.SubscriberID); err != nil {
				return settled, err
			}
		}
		return settled, nil
	}
	var se *mail.SendError
	isSend := errors.As(sendErr, &se)
	switch {
	case !isSend || se.Transport:
		// The server (or the outbox) failed, not this recipient: back to
		// the queue, untouched, and the run stops.
		r.mu.Lock()
		if r.failure == nil {
			r.failure = sendErr
		}
		r.mu.Unlock()
		_, err := e.Store.SetDeliveryState(wctx, j.IssueID, rc.SubscriberID, sending, blog.DeliveryQueued, sendErr.Error(), now)
		return transport, err
	case se.Permanent:
		if _, err := e.Store.SetDeliveryState(wctx, j.IssueID, rc.SubscriberID, sending, blog.DeliveryBounced, se.Err.Error(), now); err != nil {
			return settled, err
		}
		_, err := e.Store.AddSubscriberBounce(wctx, rc.SubscriberID, r.limit, blog.SubscriberEvent{Kind: blog.EventBounced,
			Detail: "the mail server refused “" + r.is.Subject + "”: " + se.Err.Error(), IssueID: j.IssueID, At: now})
		if errors.Is(err, blog.ErrNotFound) {
			err = nil
		}
		return settled, err
	default:
		// A 4xx for this recipient: tried again in a later run, until
		// MaxAttempts.
		to := blog.DeliveryQueued
		if rc.Attempts+1 >= e.MaxAttempts {
			to = blog.DeliveryFailed
		}
		if _, err := e.Store.SetDeliveryState(wctx, j.IssueID, rc.SubscriberID, sending, to, se.Err.Error(), now); err != nil {
			return settled, err
		}
		if to == blog.DeliveryFailed {
			return settled, nil
		}
		return retry, nil
	}
}

// notStarted settles a delivery StartDelivery refused: the batch went to
// another process, the delivery is settled already, or the subscriber is
// no longer active (they unsubscribed, bounced or complained since the
// issue started: they get nothing more of it).
func (r *run) notStarted(ctx context.Context, rc *store.Recipient) (outcome, error) {
	e, j := r.e, r.j
	state, status, err := e.Store.WhyNotStarted(ctx, j.IssueID, rc.SubscriberID, j.Batch, j.Gen, e.owner)
	switch {
	case errors.Is(err, store.ErrLeaseLost):
		return leaseLost, nil
	case errors.Is(err, blog.ErrNotFound):
		return settled, nil // erased meanwhile
	case err != nil:
		return stopped, err
	}
	if state != blog.DeliveryQueued && state != blog.DeliverySending {
		return settled, nil
	}
	if status != blog.SubscriberActive {
		_, err := e.Store.SetDeliveryState(ctx, j.IssueID, rc.SubscriberID, []blog.DeliveryState{state}, blog.DeliveryFailed,
			"not sent: the subscriber was "+string(status)+" by then", e.Now())
		return settled, err
	}
	return stopped, nil
}

// finish gives the batch's lease back as the run ended, and marks the
// issue sent when this was its last batch.
func (r *run) finish(ctx context.Context, res runResult, runErr error) error {
	e, j := r.e, r.j
	if res.leaseLost {
		return runErr
	}
	rel := store.BatchRelease{Now: e.Now(), NextAt: e.Now()}
	var wait time.Duration // before the next run, on the real clock
	r.mu.Lock()
	failure, accepted := r.failure, r.accepted
	r.mu.Unlock()
	b, _ := e.Store.NewsletterBatch(ctx, j.IssueID, j.Batch)
	retries := 1
	if b != nil {
		retries = b.Retries + 1
	}
	switch {
	case runErr != nil:
		// A database error: River retries the job with its backoff (and
		// counts the attempt); the lease goes back now so that retry can
		// take it.
		rel.NextAt = rel.Now
	case failure != nil:
		d := e.RetryDelay(retries)
		rel.Retry, rel.Failing, rel.NextAt, wait = true, failure.Error(), rel.Now.Add(d), d
		e.Logger.WarnContext(ctx, "newsletter: the SMTP server is failing; the batch waits", "issue", j.IssueID, "batch", j.Batch,
			"retry_in", d, "err", failure)
	case res.stopped > 0:
		// The run's budget is spent (or the process is stopping): go on
		// in the next run.
		rel.Recovered = accepted
	case res.retry > 0:
		d := e.RetryDelay(retries)
		rel.Retry, rel.NextAt, rel.Recovered, wait = true, rel.Now.Add(d), accepted, d
	default:
		rel.Done = true
	}
	// A batch with more to send waits under its next generation, with
	// that generation's job written in the same transaction, and this job
	// ends. Were this job snoozed instead, a process killed after the
	// release but before River recorded the snooze would leave the batch
	// waiting for a job stuck "running" until River's rescue, an hour
	// later, with nothing for the tick to take back.
	rel.NextGen = runErr == nil && !rel.Done
	var held bool
	err := e.Store.InTx(ctx, func(tx *store.Store) error {
		ok, err := tx.ReleaseNewsletterBatch(ctx, j.IssueID, j.Batch, j.Gen, e.owner, rel)
		if err != nil || !ok || !rel.NextGen {
			held = ok
			return err
		}
		held = true
		return e.Jobs.NewsletterBatches(ctx, tx, jobs.NewsletterBatchJob{IssueID: j.IssueID, Batch: j.Batch, Gen: j.Gen + 1, At: time.Now().Add(wait)})
	})
	switch {
	case err != nil:
		return errors.Join(runErr, fmt.Errorf("deliver: release batch %d of issue %d: %w", j.Batch, j.IssueID, err))
	case !held:
		return runErr // taken back meanwhile: its new job goes on
	case runErr != nil:
		return runErr
	case rel.Done:
		return e.finishIssue(ctx, j.IssueID)
	}
	return nil
}

func isConflict(err error) bool { return errors.Is(err, blog.ErrConflict) }
