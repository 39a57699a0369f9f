package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// ErrLinkbackExists means the post already has a linkback from that source
// (a second pingback of the same page: fault 48 "already registered").
var ErrLinkbackExists = errors.New("store: the post already has a linkback from that source")

// LinkbackBySource returns the linkback of any status from source on post,
// or an error wrapping blog.ErrNotFound.
func (s *Store) LinkbackBySource(ctx context.Context, postID int64, source string) (*blog.Comment, error) {
	c, err := scanComment(s.conn.QueryRowContext(ctx, s.q("SELECT "+commentCols+
		" FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.post_id = ? AND c.source_url = ?"), postID, source))
	if err != nil {
		return nil, notFound(err, "get linkback")
	}
	return &c, nil
}

// UpdateLinkback stores what a source says now (a webmention sent again):
// its type and kind, title, author, photo and excerpt; the status stays.
func (s *Store) UpdateLinkback(ctx context.Context, c *blog.Comment) error {
	c.UpdatedAt = time.Now().UTC()
	return s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q(`UPDATE comments SET type = ?, mention_kind = ?, source_title = ?,
			author_name = ?, author_url = ?, author_photo = ?, content = ?, content_html = ?, updated_at = ?
			WHERE id = ? AND source_url <> ''`), c.Type, c.MentionKind, c.SourceTitle, c.AuthorName, c.AuthorURL,
			c.AuthorPhoto, c.Content, c.ContentHTML, unix(c.UpdatedAt), c.ID)
		if err != nil {
			return fmt.Errorf("store: update linkback: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: update linkback %d: %w", c.ID, blog.ErrNotFound)
		}
		return s.bumpComments(ctx, t)
	})
}
