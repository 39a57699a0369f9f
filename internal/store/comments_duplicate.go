package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/quirehq/quire/internal/blog"
)

// DuplicateComment reports whether the same text was already left on the
// post by the same author (matched by email, else by name), in any status
// but trash, as WordPress checks. It goes through the author's email
// index, so its cost does not grow with the number of comments on the post. The
// unary plus keeps the planner (SQLite's and PostgreSQL's alike) from
// choosing the post index instead.
func (s *Store) DuplicateComment(ctx context.Context, postID int64, name, email, content string) (bool, error) {
	email = blog.NormalizeEmail(email)
	query := `SELECT 1 FROM comments WHERE author_email = ? AND +post_id = ? AND content = ? AND status <> 'trash' LIMIT 1`
	args := []any{email, postID, content}
	if email == "" {
		query = `SELECT 1 FROM comments WHERE post_id = ? AND author_email = '' AND author_name = ? AND content = ?
			AND status <> 'trash' LIMIT 1`
		args = []any{postID, name, content}
	}
	var one int
	err := s.conn.QueryRowContext(ctx, s.q(query), args...).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: duplicate comment: %w", err)
	}
	return true, nil
}
