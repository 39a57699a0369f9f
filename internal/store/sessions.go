package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SessionStore keeps admin sessions in the database so a login made on one
// instance is valid on every instance. It implements scs.CtxStore.
type SessionStore struct{ s *Store }

// Sessions returns the session store backed by s.
func (s *Store) Sessions() *SessionStore { return &SessionStore{s: s} }

// FindCtx returns the data of an unexpired session.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := ss.s.conn.QueryRowContext(ctx, ss.s.q("SELECT data FROM sessions WHERE token = ? AND expiry > ?"),
		token, time.Now().Unix()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: find session: %w", err)
	}
	return data, true, nil
}

// CommitCtx saves a session.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := ss.s.conn.ExecContext(ctx, ss.s.q(`INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`), token, b, expiry.Unix())
	if err != nil {
		return fmt.Errorf("store: commit session: %w", err)
	}
	return nil
}

// DeleteCtx removes a session.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if _, err := ss.s.conn.ExecContext(ctx, ss.s.q("DELETE FROM sessions WHERE token = ?"), token); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// Find implements scs.Store.
func (ss *SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit implements scs.Store.
func (ss *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// Delete implements scs.Store.
func (ss *SessionStore) Delete(token string) error { return ss.DeleteCtx(context.Background(), token) }

// DeleteExpired removes sessions, tokens and rate-limit events that have run out.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) error {
	for _, q := range []string{
		"DELETE FROM sessions WHERE expiry <= ?",
		"DELETE FROM tokens WHERE expires_at <= ?",
		"DELETE FROM rate_events WHERE at <= ?",
	} {
		cutoff := now.Unix()
		if q == "DELETE FROM rate_events WHERE at <= ?" {
			cutoff = now.Add(-24 * time.Hour).Unix()
		}
		if _, err := s.conn.ExecContext(ctx, s.q(q), cutoff); err != nil {
			return fmt.Errorf("store: delete expired: %w", err)
		}
	}
	return nil
}
