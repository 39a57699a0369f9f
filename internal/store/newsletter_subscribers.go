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

const subscriberCols = `id, email, name, status, source, COALESCE(consent_at, 0), consent_source, bounces,
	created_at, updated_at, status_at`

func scanSubscriber(sc interface{ Scan(...any) error }) (blog.Subscriber, error) {
	var sub blog.Subscriber
	var status string
	var consent, created, updated, statusAt int64
	err := sc.Scan(&sub.ID, &sub.Email, &sub.Name, &status, &sub.Source, &consent, &sub.ConsentSource, &sub.Bounces,
		&created, &updated, &statusAt)
	sub.Status = blog.SubscriberStatus(status)
	sub.ConsentAt, sub.CreatedAt, sub.UpdatedAt, sub.StatusAt = fromUnix(consent), fromUnix(created), fromUnix(updated), fromUnix(statusAt)
	return sub, err
}

// Subscriber returns the newsletter subscriber with id, or
// blog.ErrNotFound.
func (s *Store) Subscriber(ctx context.Context, id int64) (*blog.Subscriber, error) {
	sub, err := scanSubscriber(s.conn.QueryRowContext(ctx, s.q("SELECT "+subscriberCols+" FROM newsletter_subscribers WHERE id = ?"), id))
	if err != nil {
		return nil, notFound(err, "subscriber")
	}
	return &sub, nil
}

// SubscriberByEmail returns the newsletter subscriber with the address
// (normalised first), or blog.ErrNotFound.
func (s *Store) SubscriberByEmail(ctx context.Context, email string) (*blog.Subscriber, error) {
	sub, err := scanSubscriber(s.conn.QueryRowContext(ctx, s.q("SELECT "+subscriberCols+" FROM newsletter_subscribers WHERE email = ?"),
		blog.NormalizeEmail(email)))
	if err != nil {
		return nil, notFound(err, "subscriber")
	}
	return &sub, nil
}

// AddSubscriber adds sub to the newsletter's list with ev as the first
// line of its history, and fills in its ID and times. Its address is
// normalised; an empty status is pending, and an active one without a
// consent time consented at sub.CreatedAt (now when zero). When the
// address is on the list already nothing changes: sub is filled with the
// existing row and created is false.
func (s *Store) AddSubscriber(ctx context.Context, sub *blog.Subscriber, ev blog.SubscriberEvent) (created bool, err error) {
	sub.Email = blog.NormalizeEmail(sub.Email)
	sub.Name = strings.TrimSpace(sub.Name)
	if sub.Status == "" {
		sub.Status = blog.SubscriberPending
	}
	if !blog.ValidSubscriberStatus(sub.Status) {
		return false, fmt.Errorf("store: add subscriber: unknown status %q", sub.Status)
	}
	now := sub.CreatedAt
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	if sub.Status == blog.SubscriberActive && sub.ConsentAt.IsZero() {
		sub.ConsentAt = now
	}
	err = s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q(`INSERT INTO newsletter_subscribers (email, name, status, source, consent_at,
			consent_source, created_at, updated_at, status_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING`),
			sub.Email, sub.Name, string(sub.Status), sub.Source, nullUnix(sub.ConsentAt), sub.ConsentSource,
			now.Unix(), now.Unix(), now.Unix())
		if err != nil {
			return fmt.Errorf("store: add subscriber: %w", err)
		}
		n, _ := res.RowsAffected()
		created = n == 1
		got, err := scanSubscriber(t.QueryRowContext(ctx, s.q("SELECT "+subscriberCols+" FROM newsletter_subscribers WHERE email = ?"), sub.Email))
		if err != nil {
			return notFound(err, "add subscriber")
		}
		*sub = got
		if created && ev.Kind != "" {
			ev.SubscriberID = sub.ID
			if ev.At.IsZero() {
				ev.At = now
			}
			return s.addEvent(ctx, t, &ev)
		}
		return nil
	})
	return created, err
}

// SubscriberChange is a change of one subscriber's status, made by
// ChangeSubscriber.
type SubscriberChange struct {
	// Status is the new status.
	Status blog.SubscriberStatus
	// From, when not empty, lists the statuses the change applies to: a
	// subscriber in any other status is left as it is.
	From []blog.SubscriberStatus
	// Consent, when not zero, records when (and ConsentSource how) the
	// address consented.
	ConsentAt     time.Time
	ConsentSource string
	// Name, when not empty, replaces the subscriber's name.
	Name string
	// Event is written to the subscriber's history when the status
	// changes (or when Always is set); an empty Kind writes none.
	Event  blog.SubscriberEvent
	Always bool
	// Now is the time of the change; zero is time.Now.
	Now time.Time
}

// ChangeSubscriber changes the status of subscriber id as ch says, in one
// transaction, and returns the subscriber as it is now and whether its
// status changed. A subscriber whose status is not in ch.From is returned
// unchanged. Becoming active clears the bounce count. blog.ErrNotFound
// when there is no such subscriber.
func (s *Store) ChangeSubscriber(ctx context.Context, id int64, ch SubscriberChange) (*blog.Subscriber, bool, error) {
	if !blog.ValidSubscriberStatus(ch.Status) {
		return nil, false, fmt.Errorf("store: change subscriber: unknown status %q", ch.Status)
	}
	now := ch.Now
	if now.IsZero() {
		now = time.Now()
	}
	var out *blog.Subscriber
	changed := false
	err := s.tx(ctx, func(t *sql.Tx) error {
		cur, err := scanSubscriber(t.QueryRowContext(ctx, s.q("SELECT "+subscriberCols+" FROM newsletter_subscribers WHERE id = ?"), id))
		if err != nil {
			return notFound(err, "change subscriber")
		}
		out = &cur
		if len(ch.From) > 0 && !containsStatus(ch.From, cur.Status) {
			return nil
		}
		changed = cur.Status != ch.Status
		sets := []string{"status = ?", "updated_at = ?"}
		args := []any{string(ch.Status), now.Unix()}
		if changed {
			sets = append(sets, "status_at = ?")
			args = append(args, now.Unix())
		}
		if !ch.ConsentAt.IsZero() {
			sets = append(sets, "consent_at = ?", "consent_source = ?")
			args = append(args, ch.ConsentAt.Unix(), ch.ConsentSource)
		}
		if name := strings.TrimSpace(ch.Name); name != "" {
			sets = append(sets, "name = ?")
			args = append(args, name)
		}
		if ch.Status == blog.SubscriberActive {
			sets = append(sets, "bounces = 0")
		}
		if _, err := t.ExecContext(ctx, s.q("UPDATE newsletter_subscribers SET "+strings.Join(sets, ", ")+" WHERE id = ?"),
			append(args, id)...); err != nil {
			return fmt.Errorf("store: change subscriber: %w", err)
		}
		if (changed || ch.Always) && ch.Event.Kind != "" {
			ev := ch.Event
			ev.SubscriberID, ev.At = id, now
			if err := s.addEvent(ctx, t, &ev); err != nil {
				return err
			}
		}
		got, err := scanSubscriber(t.QueryRowContext(ctx, s.q("SELECT "+subscriberCols+" FROM newsletter_subscribers WHERE id = ?"), id))
		if err != nil {
			return notFound(err, "change subscriber")
		}
		out = &got
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, changed, nil
}

func containsStatus(list []blog.SubscriberStatus, s blog.SubscriberStatus) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// UpdateSubscriber changes the address and name of subscriber id (the
// admin's edit), writing ev to its history. blog.ErrConflict when another
// subscriber has the address.
func (s *Store) UpdateSubscriber(ctx context.Context, id int64, email, name string, ev blog.SubscriberEvent) (*blog.Subscriber, error) {
	email = blog.NormalizeEmail(email)
	now := ev.At
	if now.IsZero() {
		now = time.Now()
	}
	var out *blog.Subscriber
	err := s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q("UPDATE newsletter_subscribers SET email = ?, name = ?, updated_at = ? WHERE id = ?"),
			email, strings.TrimSpace(name), now.Unix(), id)
		if s.d.isUniqueViolation(err) {
			return fmt.Errorf("store: update subscriber: %w", blog.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store: update subscriber: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: update subscriber: %w", blog.ErrNotFound)
		}
		if ev.Kind != "" {
			ev.SubscriberID, ev.At = id, now
			if err := s.addEvent(ctx, t, &ev); err != nil {
				return err
			}
		}
		got, err := scanSubscriber(t.QueryRowContext(ctx, s.q("SELECT "+subscriberCols+" FROM newsletter_subscribers WHERE id = ?"), id))
		if err != nil {
			return notFound(err, "update subscriber")
		}
		out = &got
		return nil
	})
	return out, err
}

// AddSubscriberBounce counts a hard bounce of subscriber id, writes ev to
// its history, and sets it bounced once it has limit bounces or more (an
// active or pending subscriber only: one who left stays as they are). It
// returns the subscriber as it is now.
func (s *Store) AddSubscriberBounce(ctx context.Context, id int64, limit int, ev blog.SubscriberEvent) (*blog.Subscriber, error) {
	if limit < 1 {
		limit = 1
	}
	now := ev.At
	if now.IsZero() {
		now = time.Now()
	}
	var out *blog.Subscriber
	err := s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q(`UPDATE newsletter_subscribers SET bounces = bounces + 1, updated_at = ?,
			status_at = CASE WHEN bounces + 1 >= ? AND status IN ('active', 'pending') THEN ? ELSE status_at END,
			status = CASE WHEN bounces + 1 >= ? AND status IN ('active', 'pending') THEN 'bounced' ELSE status END
			WHERE id = ?`), now.Unix(), limit, now.Unix(), limit, id)
		if err != nil {
			return fmt.Errorf("store: subscriber bounce: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: subscriber bounce: %w", blog.ErrNotFound)
		}
		if ev.Kind != "" {
			ev.SubscriberID, ev.At = id, now
			if err := s.addEvent(ctx, t, &ev); err != nil {
				return err
			}
		}
		got, err := scanSubscriber(t.QueryRowContext(ctx, s.q("SELECT "+subscriberCols+" FROM newsletter_subscribers WHERE id = ?"), id))
		if err != nil {
			return notFound(err, "subscriber bounce")
		}
		out = &got
		return nil
	})
	return out, err
}

// ResetSubscriberBounces forgets subscriber id's bounces (a message went
// through).
func (s *Store) ResetSubscriberBounces(ctx context.Context, id int64) error {
	if _, err := s.conn.ExecContext(ctx, s.q("UPDATE newsletter_subscribers SET bounces = 0 WHERE id = ? AND bounces <> 0"), id); err != nil {
		return fmt.Errorf("store: reset subscriber bounces: %w", err)
	}
	return nil
}

// DeleteSubscriber erases subscriber id with its history, deliveries,
// opens and clicks (the privacy tools' erase). blog.ErrNotFound when there is none.
func (s *Store) DeleteSubscriber(ctx context.Context, id int64) error {
	return s.tx(ctx, func(t *sql.Tx) error {
		// Children first: the engines need not cascade for this to work.
		for _, q := range []string{"DELETE FROM newsletter_opens WHERE subscriber_id = ?",
			"DELETE FROM newsletter_clicks WHERE subscriber_id = ?", "DELETE FROM newsletter_deliveries WHERE subscriber_id = ?",
			"DELETE FROM newsletter_events WHERE subscriber_id = ?"} {
			if _, err := t.ExecContext(ctx, s.q(q), id); err != nil {
				return fmt.Errorf("store: delete subscriber: %w", err)
			}
		}
		res, err := t.ExecContext(ctx, s.q("DELETE FROM newsletter_subscribers WHERE id = ?"), id)
		if err != nil {
			return fmt.Errorf("store: delete subscriber: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: delete subscriber: %w", blog.ErrNotFound)
		}
		return nil
	})
}

// subscriberWhere builds the WHERE clause of a subscriber filter.
func subscriberWhere(f blog.SubscriberFilter) (string, []any) {
	var conds []string
	var args []any
	if f.Status != "" {
		conds = append(conds, "status = ?")
		args = append(args, string(f.Status))
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
		conds = append(conds, `(email LIKE ? ESCAPE '\' OR lower(name) LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Subscribers returns the subscribers f selects, newest first, and how
// many it selects in all.
func (s *Store) Subscribers(ctx context.Context, f blog.SubscriberFilter) ([]blog.Subscriber, int, error) {
	where, args := subscriberWhere(f)
	var total int
	if err := s.conn.QueryRowContext(ctx, s.q("SELECT count(*) FROM newsletter_subscribers"+where), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: subscribers: %w", err)
	}
	q := "SELECT " + subscriberCols + " FROM newsletter_subscribers" + where + " ORDER BY id DESC"
	if f.Limit > 0 {
		q += " LIMIT ? OFFSET ?"
		args = append(args, f.Limit, f.Offset)
	}
	out, err := s.querySubscribers(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// EachSubscriber calls fn with every subscriber f selects, oldest first,
// reading them a page at a time (exports of large lists); f's Limit and
// Offset are ignored. fn's error stops the walk and is returned.
func (s *Store) EachSubscriber(ctx context.Context, f blog.SubscriberFilter, fn func(*blog.Subscriber) error) error {
	where, args := subscriberWhere(f)
	cond := " WHERE id > ?"
	if where != "" {
		cond = where + " AND id > ?"
	}
	var after int64
	for {
		page, err := s.querySubscribers(ctx, "SELECT "+subscriberCols+" FROM newsletter_subscribers"+cond+" ORDER BY id LIMIT 500",
			append(append([]any{}, args...), after)...)
		if err != nil {
			return err
		}
		for i := range page {
			if err := fn(&page[i]); err != nil {
				return err
			}
		}
		if len(page) < 500 {
			return nil
		}
		after = page[len(page)-1].ID
	}
}

func (s *Store) querySubscribers(ctx context.Context, q string, args ...any) ([]blog.Subscriber, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: subscribers: %w", err)
	}
	defer rows.Close()
	var out []blog.Subscriber
	for rows.Next() {
		sub, err := scanSubscriber(rows)
		if err != nil {
			return nil, fmt.Errorf("store: subscribers: %w", err)
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

// SubscriberCounts returns how many subscribers have each status.
func (s *Store) SubscriberCounts(ctx context.Context) (map[blog.SubscriberStatus]int, error) {
	rows, err := s.conn.QueryContext(ctx, "SELECT status, count(*) FROM newsletter_subscribers GROUP BY status")
	if err != nil {
		return nil, fmt.Errorf("store: subscriber counts: %w", err)
	}
	defer rows.Close()
	out := map[blog.SubscriberStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: subscriber counts: %w", err)
		}
		out[blog.SubscriberStatus(st)] = n
	}
	return out, rows.Err()
}

// SubscriberStatus returns subscriber id's status as the database holds it
// now: the check made immediately before a message goes out.
// blog.ErrNotFound when the subscriber was erased.
func (s *Store) SubscriberStatus(ctx context.Context, id int64) (blog.SubscriberStatus, error) {
	var st string
	if err := s.conn.QueryRowContext(ctx, s.q("SELECT status FROM newsletter_subscribers WHERE id = ?"), id).Scan(&st); err != nil {
		return "", notFound(err, "subscriber status")
	}
	return blog.SubscriberStatus(st), nil
}

// AddSubscriberEvent writes ev to its subscriber's history (At zero is
// now).
func (s *Store) AddSubscriberEvent(ctx context.Context, ev blog.SubscriberEvent) error {
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	return s.tx(ctx, func(t *sql.Tx) error { return s.addEvent(ctx, t, &ev) })
}

func (s *Store) addEvent(ctx context.Context, t *sql.Tx, ev *blog.SubscriberEvent) error {
	err := t.QueryRowContext(ctx, s.q(`INSERT INTO newsletter_events (subscriber_id, at, kind, detail, issue_id)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), ev.SubscriberID, ev.At.Unix(), string(ev.Kind), ev.Detail, nullID(ev.IssueID)).Scan(&ev.ID)
	if err != nil {
		return fmt.Errorf("store: subscriber event: %w", err)
	}
	return nil
}

// SubscriberEvents returns subscriber id's history, oldest first.
func (s *Store) SubscriberEvents(ctx context.Context, id int64) ([]blog.SubscriberEvent, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT id, subscriber_id, at, kind, detail, COALESCE(issue_id, 0)
		FROM newsletter_events WHERE subscriber_id = ? ORDER BY at, id`), id)
	if err != nil {
		return nil, fmt.Errorf("store: subscriber events: %w", err)
	}
	defer rows.Close()
	var out []blog.SubscriberEvent
	for rows.Next() {
		var ev blog.SubscriberEvent
		var at int64
		var kind string
		if err := rows.Scan(&ev.ID, &ev.SubscriberID, &at, &kind, &ev.Detail, &ev.IssueID); err != nil {
			return nil, fmt.Errorf("store: subscriber events: %w", err)
		}
		ev.At, ev.Kind = fromUnix(at), blog.SubscriberEventKind(kind)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// LastSubscriberEvent returns the newest event of kind in subscriber id's
// history, or blog.ErrNotFound.
func (s *Store) LastSubscriberEvent(ctx context.Context, id int64, kind blog.SubscriberEventKind) (*blog.SubscriberEvent, error) {
	var ev blog.SubscriberEvent
	var at int64
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT id, at, detail, COALESCE(issue_id, 0) FROM newsletter_events
		WHERE subscriber_id = ? AND kind = ? ORDER BY at DESC, id DESC LIMIT 1`), id, string(kind)).Scan(&ev.ID, &at, &ev.Detail, &ev.IssueID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: last subscriber event: %w", blog.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: last subscriber event: %w", err)
	}
	ev.SubscriberID, ev.At, ev.Kind = id, fromUnix(at), kind
	return &ev, nil
}

func nullUnix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}
