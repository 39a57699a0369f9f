package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// MediaFile is one stored rendition of an image.
type MediaFile struct {
	Width, Height int
	Data          []byte
}

const mediaCols = "id, filename, mime, width, height, size, alt, COALESCE(author_id, 0), created_at"

func scanMedia(sc interface{ Scan(...any) error }) (*blog.Media, error) {
	var m blog.Media
	var created int64
	if err := sc.Scan(&m.ID, &m.Filename, &m.MIME, &m.Width, &m.Height, &m.Size, &m.Alt, &m.AuthorID, &created); err != nil {
		return nil, err
	}
	m.CreatedAt = fromUnix(created)
	return &m, nil
}

// CreateMedia stores an image and its resized copies in one transaction.
// files[0] must be the original.
func (s *Store) CreateMedia(ctx context.Context, m *blog.Media, files []MediaFile) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	return s.tx(ctx, func(t *sql.Tx) error {
		err := t.QueryRowContext(ctx, s.q(`INSERT INTO media (filename, mime, width, height, size, alt, author_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), m.Filename, m.MIME, m.Width, m.Height, m.Size, m.Alt,
			nullID(m.AuthorID), unix(m.CreatedAt)).Scan(&m.ID)
		if err != nil {
			return fmt.Errorf("store: create media: %w", err)
		}
		m.Widths = m.Widths[:0]
		for _, f := range files {
			if _, err := t.ExecContext(ctx, s.q(`INSERT INTO media_files (media_id, width, height, data)
				VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`), m.ID, f.Width, f.Height, f.Data); err != nil {
				return fmt.Errorf("store: create media file: %w", err)
			}
			if f.Width != m.Width {
				m.Widths = append(m.Widths, f.Width)
			}
		}
		return s.bump(ctx, t)
	})
}

// Media returns the image with id, with the widths of its copies.
func (s *Store) Media(ctx context.Context, id int64) (*blog.Media, error) {
	ms, err := s.mediaByID(ctx, []any{id})
	if err != nil {
		return nil, err
	}
	m, ok := ms[id]
	if !ok {
		return nil, fmt.Errorf("store: get media %d: %w", id, blog.ErrNotFound)
	}
	return m, nil
}

// ListMedia returns images newest first.
func (s *Store) ListMedia(ctx context.Context, limit, offset int) ([]blog.Media, error) {
	rows, err := s.conn.QueryContext(ctx, s.q("SELECT "+mediaCols+" FROM media ORDER BY id DESC LIMIT ? OFFSET ?"), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: list media: %w", err)
	}
	defer rows.Close()
	var out []blog.Media
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list media: %w", err)
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

// MediaFile returns the stored copy of image id whose width is the smallest
// one at least width wide (the original when width is 0 or larger than all).
func (s *Store) MediaFile(ctx context.Context, id int64, width int) (*MediaFile, error) {
	if width <= 0 {
		width = 1 << 30 // wider than any copy: the original, which is the widest
	}
	var f MediaFile
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT width, height, data FROM media_files WHERE media_id = ?
		ORDER BY CASE WHEN width >= ? THEN 0 ELSE 1 END, CASE WHEN width >= ? THEN width ELSE -width END LIMIT 1`),
		id, width, width).Scan(&f.Width, &f.Height, &f.Data)
	if err != nil {
		return nil, notFound(err, "media file")
	}
	return &f, nil
}

// DeleteMedia removes an image; posts using it lose their featured image.
func (s *Store) DeleteMedia(ctx context.Context, id int64) error {
	return s.tx(ctx, func(t *sql.Tx) error {
		if _, err := t.ExecContext(ctx, s.q("DELETE FROM media WHERE id = ?"), id); err != nil {
			return fmt.Errorf("store: delete media: %w", err)
		}
		return s.bump(ctx, t)
	})
}

func (s *Store) mediaByID(ctx context.Context, ids []any) (map[int64]*blog.Media, error) {
	out := map[int64]*blog.Media{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.conn.QueryContext(ctx, s.q("SELECT "+mediaCols+" FROM media WHERE id IN ("+placeholders(len(ids))+")"), ids...)
	if err != nil {
		return nil, fmt.Errorf("store: media by id: %w", err)
	}
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: media by id: %w", err)
		}
		out[m.ID] = m
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: media by id: %w", err)
	}
	wrows, err := s.conn.QueryContext(ctx, s.q("SELECT media_id, width FROM media_files WHERE media_id IN ("+placeholders(len(ids))+") ORDER BY width"), ids...)
	if err != nil {
		return nil, fmt.Errorf("store: media widths: %w", err)
	}
	defer wrows.Close()
	for wrows.Next() {
		var id int64
		var w int
		if err := wrows.Scan(&id, &w); err != nil {
			return nil, fmt.Errorf("store: media widths: %w", err)
		}
		if m := out[id]; m != nil && w != m.Width {
			m.Widths = append(m.Widths, w)
		}
	}
	return out, wrows.Err()
}
