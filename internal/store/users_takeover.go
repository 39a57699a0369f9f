package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/quirehq/quire/internal/blog"
)

// TakeOverUser gives the account of user id to u: the row keeps its id,
// and so its posts, images and comments, and takes u's email, name, role
// and password hash, with a login (/author/LOGIN/) made afresh from the
// new name. Comments the account wrote show the new name and email. u.ID
// and u.Login are set. The demo's author is taken over by the owner this
// way at setup, so the sample content is theirs.
func (s *Store) TakeOverUser(ctx context.Context, id int64, u *blog.User) error {
	u.Email = blog.NormalizeEmail(u.Email)
	return s.tx(ctx, func(t *sql.Tx) error {
		base := blog.Slugify(u.Name)
		if base == "" {
			base = "author"
		}
		for _, c := range blog.SlugCandidates(base, 100) {
			var other int64
			err := t.QueryRowContext(ctx, s.q("SELECT id FROM users WHERE login = ? AND id <> ?"), c, id).Scan(&other)
			if errors.Is(err, sql.ErrNoRows) {
				u.Login = c
				break
			}
			if err != nil {
				return fmt.Errorf("store: take over user: %w", err)
			}
		}
		res, err := t.ExecContext(ctx, s.q(`UPDATE users SET email = ?, name = ?, login = ?, role = ?, password_hash = ?
			WHERE id = ?`), u.Email, u.Name, u.Login, u.Role, u.PasswordHash, id)
		if s.d.isUniqueViolation(err) {
			return (blog.FieldErrors{"email": "A user with this email address already exists."}).Err()
		}
		if err != nil {
			return fmt.Errorf("store: take over user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: take over user %d: %w", id, blog.ErrNotFound)
		}
		if _, err := t.ExecContext(ctx, s.q("UPDATE comments SET author_name = ?, author_email = ? WHERE user_id = ?"),
			u.Name, u.Email, id); err != nil {
			return fmt.Errorf("store: take over user: comments: %w", err)
		}
		u.ID = id
		return s.bump(ctx, t)
	})
}
