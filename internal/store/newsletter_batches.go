package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// Batch states.
const (
	BatchWaiting = "waiting" // its job is queued, retrying or snoozed
	BatchRunning = "running" // a process holds its lease and is sending
	BatchDone    = "done"    // every delivery in it settled
)

// NewsletterBatch is one run of an issue's deliveries, to the subscribers
// after AfterSubscriber up to LastSubscriber, sent by one durable job at a
// time under a lease (see migration 00014).
type NewsletterBatch struct {
	IssueID         int64
	Batch           int
	AfterSubscriber int64
	LastSubscriber  int64
	Recipients      int
	State           string
	// Gen is the fencing token: a job whose gen is not the batch's does
	// nothing.
	Gen        int
	Owner      string
	LeaseUntil time.Time // millisecond precision
	NextAt     time.Time
	Retries    int
	// FailingSince is when the SMTP server began failing this batch (zero:
	// it is not), Error what it said.
	FailingSince time.Time
	Error        string
	UpdatedAt    time.Time
}

const batchCols = `issue_id, batch, after_subscriber, last_subscriber, recipients, state, gen, owner, lease_until_ms,
	next_at, retries, COALESCE(failing_since, 0), error, updated_at`

func scanBatch(sc interface{ Scan(...any) error }) (NewsletterBatch, error) {
	var b NewsletterBatch
	var lease, next, failing, updated int64
	err := sc.Scan(&b.IssueID, &b.Batch, &b.AfterSubscriber, &b.LastSubscriber, &b.Recipients, &b.State, &b.Gen, &b.Owner,
		&lease, &next, &b.Retries, &failing, &b.Error, &updated)
	if lease != 0 {
		b.LeaseUntil = time.UnixMilli(lease).UTC()
	}
	b.NextAt, b.FailingSince, b.UpdatedAt = fromUnix(next), fromUnix(failing), fromUnix(updated)
	return b, err
}

// CreateNewsletterBatches cuts issue issueID's queued deliveries, in
// subscriber order, into batches of at most size, stores them waiting,
// and returns them. It is meant to run in the transaction that created the
// deliveries (store.InTx), with the jobs that send the batches.
func (s *Store) CreateNewsletterBatches(ctx context.Context, issueID int64, size int, now time.Time) ([]NewsletterBatch, error) {
	if size < 1 {
		size = 1
	}
	var out []NewsletterBatch
	err := s.tx(ctx, func(t *sql.Tx) error {
		var next int
		if err := t.QueryRowContext(ctx, s.q("SELECT COALESCE(max(batch), 0) + 1 FROM newsletter_batches WHERE issue_id = ?"),
			issueID).Scan(&next); err != nil {
			return fmt.Errorf("store: newsletter batches: %w", err)
		}
		var after int64
		if err := t.QueryRowContext(ctx, s.q("SELECT COALESCE(max(last_subscriber), 0) FROM newsletter_batches WHERE issue_id = ?"),
			issueID).Scan(&after); err != nil {
			return fmt.Errorf("store: newsletter batches: %w", err)
		}
		rows, err := t.QueryContext(ctx, s.q(`SELECT subscriber_id FROM newsletter_deliveries
			WHERE issue_id = ? AND subscriber_id > ? AND state = 'queued' ORDER BY subscriber_id`), issueID, after)
		if err != nil {
			return fmt.Errorf("store: newsletter batches: %w", err)
		}
		var cur *NewsletterBatch
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("store: newsletter batches: %w", err)
			}
			if cur == nil || cur.Recipients == size {
				out = append(out, NewsletterBatch{IssueID: issueID, Batch: next, AfterSubscriber: after, State: BatchWaiting,
					NextAt: fromUnix(now.Unix()), UpdatedAt: fromUnix(now.Unix())})
				cur = &out[len(out)-1]
				next++
			}
			cur.LastSubscriber, cur.Recipients, after = id, cur.Recipients+1, id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: newsletter batches: %w", err)
		}
		// 100 rows a statement: an issue to 100,000 is 400 batches.
		for i := 0; i < len(out); i += 100 {
			chunk := out[i:min(i+100, len(out))]
			rows := make([]string, len(chunk))
			args := make([]any, 0, 7*len(chunk))
			for k, b := range chunk {
				rows[k] = "(?, ?, ?, ?, ?, 'waiting', ?, ?)"
				args = append(args, b.IssueID, b.Batch, b.AfterSubscriber, b.LastSubscriber, b.Recipients, now.Unix(), now.Unix())
			}
			if _, err := t.ExecContext(ctx, s.q(`INSERT INTO newsletter_batches (issue_id, batch, after_subscriber, last_subscriber,
				recipients, state, next_at, updated_at) VALUES `+strings.Join(rows, ", ")), args...); err != nil {
				return fmt.Errorf("store: newsletter batches: %w", err)
			}
		}
		return nil
	})
	return out, err
}

// NewsletterBatch returns batch batch of issue issueID, or
// blog.ErrNotFound.
func (s *Store) NewsletterBatch(ctx context.Context, issueID int64, batch int) (*NewsletterBatch, error) {
	b, err := scanBatch(s.conn.QueryRowContext(ctx, s.q("SELECT "+batchCols+" FROM newsletter_batches WHERE issue_id = ? AND batch = ?"),
		issueID, batch))
	if err != nil {
		return nil, notFound(err, "newsletter batch")
	}
	return &b, nil
}

// NewsletterBatches returns issue issueID's batches in order.
func (s *Store) NewsletterBatches(ctx context.Context, issueID int64) ([]NewsletterBatch, error) {
	return s.queryBatches(ctx, "SELECT "+batchCols+" FROM newsletter_batches WHERE issue_id = ? ORDER BY batch", issueID)
}

func (s *Store) queryBatches(ctx context.Context, q string, args ...any) ([]NewsletterBatch, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: newsletter batches: %w", err)
	}
	defer rows.Close()
	var out []NewsletterBatch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, fmt.Errorf("store: newsletter batches: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// ClaimNewsletterBatch gives the lease of a waiting batch whose gen is gen
// to owner until leaseUntil, and reports whether it did. A batch that is
// done, running under someone's lease, or of another gen is left alone.
func (s *Store) ClaimNewsletterBatch(ctx context.Context, issueID int64, batch, gen int, owner string, leaseUntil, now time.Time) (bool, error) {
	res, err := s.conn.ExecContext(ctx, s.q(`UPDATE newsletter_batches SET state = 'running', owner = ?, lease_until_ms = ?, updated_at = ?
		WHERE issue_id = ? AND batch = ? AND gen = ? AND state = 'waiting'`),
		owner, leaseUntil.UnixMilli(), now.Unix(), issueID, batch, gen)
	if err != nil {
		return false, fmt.Errorf("store: claim newsletter batch: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RenewNewsletterBatch extends owner's lease of a running batch to
// leaseUntil, and reports whether owner still holds it.
func (s *Store) RenewNewsletterBatch(ctx context.Context, issueID int64, batch, gen int, owner string, leaseUntil time.Time) (bool, error) {
	res, err := s.conn.ExecContext(ctx, s.q(`UPDATE newsletter_batches SET lease_until_ms = ?
		WHERE issue_id = ? AND batch = ? AND gen = ? AND owner = ? AND state = 'running'`),
		leaseUntil.UnixMilli(), issueID, batch, gen, owner)
	if err != nil {
		return false, fmt.Errorf("store: renew newsletter batch: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// BatchRelease is how a process gives back the lease of a batch.
type BatchRelease struct {
	// Done settles the batch; otherwise it waits for its job again, due at
	// NextAt.
	Done   bool
	NextAt time.Time
	// Retry counts a run that ended with messages to try again.
	Retry bool
	// Failing records that the SMTP server is failing (since now, unless
	// it was already); Recovered clears it.
	Failing   string
	Recovered bool
	// NextGen makes the batch wait under the next gen, for a job the
	// caller writes in the same transaction: the job that ran it, should
	// River ever run that again, then finds its gen gone.
	NextGen bool
	Now     time.Time
}

// ReleaseNewsletterBatch ends owner's lease of a batch as r says, and
// reports whether owner still held it.
func (s *Store) ReleaseNewsletterBatch(ctx context.Context, issueID int64, batch, gen int, owner string, r BatchRelease) (bool, error) {
	state := BatchWaiting
	if r.Done {
		state = BatchDone
	}
	sets := []string{"state = ?", "owner = ''", "lease_until_ms = 0", "next_at = ?", "updated_at = ?"}
	args := []any{state, unix(r.NextAt), r.Now.Unix()}
	if r.Retry {
		sets = append(sets, "retries = retries + 1")
	}
	if r.NextGen && !r.Done {
		sets = append(sets, "gen = gen + 1")
	}
	switch {
	case r.Failing != "":
		sets = append(sets, "failing_since = COALESCE(failing_since, ?)", "error = ?")
		args = append(args, r.Now.Unix(), r.Failing)
	case r.Recovered || r.Done:
		sets = append(sets, "failing_since = NULL", "error = ''")
	}
	res, err := s.conn.ExecContext(ctx, s.q("UPDATE newsletter_batches SET "+strings.Join(sets, ", ")+
		" WHERE issue_id = ? AND batch = ? AND gen = ? AND owner = ? AND state = 'running'"),
		append(args, issueID, batch, gen, owner)...)
	if err != nil {
		return false, fmt.Errorf("store: release newsletter batch: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// MarkBatchFailing records, while owner holds the lease, that the SMTP
// server is failing the batch (since now unless it already was), or
// clears it when msg is empty.
func (s *Store) MarkBatchFailing(ctx context.Context, issueID int64, batch, gen int, owner, msg string, now time.Time) error {
	q := "UPDATE newsletter_batches SET failing_since = COALESCE(failing_since, ?), error = ?"
	args := []any{now.Unix(), msg}
	if msg == "" {
		q, args = "UPDATE newsletter_batches SET failing_since = NULL, error = ''", nil
	}
	_, err := s.conn.ExecContext(ctx, s.q(q+" WHERE issue_id = ? AND batch = ? AND gen = ? AND owner = ?"),
		append(args, issueID, batch, gen, owner)...)
	if err != nil {
		return fmt.Errorf("store: newsletter batch failing: %w", err)
	}
	return nil
}

// ExpiredNewsletterBatches returns the running batches whose lease ran out
// before now: their process died (or stalled) while sending them.
func (s *Store) ExpiredNewsletterBatches(ctx context.Context, now time.Time) ([]NewsletterBatch, error) {
	return s.queryBatches(ctx, "SELECT "+batchCols+` FROM newsletter_batches WHERE state = 'running' AND lease_until_ms < ?
		ORDER BY issue_id, batch`, now.UnixMilli())
}

// OverdueNewsletterBatches returns the waiting batches whose job was due
// before before and has not taken them: a safety net for a job that was
// lost (discarded, or left behind by a copy).
func (s *Store) OverdueNewsletterBatches(ctx context.Context, before time.Time, limit int) ([]NewsletterBatch, error) {
	return s.queryBatches(ctx, "SELECT "+batchCols+` FROM newsletter_batches WHERE state = 'waiting' AND next_at < ?
		ORDER BY next_at, issue_id, batch LIMIT ?`, before.Unix(), limit)
}

// ReclaimNewsletterBatch takes back a running batch of gen gen whose lease
// ran out before now: it waits again under gen+1, so that only a job
// written for the new gen sends it. It reports whether it did (another
// instance may have first).
func (s *Store) ReclaimNewsletterBatch(ctx context.Context, issueID int64, batch, gen int, now time.Time) (bool, error) {
	res, err := s.conn.ExecContext(ctx, s.q(`UPDATE newsletter_batches SET state = 'waiting', gen = gen + 1, owner = '',
		lease_until_ms = 0, next_at = ?, updated_at = ?
		WHERE issue_id = ? AND batch = ? AND gen = ? AND state = 'running' AND lease_until_ms < ?`),
		now.Unix(), now.Unix(), issueID, batch, gen, now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("store: reclaim newsletter batch: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RequeueNewsletterBatch moves a waiting batch of gen gen to gen+1, due
// now, so that only a job written for the new gen sends it (the job of gen
// died before it could claim the batch). It reports whether it did.
func (s *Store) RequeueNewsletterBatch(ctx context.Context, issueID int64, batch, gen int, now time.Time) (bool, error) {
	res, err := s.conn.ExecContext(ctx, s.q(`UPDATE newsletter_batches SET gen = gen + 1, next_at = ?, updated_at = ?
		WHERE issue_id = ? AND batch = ? AND gen = ? AND state = 'waiting'`),
		now.Unix(), now.Unix(), issueID, batch, gen)
	if err != nil {
		return false, fmt.Errorf("store: requeue newsletter batch: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// NewsletterBatchCounts counts issue issueID's batches, and those not
// done.
func (s *Store) NewsletterBatchCounts(ctx context.Context, issueID int64) (total, unfinished int, err error) {
	if err := s.conn.QueryRowContext(ctx, s.q(`SELECT count(*), COALESCE(sum(CASE WHEN state <> 'done' THEN 1 ELSE 0 END), 0)
		FROM newsletter_batches WHERE issue_id = ?`), issueID).Scan(&total, &unfinished); err != nil {
		return 0, 0, fmt.Errorf("store: newsletter batches: %w", err)
	}
	return total, unfinished, nil
}

// Recipient is one delivery of a batch with the subscriber it goes to, as
// read when the batch starts; the subscriber's status is read again
// immediately before the message goes out (StartDelivery).
type Recipient struct {
	SubscriberID int64
	Email, Name  string
	Status       blog.SubscriberStatus
	Bounces      int
	State        blog.DeliveryState
	Attempts     int
	MessageID    string
}

// BatchRecipients returns the deliveries of issue issueID to subscribers
// after after, up to last, whose state is one of states, in subscriber
// order, with their subscribers.
func (s *Store) BatchRecipients(ctx context.Context, issueID, after, last int64, states ...blog.DeliveryState) ([]Recipient, error) {
	q := `SELECT d.subscriber_id, s.email, s.name, s.status, s.bounces, d.state, d.attempts, d.message_id
		FROM newsletter_deliveries d JOIN newsletter_subscribers s ON s.id = d.subscriber_id
		WHERE d.issue_id = ? AND d.subscriber_id > ? AND d.subscriber_id <= ?`
	args := []any{issueID, after, last}
	if len(states) > 0 {
		q += " AND d.state IN (" + placeholders(len(states)) + ")"
		for _, st := range states {
			args = append(args, string(st))
		}
	}
	rows, err := s.conn.QueryContext(ctx, s.q(q+" ORDER BY d.subscriber_id"), args...)
	if err != nil {
		return nil, fmt.Errorf("store: batch recipients: %w", err)
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		var status, state string
		if err := rows.Scan(&r.SubscriberID, &r.Email, &r.Name, &status, &r.Bounces, &state, &r.Attempts, &r.MessageID); err != nil {
			return nil, fmt.Errorf("store: batch recipients: %w", err)
		}
		r.Status, r.State = blog.SubscriberStatus(status), blog.DeliveryState(state)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ErrLeaseLost means the process no longer holds the lease of the batch it
// is sending: it must stop.
var ErrLeaseLost = errors.New("store: the batch's lease was lost")

// StartDelivery is the last step before issue issueID's message to
// subscriberID goes to SMTP. In one statement it reads the subscriber's
// status and the batch's lease, and moves the delivery from queued (or
// sending, left by a process that died) to sending, counting the attempt
// — only when the subscriber is active now and owner still holds the
// batch under gen. messageID is the Message-ID the message carries (the
// sending process's mail domain; the same on every attempt while that
// does not change). It reports whether it did; when it did not,
// WhyNotStarted says why.
func (s *Store) StartDelivery(ctx context.Context, issueID, subscriberID int64, batch, gen int, owner, messageID string, now time.Time) (bool, error) {
	res, err := s.conn.ExecContext(ctx, s.q(`UPDATE newsletter_deliveries SET state = 'sending', attempts = attempts + 1,
		sending_at = ?, updated_at = ?, error = '', message_id = ?
		WHERE issue_id = ? AND subscriber_id = ? AND state IN ('queued', 'sending')
		AND EXISTS (SELECT 1 FROM newsletter_subscribers WHERE id = ? AND status = 'active')
		AND EXISTS (SELECT 1 FROM newsletter_batches WHERE issue_id = ? AND batch = ? AND gen = ? AND owner = ? AND state = 'running')`),
		now.Unix(), now.Unix(), messageID, issueID, subscriberID, subscriberID, issueID, batch, gen, owner)
	if err != nil {
		return false, fmt.Errorf("store: start delivery: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// WhyNotStarted explains a StartDelivery that did not start: ErrLeaseLost
// when owner lost the batch, else the delivery's state and the
// subscriber's status now (blog.ErrNotFound when either is gone).
func (s *Store) WhyNotStarted(ctx context.Context, issueID, subscriberID int64, batch, gen int, owner string) (blog.DeliveryState, blog.SubscriberStatus, error) {
	var held int
	if err := s.conn.QueryRowContext(ctx, s.q(`SELECT count(*) FROM newsletter_batches
		WHERE issue_id = ? AND batch = ? AND gen = ? AND owner = ? AND state = 'running'`),
		issueID, batch, gen, owner).Scan(&held); err != nil {
		return "", "", fmt.Errorf("store: delivery: %w", err)
	}
	if held == 0 {
		return "", "", ErrLeaseLost
	}
	var state, status string
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT d.state, s.status FROM newsletter_deliveries d
		JOIN newsletter_subscribers s ON s.id = d.subscriber_id WHERE d.issue_id = ? AND d.subscriber_id = ?`),
		issueID, subscriberID).Scan(&state, &status)
	if err != nil {
		return "", "", notFound(err, "delivery")
	}
	return blog.DeliveryState(state), blog.SubscriberStatus(status), nil
}

// LastDeliveryTo returns the delivery most recently sent to subscriberID
// (the message a relay's later bounce or complaint is about), or
// blog.ErrNotFound.
func (s *Store) LastDeliveryTo(ctx context.Context, subscriberID int64) (*blog.Delivery, error) {
	d, err := scanDelivery(s.conn.QueryRowContext(ctx, s.q("SELECT "+deliveryCols+` FROM newsletter_deliveries
		WHERE subscriber_id = ? AND state IN ('sent', 'sending') ORDER BY COALESCE(sent_at, sending_at, 0) DESC, issue_id DESC LIMIT 1`),
		subscriberID))
	if err != nil {
		return nil, notFound(err, "last delivery")
	}
	return &d, nil
}

// NewsletterSlot is one weekly slot handled, and what went out.
type NewsletterSlot struct {
	Slot      time.Time
	ClaimedAt time.Time
	// Outcome is issue, digest, nothing, no-subscribers or missed.
	Outcome string
	IssueID int64
	Detail  string
}

// ClaimNewsletterSlot records slot as handled with its outcome, unless
// some process recorded it first: only the one whose claim wins sends
// anything for the slot. It reports whether this one won.
func (s *Store) ClaimNewsletterSlot(ctx context.Context, sl NewsletterSlot) (bool, error) {
	res, err := s.conn.ExecContext(ctx, s.q(`INSERT INTO newsletter_slots (slot, claimed_at, outcome, issue_id, detail)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (slot) DO NOTHING`),
		sl.Slot.Unix(), sl.ClaimedAt.Unix(), sl.Outcome, nullID(sl.IssueID), sl.Detail)
	if err != nil {
		return false, fmt.Errorf("store: claim newsletter slot: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// NewsletterSlotAt returns the record of slot at, or blog.ErrNotFound.
func (s *Store) NewsletterSlotAt(ctx context.Context, at time.Time) (*NewsletterSlot, error) {
	return s.oneSlot(ctx, "SELECT slot, claimed_at, outcome, COALESCE(issue_id, 0), detail FROM newsletter_slots WHERE slot = ?", at.Unix())
}

// LastNewsletterSlot returns the latest slot handled, or blog.ErrNotFound.
func (s *Store) LastNewsletterSlot(ctx context.Context) (*NewsletterSlot, error) {
	return s.oneSlot(ctx, "SELECT slot, claimed_at, outcome, COALESCE(issue_id, 0), detail FROM newsletter_slots ORDER BY slot DESC LIMIT 1")
}

func (s *Store) oneSlot(ctx context.Context, q string, args ...any) (*NewsletterSlot, error) {
	var sl NewsletterSlot
	var slot, claimed int64
	if err := s.conn.QueryRowContext(ctx, s.q(q), args...).Scan(&slot, &claimed, &sl.Outcome, &sl.IssueID, &sl.Detail); err != nil {
		return nil, notFound(err, "newsletter slot")
	}
	sl.Slot, sl.ClaimedAt = fromUnix(slot), fromUnix(claimed)
	return &sl, nil
}

// UpdateNewsletterSlot records what went out at a slot claimed in the
// same transaction.
func (s *Store) UpdateNewsletterSlot(ctx context.Context, sl NewsletterSlot) error {
	if _, err := s.conn.ExecContext(ctx, s.q("UPDATE newsletter_slots SET outcome = ?, issue_id = ?, detail = ? WHERE slot = ?"),
		sl.Outcome, nullID(sl.IssueID), sl.Detail, sl.Slot.Unix()); err != nil {
		return fmt.Errorf("store: newsletter slot: %w", err)
	}
	return nil
}

// TouchNewsletterBatch sets when a waiting batch of gen gen is next due.
func (s *Store) TouchNewsletterBatch(ctx context.Context, issueID int64, batch, gen int, next time.Time) error {
	if _, err := s.conn.ExecContext(ctx, s.q(`UPDATE newsletter_batches SET next_at = ?
		WHERE issue_id = ? AND batch = ? AND gen = ? AND state = 'waiting'`), next.Unix(), issueID, batch, gen); err != nil {
		return fmt.Errorf("store: newsletter batch: %w", err)
	}
	return nil
}

// NewsletterLockClass is the first key of the PostgreSQL advisory lock
// LockNewsletter takes.
const NewsletterLockClass = 0x6e6c // "nl"

// LockNewsletter makes the transaction of s (made by InTx) the only one
// starting newsletter issues until it ends, on every instance: the
// weekly slot, due schedules and "send now" never start the same issue
// twice. On SQLite every write transaction holds the write lock already.
func (s *Store) LockNewsletter(ctx context.Context) error {
	if s.txn == nil {
		return errors.New("store: lock newsletter: not in a transaction")
	}
	if err := s.d.lockKey(ctx, s.txn, NewsletterLockClass, "start"); err != nil {
		return fmt.Errorf("store: lock newsletter: %w", err)
	}
	return nil
}
