package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// Token purposes.
const (
	TokenSetup         = "setup"
	TokenPasswordReset = "password-reset"
)

// NewToken returns a random URL-safe token.
func NewToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// IssueToken stores a single-use token for purpose (only its hash is kept)
// and returns it. A setup token replaces any earlier one.
func (s *Store) IssueToken(ctx context.Context, purpose string, userID int64, ttl time.Duration) (string, error) {
	tok := NewToken()
	err := s.tx(ctx, func(t *sql.Tx) error {
		if purpose == TokenSetup {
			if _, err := t.ExecContext(ctx, s.q("DELETE FROM tokens WHERE purpose = ?"), purpose); err != nil {
				return fmt.Errorf("store: issue token: %w", err)
			}
		}
		_, err := t.ExecContext(ctx, s.q("INSERT INTO tokens (hash, purpose, user_id, expires_at) VALUES (?, ?, ?, ?)"),
			hashToken(tok), purpose, nullID(userID), time.Now().Add(ttl).Unix())
		if err != nil {
			return fmt.Errorf("store: issue token: %w", err)
		}
		return nil
	})
	return tok, err
}

// CheckToken reports the user a valid, unused token belongs to, without
// using it up.
func (s *Store) CheckToken(ctx context.Context, purpose, tok string) (userID int64, err error) {
	var uid sql.NullInt64
	err = s.conn.QueryRowContext(ctx, s.q(`SELECT user_id FROM tokens WHERE hash = ? AND purpose = ?
		AND used_at IS NULL AND expires_at > ?`), hashToken(tok), purpose, time.Now().Unix()).Scan(&uid)
	if err != nil {
		return 0, notFound(err, "check token")
	}
	return uid.Int64, nil
}

// UseToken marks a token used and runs fn in the same transaction, so the
// token and the change it allows happen together or not at all (fn gets a
// Store inside that transaction). It fails with ErrNotFound when the token
// is unknown, used or expired.
func (s *Store) UseToken(ctx context.Context, purpose, tok string, fn func(tx *Store, userID int64) error) error {
	return s.InTx(ctx, func(tx *Store) error {
		uid, err := tx.CheckToken(ctx, purpose, tok)
		if err != nil {
			return err
		}
		res, err := tx.conn.ExecContext(ctx, tx.q(`UPDATE tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL`),
			time.Now().Unix(), hashToken(tok))
		if err != nil {
			return fmt.Errorf("store: use token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: use token: %w", blog.ErrNotFound)
		}
		return fn(tx, uid)
	})
}

// voidTokens uses up every outstanding password-reset link of user id, in
// transaction t: after a password or email change, none of them works.
func (s *Store) voidTokens(ctx context.Context, t *sql.Tx, userID int64) error {
	_, err := t.ExecContext(ctx, s.q("UPDATE tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL"),
		time.Now().Unix(), userID, TokenPasswordReset)
	if err != nil {
		return fmt.Errorf("store: void tokens: %w", err)
	}
	return nil
}
