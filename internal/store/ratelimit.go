package store

import (
	"context"
	"fmt"
	"time"
)

// Allow records an attempt in bucket and reports whether fewer than max
// attempts were made in the last window. Buckets live in the database so
// every instance shares them.
func (s *Store) Allow(ctx context.Context, bucket string, max int, window time.Duration) (bool, error) {
	now := time.Now()
	var n int
	if err := s.conn.QueryRowContext(ctx, s.q("SELECT count(*) FROM rate_events WHERE bucket = ? AND at > ?"),
		bucket, now.Add(-window).Unix()).Scan(&n); err != nil {
		return false, fmt.Errorf("store: rate limit: %w", err)
	}
	if n >= max {
		return false, nil
	}
	if _, err := s.conn.ExecContext(ctx, s.q("INSERT INTO rate_events (bucket, at) VALUES (?, ?)"), bucket, now.Unix()); err != nil {
		return false, fmt.Errorf("store: rate limit: %w", err)
	}
	return true, nil
}

// ResetRate forgets the attempts in bucket (after a successful login, say).
func (s *Store) ResetRate(ctx context.Context, bucket string) error {
	if _, err := s.conn.ExecContext(ctx, s.q("DELETE FROM rate_events WHERE bucket = ?"), bucket); err != nil {
		return fmt.Errorf("store: reset rate: %w", err)
	}
	return nil
}
