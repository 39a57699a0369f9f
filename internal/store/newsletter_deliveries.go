package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

const deliveryCols = `issue_id, subscriber_id, state, attempts, message_id, error, queued_at, COALESCE(sending_at, 0),
	COALESCE(sent_at, 0), updated_at`

func scanDelivery(sc interface{ Scan(...any) error }) (blog.Delivery, error) {
	var d blog.Delivery
	var state string
	var queued, sending, sent, updated int64
	err := sc.Scan(&d.IssueID, &d.SubscriberID, &state, &d.Attempts, &d.MessageID, &d.Error, &queued, &sending, &sent, &updated)
	d.State = blog.DeliveryState(state)
	d.QueuedAt, d.SendingAt, d.SentAt, d.UpdatedAt = fromUnix(queued), fromUnix(sending), fromUnix(sent), fromUnix(updated)
	return d, err
}

// CreateDeliveries queues issue issueID for every subscriber active now,
// one delivery each (state queued) with its stable Message-ID on domain
// (blog.DeliveryMessageID), and returns how many it added. A subscriber
// who has a delivery of the issue already keeps it, so calling it again
// adds only those who became active since.
func (s *Store) CreateDeliveries(ctx context.Context, issueID int64, domain string, now time.Time) (int, error) {
	if domain == "" {
		domain = "localhost"
	}
	var n int64
	err := s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q(`INSERT INTO newsletter_deliveries (issue_id, subscriber_id, state, message_id, queued_at, updated_at)
			SELECT ?, id, 'queued', ? || CAST(id AS TEXT) || ?, ?, ?
			FROM newsletter_subscribers WHERE status = 'active' ORDER BY id
			ON CONFLICT (issue_id, subscriber_id) DO NOTHING`),
			issueID, "newsletter."+strconv.FormatInt(issueID, 10)+".", "@"+domain, now.Unix(), now.Unix())
		if err != nil {
			return fmt.Errorf("store: create deliveries: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

// AddDelivery queues issue issueID for subscriber subscriberID alone
// (whatever the subscriber's status: the sender checks it before sending),
// unless it is queued already. It reports whether it added one.
func (s *Store) AddDelivery(ctx context.Context, issueID, subscriberID int64, domain string, now time.Time) (bool, error) {
	res, err := s.conn.ExecContext(ctx, s.q(`INSERT INTO newsletter_deliveries (issue_id, subscriber_id, state, message_id, queued_at, updated_at)
		VALUES (?, ?, 'queued', ?, ?, ?) ON CONFLICT (issue_id, subscriber_id) DO NOTHING`),
		issueID, subscriberID, blog.DeliveryMessageID(issueID, subscriberID, domain), now.Unix(), now.Unix())
	if err != nil {
		return false, fmt.Errorf("store: add delivery: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Delivery returns issue issueID's delivery to subscriber subscriberID, or
// blog.ErrNotFound.
func (s *Store) Delivery(ctx context.Context, issueID, subscriberID int64) (*blog.Delivery, error) {
	d, err := scanDelivery(s.conn.QueryRowContext(ctx, s.q("SELECT "+deliveryCols+
		" FROM newsletter_deliveries WHERE issue_id = ? AND subscriber_id = ?"), issueID, subscriberID))
	if err != nil {
		return nil, notFound(err, "delivery")
	}
	return &d, nil
}

// DeliveryFilter selects an issue's deliveries, in subscriber order.
type DeliveryFilter struct {
	States []blog.DeliveryState // empty: every state
	// AfterSubscriberID starts after this subscriber (keyset paging).
	AfterSubscriberID int64
	Limit             int // 0: no limit
}

// Deliveries returns the deliveries of issue issueID that f selects,
// ordered by subscriber.
func (s *Store) Deliveries(ctx context.Context, issueID int64, f DeliveryFilter) ([]blog.Delivery, error) {
	q := "SELECT " + deliveryCols + " FROM newsletter_deliveries WHERE issue_id = ? AND subscriber_id > ?"
	args := []any{issueID, f.AfterSubscriberID}
	if len(f.States) > 0 {
		q += " AND state IN (" + placeholders(len(f.States)) + ")"
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	q += " ORDER BY subscriber_id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.conn.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries: %w", err)
	}
	defer rows.Close()
	var out []blog.Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, fmt.Errorf("store: deliveries: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SetDeliveryState moves issue issueID's delivery to subscriberID to state
// to, when its state now is one of from (any when empty), and reports
// whether it did. Moving to sending counts an attempt and records when;
// sent records when; errText (kept for failed and bounced, cleared
// otherwise) is the server's answer.
func (s *Store) SetDeliveryState(ctx context.Context, issueID, subscriberID int64, from []blog.DeliveryState, to blog.DeliveryState,
	errText string, now time.Time) (bool, error) {
	if !blog.ValidDeliveryState(to) {
		return false, fmt.Errorf("store: delivery state: unknown state %q", to)
	}
	sets := []string{"state = ?", "updated_at = ?", "error = ?"}
	args := []any{string(to), now.Unix(), errText}
	switch to {
	case blog.DeliverySending:
		sets = append(sets, "attempts = attempts + 1", "sending_at = ?")
		args = append(args, now.Unix())
	case blog.DeliverySent:
		sets = append(sets, "sent_at = ?")
		args = append(args, now.Unix())
	}
	q := "UPDATE newsletter_deliveries SET " + strings.Join(sets, ", ") + " WHERE issue_id = ? AND subscriber_id = ?"
	args = append(args, issueID, subscriberID)
	if len(from) > 0 {
		q += " AND state IN (" + placeholders(len(from)) + ")"
		for _, st := range from {
			args = append(args, string(st))
		}
	}
	res, err := s.conn.ExecContext(ctx, s.q(q), args...)
	if err != nil {
		return false, fmt.Errorf("store: delivery state: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// DeliveryCounts returns issue issueID's deliveries by state, and how many
// subscribers unsubscribed through its links.
func (s *Store) DeliveryCounts(ctx context.Context, issueID int64) (blog.DeliveryCounts, error) {
	var c blog.DeliveryCounts
	rows, err := s.conn.QueryContext(ctx, s.q("SELECT state, count(*) FROM newsletter_deliveries WHERE issue_id = ? GROUP BY state"), issueID)
	if err != nil {
		return c, fmt.Errorf("store: delivery counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return c, fmt.Errorf("store: delivery counts: %w", err)
		}
		c.Recipients += n
		switch blog.DeliveryState(st) {
		case blog.DeliveryQueued:
			c.Queued = n
		case blog.DeliverySending:
			c.Sending = n
		case blog.DeliverySent:
			c.Sent = n
		case blog.DeliveryFailed:
			c.Failed = n
		case blog.DeliveryBounced:
			c.Bounced = n
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("store: delivery counts: %w", err)
	}
	if err := s.conn.QueryRowContext(ctx, s.q(`SELECT count(DISTINCT subscriber_id) FROM newsletter_events
		WHERE issue_id = ? AND kind = ?`), issueID, string(blog.EventUnsubscribed)).Scan(&c.Unsubscribed); err != nil {
		return c, fmt.Errorf("store: delivery counts: %w", err)
	}
	return c, nil
}
