package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

const userCols = "id, email, name, login, role, password_hash, created_at, session_epoch"

func scanUser(sc interface{ Scan(...any) error }) (*blog.User, error) {
	var u blog.User
	var created int64
	if err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.Login, &u.Role, &u.PasswordHash, &created, &u.SessionEpoch); err != nil {
		return nil, err
	}
	u.CreatedAt = fromUnix(created)
	return &u, nil
}

// CreateUser adds u, whose PasswordHash the caller has set. Its login (used
// in /author/LOGIN/) is made from the name and kept unique.
func (s *Store) CreateUser(ctx context.Context, u *blog.User) error {
	u.Email = blog.NormalizeEmail(u.Email)
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	return s.tx(ctx, func(t *sql.Tx) error {
		base := blog.Slugify(u.Name)
		if base == "" {
			base = "author"
		}
		for _, c := range blog.SlugCandidates(base, 100) {
			var id int64
			err := t.QueryRowContext(ctx, s.q("SELECT id FROM users WHERE login = ?"), c).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				u.Login = c
				break
			}
			if err != nil {
				return fmt.Errorf("store: create user: %w", err)
			}
		}
		err := t.QueryRowContext(ctx, s.q(`INSERT INTO users (email, name, login, role, password_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), u.Email, u.Name, u.Login, u.Role, u.PasswordHash,
			unix(u.CreatedAt)).Scan(&u.ID)
		if s.d.isUniqueViolation(err) {
			return (blog.FieldErrors{"email": "A user with this email address already exists."}).Err()
		}
		if err != nil {
			return fmt.Errorf("store: create user: %w", err)
		}
		return s.bump(ctx, t)
	})
}

// User returns the user with id.
func (s *Store) User(ctx context.Context, id int64) (*blog.User, error) {
	u, err := scanUser(s.conn.QueryRowContext(ctx, s.q("SELECT "+userCols+" FROM users WHERE id = ?"), id))
	if err != nil {
		return nil, notFound(err, "get user")
	}
	return u, nil
}

// UserByEmail returns the user with email (compared case-insensitively).
func (s *Store) UserByEmail(ctx context.Context, email string) (*blog.User, error) {
	u, err := scanUser(s.conn.QueryRowContext(ctx, s.q("SELECT "+userCols+" FROM users WHERE email = ?"), blog.NormalizeEmail(email)))
	if err != nil {
		return nil, notFound(err, "user by email")
	}
	return u, nil
}

// UserByLogin returns the user whose author slug is login.
func (s *Store) UserByLogin(ctx context.Context, login string) (*blog.User, error) {
	u, err := scanUser(s.conn.QueryRowContext(ctx, s.q("SELECT "+userCols+" FROM users WHERE login = ?"), login))
	if err != nil {
		return nil, notFound(err, "user by login")
	}
	return u, nil
}

// Users lists every user by name.
func (s *Store) Users(ctx context.Context) ([]blog.User, error) {
	rows, err := s.conn.QueryContext(ctx, "SELECT "+userCols+" FROM users ORDER BY name, id")
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []blog.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// CountUsers returns how many users exist (0 before setup).
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.conn.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// UpdateUser saves u's name, email and role. When the email changes,
// outstanding password-reset links (mailed to the old address) stop
// working.
func (s *Store) UpdateUser(ctx context.Context, u *blog.User) error {
	u.Email = blog.NormalizeEmail(u.Email)
	return s.tx(ctx, func(t *sql.Tx) error {
		var old string
		if err := t.QueryRowContext(ctx, s.q("SELECT email FROM users WHERE id = ?"), u.ID).Scan(&old); err != nil {
			return notFound(err, "update user")
		}
		_, err := t.ExecContext(ctx, s.q("UPDATE users SET name = ?, email = ?, role = ? WHERE id = ?"),
			u.Name, u.Email, u.Role, u.ID)
		if s.d.isUniqueViolation(err) {
			return (blog.FieldErrors{"email": "A user with this email address already exists."}).Err()
		}
		if err != nil {
			return fmt.Errorf("store: update user: %w", err)
		}
		if old != u.Email {
			if err := s.voidTokens(ctx, t, u.ID); err != nil {
				return err
			}
		}
		return s.bump(ctx, t)
	})
}

// ChangePassword replaces user id's password hash and, in the same
// transaction, ends every session of theirs but keepToken's (none when it
// is ""), advances their session epoch (so copies of those sessions and
// their known-device cookies stop counting) and voids every outstanding
// password-reset link. It returns the new epoch, for the session kept.
func (s *Store) ChangePassword(ctx context.Context, id int64, hash, keepToken string) (epoch int64, err error) {
	err = s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q("UPDATE users SET password_hash = ? WHERE id = ?"), hash, id)
		if err != nil {
			return fmt.Errorf("store: change password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: change password of user %d: %w", id, blog.ErrNotFound)
		}
		if epoch, err = s.endSessions(ctx, t, id, keepToken); err != nil {
			return err
		}
		return s.voidTokens(ctx, t, id)
	})
	return epoch, err
}

func (s *Store) usersByID(ctx context.Context, ids []any) (map[int64]*blog.User, error) {
	out := map[int64]*blog.User{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.conn.QueryContext(ctx, s.q("SELECT "+userCols+" FROM users WHERE id IN ("+placeholders(len(ids))+")"), ids...)
	if err != nil {
		return nil, fmt.Errorf("store: users by id: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: users by id: %w", err)
		}
		out[u.ID] = u
	}
	return out, rows.Err()
}

// HasOwner reports whether the site has an owner (setup is done).
func (s *Store) HasOwner(ctx context.Context) (bool, error) {
	var n int
	if err := s.conn.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE role = 'owner'").Scan(&n); err != nil {
		return false, fmt.Errorf("store: has owner: %w", err)
	}
	return n > 0, nil
}
