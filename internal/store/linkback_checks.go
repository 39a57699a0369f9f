package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/blog"
)

// LinkbackCheck is the last verdict on whether a source page links to a
// target: what fetching the source found, and when.
type LinkbackCheck struct {
	Verdict   string
	CheckedAt time.Time
}

// LinkbackCheck returns the last verdict on source linking to target, or
// an error wrapping blog.ErrNotFound when there is none.
func (s *Store) LinkbackCheck(ctx context.Context, source, target string) (*LinkbackCheck, error) {
	var c LinkbackCheck
	var at int64
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT verdict, checked_at FROM linkback_checks
		WHERE source_url = ? AND target_url = ?`), source, target).Scan(&c.Verdict, &at)
	if err != nil {
		return nil, notFound(err, "linkback check")
	}
	c.CheckedAt = fromUnix(at)
	return &c, nil
}

// SetLinkbackCheck records the verdict on source linking to target, found
// at at, replacing the one before.
func (s *Store) SetLinkbackCheck(ctx context.Context, source, target, verdict string, at time.Time) error {
	_, err := s.conn.ExecContext(ctx, s.q(`INSERT INTO linkback_checks (source_url, target_url, verdict, checked_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (source_url, target_url)
		DO UPDATE SET verdict = excluded.verdict, checked_at = excluded.checked_at`), source, target, verdict, at.Unix())
	if err != nil {
		return fmt.Errorf("store: record linkback check: %w", err)
	}
	return nil
}

// ApprovedLinkbackFromHost reports whether a linkback whose source is on
// host (a URL's host, with its port if any, in lower case) was approved
// before: such a host is trusted as a commenter who had a comment
// approved is.
func (s *Store) ApprovedLinkbackFromHost(ctx context.Context, host string) (bool, error) {
	if host == "" {
		return false, nil
	}
	h1, h2 := "http://"+host+"/", "https://"+host+"/"
	var one int
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT 1 FROM comments WHERE status = 'approved' AND source_url <> ''
		AND type IN ('pingback', 'trackback', 'webmention')
		AND (substr(source_url, 1, ?) = ? OR substr(source_url, 1, ?) = ?) LIMIT 1`),
		utf8.RuneCountInString(h1), h1, utf8.RuneCountInString(h2), h2).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: approved linkbacks from %s: %w", host, err)
	}
	return true, nil
}

// DeleteLinkback removes the linkback from source on post for good (its
// source was deleted, or no longer links). It reports whether there was
// one.
func (s *Store) DeleteLinkback(ctx context.Context, postID int64, source string) (bool, error) {
	c, err := s.LinkbackBySource(ctx, postID, source)
	if errors.Is(err, blog.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	n, err := s.DeleteComments(ctx, c.ID)
	return n > 0, err
}
