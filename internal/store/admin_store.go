package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// PostStatusCounts counts posts (or pages) of typ by status, for the tabs
// of the admin lists. authorID limits the count to one author's when not 0.
func (s *Store) PostStatusCounts(ctx context.Context, typ blog.PostType, authorID int64) (map[blog.Status]int, error) {
	counts, err := memoized(ctx, s, fmt.Sprint("post status counts ", typ, " ", authorID), func() (map[blog.Status]int, error) {
		return s.postStatusCounts(ctx, typ, authorID)
	})
	return maps.Clone(counts), err
}

func (s *Store) postStatusCounts(ctx context.Context, typ blog.PostType, authorID int64) (map[blog.Status]int, error) {
	q := "SELECT status, count(*) FROM posts WHERE type = ?"
	args := []any{typ}
	if authorID != 0 {
		q += " AND author_id = ?"
		args = append(args, authorID)
	}
	rows, err := s.conn.QueryContext(ctx, s.q(q+" GROUP BY status"), args...)
	if err != nil {
		return nil, fmt.Errorf("store: post status counts: %w", err)
	}
	defer rows.Close()
	out := map[blog.Status]int{}
	for rows.Next() {
		var st blog.Status
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: post status counts: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// CountMedia returns how many images are stored.
func (s *Store) CountMedia(ctx context.Context) (int, error) {
	var n int
	if err := s.conn.QueryRowContext(ctx, "SELECT count(*) FROM media").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count media: %w", err)
	}
	return n, nil
}

// SetMediaAlt replaces the alternative text of image id.
func (s *Store) SetMediaAlt(ctx context.Context, id int64, alt string) error {
	return s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q("UPDATE media SET alt = ? WHERE id = ?"), alt, id)
		if err != nil {
			return fmt.Errorf("store: set media alt: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: set media alt %d: %w", id, blog.ErrNotFound)
		}
		return s.bump(ctx, t)
	})
}

// RateRetryAfter says how long until bucket, limited to max attempts per
// window, accepts an attempt again; 0 when it accepts one now.
func (s *Store) RateRetryAfter(ctx context.Context, bucket string, max int, window time.Duration) (time.Duration, error) {
	if max < 1 {
		max = 1
	}
	now := time.Now()
	// The max-th newest attempt in the window is the one that must age out.
	var at int64
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT at FROM rate_events WHERE bucket = ? AND at > ?
		ORDER BY at DESC LIMIT 1 OFFSET ?`), bucket, now.Add(-window).Unix(), max-1).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: rate retry after: %w", err)
	}
	d := time.Unix(at, 0).Add(window).Sub(now)
	if d < 0 {
		d = 0
	}
	return d, nil
}
