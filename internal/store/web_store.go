package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// EnsureSetting stores value under name unless a value is already there,
// and returns the value in force. Concurrent callers (several instances
// starting at once) all get the same value. It does not change the content
// version: it is meant for internal keys such as signing secrets.
func (s *Store) EnsureSetting(ctx context.Context, name, value string) (string, error) {
	if _, err := s.conn.ExecContext(ctx, s.q(`INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO NOTHING`), name, value); err != nil {
		return "", fmt.Errorf("store: ensure setting %s: %w", name, err)
	}
	var v string
	if err := s.conn.QueryRowContext(ctx, s.q("SELECT value FROM settings WHERE name = ?"), name).Scan(&v); err != nil {
		return "", fmt.Errorf("store: ensure setting %s: %w", name, err)
	}
	return v, nil
}

// PublicPostCount returns how many posts and pages readers can see at now
// (those PublicPostRefs pages through).
func (s *Store) PublicPostCount(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT count(*) FROM posts
		WHERE status = 'publish' AND published_at <= ? AND password = ''`), now.Unix()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: public post count: %w", err)
	}
	return n, nil
}

// PublicPostRefs lists limit of the posts and pages readers can see at now,
// after the first offset, in the order they were created (so a page of the
// list keeps its posts as new ones are written), with only the fields
// needed to build their URLs (ID, Type, Slug, ParentID, PublishedAt,
// UpdatedAt). Pages' Parents are filled in, so the caller need not query
// again.
func (s *Store) PublicPostRefs(ctx context.Context, now time.Time, offset, limit int) ([]blog.Post, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT id, type, slug, COALESCE(parent_id, 0), published_at, updated_at
		FROM posts WHERE status = 'publish' AND published_at <= ? AND password = ''
		ORDER BY id LIMIT ? OFFSET ?`), now.Unix(), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: public post refs: %w", err)
	}
	defer rows.Close()
	var out []blog.Post
	for rows.Next() {
		var p blog.Post
		var pub, upd int64
		if err := rows.Scan(&p.ID, &p.Type, &p.Slug, &p.ParentID, &pub, &upd); err != nil {
			return nil, fmt.Errorf("store: public post refs: %w", err)
		}
		p.PublishedAt, p.UpdatedAt = fromUnix(pub), fromUnix(upd)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: public post refs: %w", err)
	}
	if !slices.ContainsFunc(out, func(p blog.Post) bool { return p.ParentID != 0 }) {
		return out, nil
	}
	// Page ancestors may be unpublished; read every page's slug and parent.
	prow, err := s.conn.QueryContext(ctx, "SELECT id, slug, COALESCE(parent_id, 0) FROM posts WHERE type = 'page'")
	if err != nil {
		return nil, fmt.Errorf("store: public post refs: %w", err)
	}
	defer prow.Close()
	type node struct {
		slug   string
		parent int64
	}
	pages := map[int64]node{}
	for prow.Next() {
		var id int64
		var n node
		if err := prow.Scan(&id, &n.slug, &n.parent); err != nil {
			return nil, fmt.Errorf("store: public post refs: %w", err)
		}
		pages[id] = n
	}
	if err := prow.Err(); err != nil {
		return nil, fmt.Errorf("store: public post refs: %w", err)
	}
	for i := range out {
		if out[i].Type != blog.TypePage {
			continue
		}
		for id, depth := out[i].ParentID, 0; id != 0 && depth < 20; depth++ {
			n, ok := pages[id]
			if !ok {
				break
			}
			out[i].Parents = append([]blog.Post{{ID: id, Slug: n.slug}}, out[i].Parents...)
			id = n.parent
		}
	}
	return out, nil
}
