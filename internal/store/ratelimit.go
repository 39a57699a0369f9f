package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// RateLockClass is the first key of the PostgreSQL advisory lock Allow
// takes on a bucket; the second is hashtext(bucket). Two-key locks live
// apart from one-key ones such as the migration lock.
const RateLockClass = 0x7261 // "ra"

// Allow records an attempt in bucket and reports whether it is one of the
// first max attempts in the last window; a refused attempt is not
// recorded. Counting and recording are one atomic step on every engine (a
// write transaction on SQLite, a transaction holding a lock on the bucket
// on PostgreSQL), so attempts made at once, on one instance or many, never
// let more than max through. A busy database makes it wait and try again
// until ctx ends, rather than fail. Buckets live in the database so every
// instance shares them.
func (s *Store) Allow(ctx context.Context, bucket string, max int, window time.Duration) (bool, error) {
	var ok bool
	err := s.retryBusy(ctx, func() error {
		ok = false
		return s.tx(ctx, func(t *sql.Tx) error {
			if err := s.d.lockKey(ctx, t, RateLockClass, bucket); err != nil {
				return err
			}
			now := time.Now()
			var n int
			if err := t.QueryRowContext(ctx, s.q("SELECT count(*) FROM rate_events WHERE bucket = ? AND at > ?"),
				bucket, now.Add(-window).Unix()).Scan(&n); err != nil {
				return err
			}
			if n >= max {
				return nil
			}
			if _, err := t.ExecContext(ctx, s.q("INSERT INTO rate_events (bucket, at) VALUES (?, ?)"), bucket, now.Unix()); err != nil {
				return err
			}
			ok = true
			return nil
		})
	})
	if err != nil {
		return false, fmt.Errorf("store: rate limit: %w", err)
	}
	return ok, nil
}

// retryBusy runs fn, again and again while the database answers that it
// is busy (locked by another writer, a serialization failure), with a
// growing pause between tries, until fn succeeds, fails otherwise, or ctx
// ends. Inside InTx it runs fn once: the outer transaction cannot be
// retried from here.
func (s *Store) retryBusy(ctx context.Context, fn func() error) error {
	pause := 2 * time.Millisecond
	for {
		err := fn()
		if err == nil || s.txn != nil || !s.d.isBusy(err) {
			if err != nil && ctx.Err() != nil {
				return fmt.Errorf("%w (%v)", ctx.Err(), err)
			}
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (%v)", ctx.Err(), err)
		case <-time.After(pause):
		}
		if pause < 250*time.Millisecond {
			pause *= 2
		}
	}
}

// ResetRate forgets the attempts in bucket (after a successful login, say).
func (s *Store) ResetRate(ctx context.Context, bucket string) error {
	err := s.retryBusy(ctx, func() error {
		_, err := s.conn.ExecContext(ctx, s.q("DELETE FROM rate_events WHERE bucket = ?"), bucket)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: reset rate: %w", err)
	}
	return nil
}
