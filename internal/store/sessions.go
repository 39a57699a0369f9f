package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
)

// Keys of the session data the store reads when it saves a session, to
// know whose it is. The admin writes them at login.
const (
	// SessionUserKey holds the logged-in user's ID.
	SessionUserKey = "uid"
	// SessionEpochKey holds the user's session epoch at login (see
	// blog.User.SessionEpoch).
	SessionEpochKey = "epoch"
)

// SessionStore keeps admin sessions in the database so a login made on one
// instance is valid on every instance. It implements scs.CtxStore. Each row
// also records whose session it is, when it began and was last used, and
// the browser's description, so a user can see and end their sessions.
type SessionStore struct{ s *Store }

// Sessions returns the session store backed by s.
func (s *Store) Sessions() *SessionStore { return &SessionStore{s: s} }

type sessionClientKey struct{}

// WithSessionClient returns ctx carrying a short description of the
// browser making the request ("Firefox on Linux"), saved with the session
// when it is committed in that request.
func WithSessionClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, sessionClientKey{}, client)
}

// SessionID names a session without revealing its token: pages may show it.
func SessionID(token string) string {
	h := sha256.Sum256([]byte("session\x00" + token))
	return hex.EncodeToString(h[:12])
}

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

// CommitCtx saves a session, with the user and epoch its data names (scs's
// gob encoding) and the browser description ctx carries.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	var uid sql.NullInt64
	var epoch int64
	if _, values, err := (scs.GobCodec{}).Decode(b); err == nil {
		if id, ok := values[SessionUserKey].(int64); ok && id > 0 {
			uid = sql.NullInt64{Int64: id, Valid: true}
		}
		epoch, _ = values[SessionEpochKey].(int64)
	}
	client, _ := ctx.Value(sessionClientKey{}).(string)
	now := time.Now().Unix()
	_, err := ss.s.conn.ExecContext(ctx, ss.s.q(`INSERT INTO sessions (token, data, expiry, user_id, epoch, created_at, seen_at, client)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry, user_id = excluded.user_id,
		epoch = excluded.epoch, seen_at = excluded.seen_at,
		client = CASE WHEN excluded.client <> '' THEN excluded.client ELSE sessions.client END`),
		token, b, expiry.Unix(), uid, epoch, now, now, client)
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

// Session describes one active session of a user, for their profile page.
// It never holds the token.
type Session struct {
	ID       string // SessionID of the token
	Started  time.Time
	LastSeen time.Time
	Client   string
}

// UserSessions lists the active sessions of user id, most recently used
// first.
func (s *Store) UserSessions(ctx context.Context, userID int64) ([]Session, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT s.token, s.created_at, s.seen_at, s.client FROM sessions s
		JOIN users u ON u.id = s.user_id
		WHERE s.user_id = ? AND s.epoch = u.session_epoch AND s.expiry > ?
		ORDER BY s.seen_at DESC, s.created_at DESC`), userID, time.Now().Unix())
	if err != nil {
		return nil, fmt.Errorf("store: user sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var tok string
		var started, seen int64
		var x Session
		if err := rows.Scan(&tok, &started, &seen, &x.Client); err != nil {
			return nil, fmt.Errorf("store: user sessions: %w", err)
		}
		x.ID, x.Started, x.LastSeen = SessionID(tok), fromUnix(started), fromUnix(seen)
		out = append(out, x)
	}
	return out, rows.Err()
}

// EndOtherSessions ends every session of user id but keepToken's and
// advances their session epoch, so that even a copy of an ended session
// saved again by a request in flight no longer counts. It returns the new
// epoch, which the kept session must carry.
func (s *Store) EndOtherSessions(ctx context.Context, userID int64, keepToken string) (epoch int64, err error) {
	err = s.tx(ctx, func(t *sql.Tx) error {
		epoch, err = s.endSessions(ctx, t, userID, keepToken)
		return err
	})
	return epoch, err
}

// endSessions is EndOtherSessions inside transaction t.
func (s *Store) endSessions(ctx context.Context, t *sql.Tx, userID int64, keepToken string) (int64, error) {
	var epoch int64
	err := t.QueryRowContext(ctx, s.q("UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ? RETURNING session_epoch"),
		userID).Scan(&epoch)
	if err != nil {
		return 0, notFound(err, "end sessions")
	}
	if _, err := t.ExecContext(ctx, s.q("DELETE FROM sessions WHERE user_id = ? AND token <> ?"), userID, keepToken); err != nil {
		return 0, fmt.Errorf("store: end sessions: %w", err)
	}
	return epoch, nil
}

// DeleteExpired removes sessions, tokens and rate-limit events that have
// run out, and linkback checks older than a day.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) error {
	for _, q := range []string{
		"DELETE FROM sessions WHERE expiry <= ?",
		"DELETE FROM tokens WHERE expires_at <= ?",
		"DELETE FROM rate_events WHERE at <= ?",
		"DELETE FROM linkback_checks WHERE checked_at <= ?",
	} {
		cutoff := now.Unix()
		if strings.Contains(q, "rate_events") || strings.Contains(q, "linkback_checks") {
			cutoff = now.Add(-24 * time.Hour).Unix()
		}
		if _, err := s.conn.ExecContext(ctx, s.q(q), cutoff); err != nil {
			return fmt.Errorf("store: delete expired: %w", err)
		}
	}
	return nil
}
