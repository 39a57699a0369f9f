package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

const outboundCols = `id, COALESCE(post_id, 0), kind, target, removed, source_path, requested, done, announced,
	protocol, endpoint, status, detail, result_at, created_at`

func scanOutbound(sc interface{ Scan(...any) error }) (blog.OutboundLink, error) {
	var l blog.OutboundLink
	var removed, announced int
	var resultAt, created int64
	err := sc.Scan(&l.ID, &l.PostID, &l.Kind, &l.Target, &removed, &l.SourcePath, &l.Requested, &l.Done, &announced,
		&l.Protocol, &l.Endpoint, &l.Status, &l.Detail, &resultAt, &created)
	l.Removed, l.Announced = removed != 0, announced != 0
	l.ResultAt, l.CreatedAt = fromUnix(resultAt), fromUnix(created)
	return l, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// OutboundLinks returns the links post postID sends linkbacks to, body
// links first, each kind in the order they were found.
func (s *Store) OutboundLinks(ctx context.Context, postID int64) ([]blog.OutboundLink, error) {
	return s.outboundWhere(ctx, "post_id = ? ORDER BY kind, id", postID)
}

func (s *Store) outboundWhere(ctx context.Context, cond string, args ...any) ([]blog.OutboundLink, error) {
	rows, err := s.conn.QueryContext(ctx, s.q("SELECT "+outboundCols+" FROM outbound_links WHERE "+cond), args...)
	if err != nil {
		return nil, fmt.Errorf("store: outbound links: %w", err)
	}
	defer rows.Close()
	var out []blog.OutboundLink
	for rows.Next() {
		l, err := scanOutbound(rows)
		if err != nil {
			return nil, fmt.Errorf("store: outbound links: %w", err)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: outbound links: %w", err)
	}
	return out, nil
}

// OutboundLink returns the outbound link with id, or an error wrapping
// blog.ErrNotFound.
func (s *Store) OutboundLink(ctx context.Context, id int64) (*blog.OutboundLink, error) {
	l, err := scanOutbound(s.conn.QueryRowContext(ctx, s.q("SELECT "+outboundCols+" FROM outbound_links WHERE id = ?"), id))
	if err != nil {
		return nil, notFound(err, "get outbound link")
	}
	return &l, nil
}

// SyncOutboundLinks makes the links of kind that post postID has exactly
// targets: new ones are added, ones that had been removed come back, and
// the others are marked removed (kept, so their pages can be told). It
// returns every link of that kind afterwards, in targets' order first.
func (s *Store) SyncOutboundLinks(ctx context.Context, postID int64, kind blog.LinkKind, targets []string) ([]blog.OutboundLink, error) {
	var out []blog.OutboundLink
	err := s.tx(ctx, func(t *sql.Tx) error {
		c := *s
		c.conn = t
		have, err := c.outboundWhere(ctx, "post_id = ? AND kind = ? ORDER BY id", postID, kind)
		if err != nil {
			return err
		}
		byTarget := map[string]*blog.OutboundLink{}
		for i := range have {
			byTarget[have[i].Target] = &have[i]
		}
		now := time.Now().Unix()
		want := map[string]bool{}
		for _, target := range targets {
			if want[target] {
				continue
			}
			want[target] = true
			if l := byTarget[target]; l != nil {
				if l.Removed {
					if _, err := t.ExecContext(ctx, s.q("UPDATE outbound_links SET removed = 0 WHERE id = ?"), l.ID); err != nil {
						return fmt.Errorf("store: restore outbound link: %w", err)
					}
					l.Removed = false
				}
				out = append(out, *l)
				continue
			}
			l := blog.OutboundLink{PostID: postID, Kind: kind, Target: target, CreatedAt: time.Unix(now, 0).UTC()}
			err := t.QueryRowContext(ctx, s.q(`INSERT INTO outbound_links (post_id, kind, target, created_at)
				VALUES (?, ?, ?, ?) RETURNING id`), postID, kind, target, now).Scan(&l.ID)
			if err != nil {
				return fmt.Errorf("store: add outbound link: %w", err)
			}
			out = append(out, l)
		}
		for _, l := range have {
			if want[l.Target] {
				continue
			}
			if !l.Removed {
				if _, err := t.ExecContext(ctx, s.q("UPDATE outbound_links SET removed = 1 WHERE id = ?"), l.ID); err != nil {
					return fmt.Errorf("store: remove outbound link: %w", err)
				}
				l.Removed = true
			}
			out = append(out, l)
		}
		return nil
	})
	return out, err
}

// RequestOutboundSend records that link id is to be sent again and
// returns the number of that request: the send job finishes it with
// FinishOutboundSend.
func (s *Store) RequestOutboundSend(ctx context.Context, id int64) (int64, error) {
	var n int64
	err := s.conn.QueryRowContext(ctx, s.q("UPDATE outbound_links SET requested = requested + 1 WHERE id = ? RETURNING requested"), id).Scan(&n)
	if err != nil {
		return 0, notFound(err, "request outbound send")
	}
	return n, nil
}

// DetachOutboundLinks prepares post postID's links for the post's
// deletion: each is marked removed and keeps sourcePath, the post's path,
// so that its page can still be told the post is gone once the row no
// longer names the post. Links with nothing left to tell (never announced
// and no send pending) are deleted. It returns the links kept.
func (s *Store) DetachOutboundLinks(ctx context.Context, postID int64, sourcePath string) ([]blog.OutboundLink, error) {
	var out []blog.OutboundLink
	err := s.tx(ctx, func(t *sql.Tx) error {
		// A trackback cannot be withdrawn; a link never announced has
		// nothing to withdraw.
		if _, err := t.ExecContext(ctx, s.q(`DELETE FROM outbound_links
			WHERE post_id = ? AND (kind = ? OR (announced = 0 AND requested <= done))`), postID, blog.LinkTrackback); err != nil {
			return fmt.Errorf("store: detach outbound links: %w", err)
		}
		if _, err := t.ExecContext(ctx, s.q("UPDATE outbound_links SET removed = 1, source_path = ? WHERE post_id = ?"),
			sourcePath, postID); err != nil {
			return fmt.Errorf("store: detach outbound links: %w", err)
		}
		c := *s
		c.conn = t
		var err error
		out, err = c.outboundWhere(ctx, "post_id = ? ORDER BY kind, id", postID)
		return err
	})
	return out, err
}

// FinishOutboundSend stores the result of a send of l (its protocol,
// endpoint, status, detail and whether the target now knows of the link)
// and marks requests up to l.Done finished. A link whose post is gone and
// that has nothing left to send is deleted. It reports whether another
// send was asked for meanwhile.
func (s *Store) FinishOutboundSend(ctx context.Context, l *blog.OutboundLink) (again bool, err error) {
	if l.ResultAt.IsZero() {
		l.ResultAt = time.Now().UTC()
	}
	err = s.tx(ctx, func(t *sql.Tx) error {
		var requested int64
		err := t.QueryRowContext(ctx, s.q(`UPDATE outbound_links SET protocol = ?, endpoint = ?, status = ?, detail = ?,
			result_at = ?, announced = ?, done = CASE WHEN done > ? THEN done ELSE ? END WHERE id = ? RETURNING requested`),
			l.Protocol, l.Endpoint, l.Status, l.Detail, unix(l.ResultAt), boolInt(l.Announced), l.Done, l.Done, l.ID).Scan(&requested)
		if err != nil {
			return notFound(err, "finish outbound send")
		}
		again = requested > l.Done
		if !again {
			_, err = t.ExecContext(ctx, s.q("DELETE FROM outbound_links WHERE id = ? AND post_id IS NULL"), l.ID)
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: finish outbound send: %w", err)
	}
	return again, nil
}

// NoteOutboundAttempt stores the result of an attempt that will be tried
// again (status and detail), leaving the send pending.
func (s *Store) NoteOutboundAttempt(ctx context.Context, l *blog.OutboundLink) error {
	if l.ResultAt.IsZero() {
		l.ResultAt = time.Now().UTC()
	}
	_, err := s.conn.ExecContext(ctx, s.q(`UPDATE outbound_links SET protocol = ?, endpoint = ?, status = ?, detail = ?,
		result_at = ? WHERE id = ?`), l.Protocol, l.Endpoint, l.Status, l.Detail, unix(l.ResultAt), l.ID)
	if err != nil {
		return fmt.Errorf("store: note outbound attempt: %w", err)
	}
	return nil
}
