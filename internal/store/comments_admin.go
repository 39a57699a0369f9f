package store

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// ModerationStatusCounts returns how many comments have each status; only
// those on postAuthorID's posts when it is not 0. The counts are exact,
// and made once per content version (they read every comment).
func (s *Store) ModerationStatusCounts(ctx context.Context, postAuthorID int64) (map[blog.CommentStatus]int, error) {
	counts, err := memoized(ctx, s, fmt.Sprint("comment status counts ", postAuthorID), func() (map[blog.CommentStatus]int, error) {
		return s.moderationStatusCounts(ctx, postAuthorID)
	})
	return maps.Clone(counts), err
}

func (s *Store) moderationStatusCounts(ctx context.Context, postAuthorID int64) (map[blog.CommentStatus]int, error) {
	q := "SELECT c.status, count(*) FROM comments c"
	var args []any
	if postAuthorID != 0 {
		q += " JOIN posts p ON p.id = c.post_id WHERE p.author_id = ? AND p.type = 'post'"
		args = append(args, postAuthorID)
	}
	rows, err := s.conn.QueryContext(ctx, s.q(q+" GROUP BY c.status"), args...)
	if err != nil {
		return nil, fmt.Errorf("store: moderation status counts: %w", err)
	}
	defer rows.Close()
	out := map[blog.CommentStatus]int{}
	for rows.Next() {
		var st blog.CommentStatus
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: moderation status counts: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// CommentsByID returns the comments with the given IDs that exist (in no
// particular order), limited to those on postAuthorID's posts when it is
// not 0.
func (s *Store) CommentsByID(ctx context.Context, postAuthorID int64, ids ...int64) ([]blog.Comment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(ids)+1)
	for _, id := range ids {
		args = append(args, id)
	}
	where := "WHERE c.id IN (" + placeholders(len(ids)) + ")"
	if postAuthorID != 0 {
		where += " AND p.author_id = ? AND p.type = 'post'"
		args = append(args, postAuthorID)
	}
	return s.queryComments(ctx, where+" ORDER BY c.id", args...)
}

// PrivacySubscription is one follow-up subscription held for an address.
type PrivacySubscription struct {
	PostID      int64
	PostTitle   string
	PostSlug    string
	ConfirmedAt time.Time // zero while unconfirmed
	CreatedAt   time.Time
}

// PrivacySubscriber is what is held for an address that confirmed
// follow-ups once or asked for none.
type PrivacySubscriber struct {
	ConfirmedAt       time.Time
	UnsubscribedAllAt time.Time
}

// PrivacySubscriptions returns the follow-up subscriptions held for email
// and its subscriber record (nil when none).
func (s *Store) PrivacySubscriptions(ctx context.Context, email string) ([]PrivacySubscription, *PrivacySubscriber, error) {
	email = blog.NormalizeEmail(email)
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT cs.post_id, p.title, p.slug, COALESCE(cs.confirmed_at, 0), cs.created_at
		FROM comment_subscriptions cs JOIN posts p ON p.id = cs.post_id WHERE cs.email = ? ORDER BY cs.created_at, cs.id`), email)
	if err != nil {
		return nil, nil, fmt.Errorf("store: privacy subscriptions: %w", err)
	}
	defer rows.Close()
	var subs []PrivacySubscription
	for rows.Next() {
		var ps PrivacySubscription
		var confirmed, created int64
		if err := rows.Scan(&ps.PostID, &ps.PostTitle, &ps.PostSlug, &confirmed, &created); err != nil {
			return nil, nil, fmt.Errorf("store: privacy subscriptions: %w", err)
		}
		if confirmed != 0 {
			ps.ConfirmedAt = fromUnix(confirmed)
		}
		ps.CreatedAt = fromUnix(created)
		subs = append(subs, ps)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("store: privacy subscriptions: %w", err)
	}
	var confirmed, unsubscribed sql.NullInt64
	err = s.conn.QueryRowContext(ctx, s.q(`SELECT confirmed_at, unsubscribed_all_at FROM comment_subscribers WHERE email = ?`),
		email).Scan(&confirmed, &unsubscribed)
	if err == sql.ErrNoRows {
		return subs, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store: privacy subscriber: %w", err)
	}
	sub := &PrivacySubscriber{}
	if confirmed.Valid && confirmed.Int64 != 0 {
		sub.ConfirmedAt = fromUnix(confirmed.Int64)
	}
	if unsubscribed.Valid && unsubscribed.Int64 != 0 {
		sub.UnsubscribedAllAt = fromUnix(unsubscribed.Int64)
	}
	return subs, sub, nil
}

// ErasePrivacySubscriptions deletes every follow-up subscription and the
// subscriber record held for email, returning how many rows went.
func (s *Store) ErasePrivacySubscriptions(ctx context.Context, email string) (int, error) {
	email = blog.NormalizeEmail(email)
	n := 0
	err := s.tx(ctx, func(t *sql.Tx) error {
		for _, q := range []string{"DELETE FROM comment_subscriptions WHERE email = ?", "DELETE FROM comment_subscribers WHERE email = ?"} {
			res, err := t.ExecContext(ctx, s.q(q), email)
			if err != nil {
				return fmt.Errorf("store: erase subscriptions: %w", err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return nil
	})
	return n, err
}

// DeleteCommentsByEmail deletes every comment whose author email is email
// (replies move up, as DeleteComments does) and returns how many went.
func (s *Store) DeleteCommentsByEmail(ctx context.Context, email string) (int, error) {
	email = blog.NormalizeEmail(email)
	if email == "" {
		return 0, nil
	}
	n := 0
	err := s.InTx(ctx, func(tx *Store) error {
		rows, err := tx.conn.QueryContext(ctx, tx.q("SELECT id FROM comments WHERE author_email = ? ORDER BY id"), email)
		if err != nil {
			return fmt.Errorf("store: delete comments by email: %w", err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return fmt.Errorf("store: delete comments by email: %w", err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: delete comments by email: %w", err)
		}
		if len(ids) == 0 {
			return nil
		}
		n, err = tx.DeleteComments(ctx, ids...)
		return err
	})
	return n, err
}
