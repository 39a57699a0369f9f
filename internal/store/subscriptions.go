package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// CommentSubscription is one follow-up subscription: Email hears of new
// approved comments on PostID once the address is confirmed.
type CommentSubscription struct {
	ID          int64
	PostID      int64
	Email       string
	Token       string // random; the only key of the confirm and unsubscribe links
	ConfirmedAt time.Time
	CreatedAt   time.Time

	// Filled by reads.
	PostTitle string
}

// CommentSubscriber is what is known of an address across posts: when it
// confirmed follow-ups (once, double opt-in) and when it asked for none.
type CommentSubscriber struct {
	Email             string
	ConfirmedAt       time.Time
	UnsubscribedAllAt time.Time
}

const subscriptionCols = `cs.id, cs.post_id, cs.email, cs.token, COALESCE(cs.confirmed_at, 0), cs.created_at, p.title`

func scanSubscription(sc interface{ Scan(...any) error }) (CommentSubscription, error) {
	var sub CommentSubscription
	var confirmed, created int64
	err := sc.Scan(&sub.ID, &sub.PostID, &sub.Email, &sub.Token, &confirmed, &created, &sub.PostTitle)
	sub.ConfirmedAt, sub.CreatedAt = fromUnix(confirmed), fromUnix(created)
	return sub, err
}

// CommentSubscriber returns what is known of email, or blog.ErrNotFound
// when the address never confirmed nor unsubscribed.
func (s *Store) CommentSubscriber(ctx context.Context, email string) (*CommentSubscriber, error) {
	sub := &CommentSubscriber{Email: blog.NormalizeEmail(email)}
	var confirmed, unsubscribed sql.NullInt64
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT confirmed_at, unsubscribed_all_at FROM comment_subscribers
		WHERE email = ?`), sub.Email).Scan(&confirmed, &unsubscribed)
	if err != nil {
		return nil, notFound(err, "comment subscriber")
	}
	sub.ConfirmedAt, sub.UnsubscribedAllAt = fromUnix(confirmed.Int64), fromUnix(unsubscribed.Int64)
	return sub, nil
}

// AddCommentSubscription subscribes email to follow-ups on postID unless it
// is subscribed already, and returns the subscription and whether it is
// new. A new subscription of an address that confirmed before is confirmed
// at once.
func (s *Store) AddCommentSubscription(ctx context.Context, postID int64, email string, now time.Time) (*CommentSubscription, bool, error) {
	email = blog.NormalizeEmail(email)
	var sub CommentSubscription
	created := false
	err := s.tx(ctx, func(t *sql.Tx) error {
		var confirmed sql.NullInt64
		err := t.QueryRowContext(ctx, s.q(`SELECT confirmed_at FROM comment_subscribers WHERE email = ?
			AND unsubscribed_all_at IS NULL`), email).Scan(&confirmed)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: add comment subscription: %w", err)
		}
		var confirmedAt any
		if confirmed.Valid && confirmed.Int64 != 0 {
			confirmedAt = now.Unix()
		}
		res, err := t.ExecContext(ctx, s.q(`INSERT INTO comment_subscriptions (post_id, email, token, confirmed_at, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (post_id, email) DO NOTHING`), postID, email, NewToken(), confirmedAt, now.Unix())
		if err != nil {
			return fmt.Errorf("store: add comment subscription: %w", err)
		}
		n, _ := res.RowsAffected()
		created = n == 1
		sub, err = scanSubscription(t.QueryRowContext(ctx, s.q("SELECT "+subscriptionCols+
			" FROM comment_subscriptions cs JOIN posts p ON p.id = cs.post_id WHERE cs.post_id = ? AND cs.email = ?"), postID, email))
		if err != nil {
			return notFound(err, "add comment subscription")
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return &sub, created, nil
}

// CommentSubscriptionByToken returns the subscription whose link carries
// token, or blog.ErrNotFound.
func (s *Store) CommentSubscriptionByToken(ctx context.Context, token string) (*CommentSubscription, error) {
	return s.subscriptionByToken(ctx, s.conn, token)
}

// CommentSubscriptionByID returns the subscription with id, or
// blog.ErrNotFound.
func (s *Store) CommentSubscriptionByID(ctx context.Context, id int64) (*CommentSubscription, error) {
	sub, err := scanSubscription(s.conn.QueryRowContext(ctx, s.q("SELECT "+subscriptionCols+
		" FROM comment_subscriptions cs JOIN posts p ON p.id = cs.post_id WHERE cs.id = ?"), id))
	if err != nil {
		return nil, notFound(err, "comment subscription")
	}
	return &sub, nil
}

func (s *Store) subscriptionByToken(ctx context.Context, q queryer, token string) (*CommentSubscription, error) {
	if token == "" {
		return nil, fmt.Errorf("store: comment subscription: %w", blog.ErrNotFound)
	}
	sub, err := scanSubscription(q.QueryRowContext(ctx, s.q("SELECT "+subscriptionCols+
		" FROM comment_subscriptions cs JOIN posts p ON p.id = cs.post_id WHERE cs.token = ?"), token))
	if err != nil {
		return nil, notFound(err, "comment subscription")
	}
	return &sub, nil
}

// ConfirmCommentSubscriber confirms the address of the subscription with
// token (double opt-in, done once per address): that subscription and
// every other waiting one of the address become active, and so will the
// address's later ones. An address that had asked for no follow-ups and
// now confirms again has asked anew.
func (s *Store) ConfirmCommentSubscriber(ctx context.Context, token string, now time.Time) (*CommentSubscription, error) {
	var sub *CommentSubscription
	err := s.tx(ctx, func(t *sql.Tx) error {
		var err error
		if sub, err = s.subscriptionByToken(ctx, t, token); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, s.q(`INSERT INTO comment_subscribers (email, confirmed_at) VALUES (?, ?)
			ON CONFLICT (email) DO UPDATE SET confirmed_at = COALESCE(comment_subscribers.confirmed_at, excluded.confirmed_at),
			unsubscribed_all_at = NULL`), sub.Email, now.Unix()); err != nil {
			return fmt.Errorf("store: confirm comment subscriber: %w", err)
		}
		if _, err := t.ExecContext(ctx, s.q(`UPDATE comment_subscriptions SET confirmed_at = ?
			WHERE email = ? AND confirmed_at IS NULL`), now.Unix(), sub.Email); err != nil {
			return fmt.Errorf("store: confirm comment subscriptions: %w", err)
		}
		if sub.ConfirmedAt.IsZero() {
			sub.ConfirmedAt = fromUnix(now.Unix())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// DeleteCommentSubscription ends the subscription with token and returns
// what it was, or blog.ErrNotFound when no such subscription exists (any
// more).
func (s *Store) DeleteCommentSubscription(ctx context.Context, token string) (*CommentSubscription, error) {
	var sub *CommentSubscription
	err := s.tx(ctx, func(t *sql.Tx) error {
		var err error
		if sub, err = s.subscriptionByToken(ctx, t, token); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, s.q("DELETE FROM comment_subscriptions WHERE id = ?"), sub.ID); err != nil {
			return fmt.Errorf("store: delete comment subscription: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// UnsubscribeAllComments stops every follow-up to the address of the
// subscription with token: its subscriptions are deleted and the address
// is remembered as wanting none, so later requests for it are ignored. It
// returns the subscription the link belonged to, or blog.ErrNotFound.
func (s *Store) UnsubscribeAllComments(ctx context.Context, token string, now time.Time) (*CommentSubscription, error) {
	var sub *CommentSubscription
	err := s.tx(ctx, func(t *sql.Tx) error {
		var err error
		if sub, err = s.subscriptionByToken(ctx, t, token); err != nil {
			return err
		}
		if _, err := t.ExecContext(ctx, s.q(`INSERT INTO comment_subscribers (email, unsubscribed_all_at) VALUES (?, ?)
			ON CONFLICT (email) DO UPDATE SET unsubscribed_all_at = excluded.unsubscribed_all_at`), sub.Email, now.Unix()); err != nil {
			return fmt.Errorf("store: unsubscribe from all follow-ups: %w", err)
		}
		if _, err := t.ExecContext(ctx, s.q("DELETE FROM comment_subscriptions WHERE email = ?"), sub.Email); err != nil {
			return fmt.Errorf("store: unsubscribe from all follow-ups: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// activeSubscriptions selects the subscriptions that get mail: confirmed,
// of an address that did not ask for no follow-ups. Conditions follow.
const activeSubscriptions = "SELECT " + subscriptionCols + ` FROM comment_subscriptions cs
	JOIN posts p ON p.id = cs.post_id JOIN comment_subscribers sb ON sb.email = cs.email
	WHERE cs.confirmed_at IS NOT NULL AND sb.confirmed_at IS NOT NULL AND sb.unsubscribed_all_at IS NULL`

// ActiveCommentSubscription returns the subscription with id when it gets
// mail (see ActiveCommentSubscriptions), else blog.ErrNotFound.
func (s *Store) ActiveCommentSubscription(ctx context.Context, id int64) (*CommentSubscription, error) {
	sub, err := scanSubscription(s.conn.QueryRowContext(ctx, s.q(activeSubscriptions+" AND cs.id = ?"), id))
	if err != nil {
		return nil, notFound(err, "active comment subscription")
	}
	return &sub, nil
}

// ActiveCommentSubscriptions returns the subscriptions of postID that get
// mail: confirmed, of an address that did not ask for no follow-ups.
func (s *Store) ActiveCommentSubscriptions(ctx context.Context, postID int64) ([]CommentSubscription, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(activeSubscriptions+" AND cs.post_id = ? ORDER BY cs.id"), postID)
	if err != nil {
		return nil, fmt.Errorf("store: active comment subscriptions: %w", err)
	}
	defer rows.Close()
	var out []CommentSubscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, fmt.Errorf("store: active comment subscriptions: %w", err)
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}
