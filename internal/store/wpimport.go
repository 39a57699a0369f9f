package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/quirehq/quire/internal/blog"
)

// Kinds of things an import from WordPress maps (the wp_ids table).
const (
	WPPost       = "post" // posts and pages
	WPTerm       = "term"
	WPUser       = "user"
	WPComment    = "comment"
	WPAttachment = "attachment"
)

// WPID is one row of wp_ids: what an import from the WordPress site Site
// made of the thing of kind Kind whose WordPress ID was OldID.
type WPID struct {
	Site    string
	Kind    string
	OldID   int64
	NewID   int64  // 0 for an attachment whose file did not come in
	URL     string // attachments: the file's URL on the old site
	OldPath string // attachments: that URL's path, which answers 301
	Parent  int64  // attachments: the WordPress ID of their post
}

// WPIDs returns every row of wp_ids for site and kind, by WordPress ID.
func (s *Store) WPIDs(ctx context.Context, site, kind string) (map[int64]WPID, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT site, kind, old_id, new_id, url, old_path, parent
		FROM wp_ids WHERE site = ? AND kind = ?`), site, kind)
	if err != nil {
		return nil, fmt.Errorf("store: wordpress ids: %w", err)
	}
	defer rows.Close()
	out := map[int64]WPID{}
	for rows.Next() {
		var m WPID
		if err := rows.Scan(&m.Site, &m.Kind, &m.OldID, &m.NewID, &m.URL, &m.OldPath, &m.Parent); err != nil {
			return nil, fmt.Errorf("store: wordpress ids: %w", err)
		}
		out[m.OldID] = m
	}
	return out, rows.Err()
}

// SetWPID records (or replaces) what an import made of a WordPress thing.
func (s *Store) SetWPID(ctx context.Context, m WPID) error {
	_, err := s.conn.ExecContext(ctx, s.q(`INSERT INTO wp_ids (site, kind, old_id, new_id, url, old_path, parent)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, kind, old_id) DO UPDATE SET new_id = excluded.new_id,
		url = excluded.url, old_path = excluded.old_path, parent = excluded.parent`),
		m.Site, m.Kind, m.OldID, m.NewID, m.URL, m.OldPath, m.Parent)
	if err != nil {
		return fmt.Errorf("store: set wordpress id: %w", err)
	}
	return nil
}

// SetWPIDs records (or replaces) many rows at once, as SetWPID does.
func (s *Store) SetWPIDs(ctx context.Context, ms []WPID) error {
	const chunk = 100
	for len(ms) > 0 {
		n := min(len(ms), chunk)
		args := make([]any, 0, n*7)
		for _, m := range ms[:n] {
			args = append(args, m.Site, m.Kind, m.OldID, m.NewID, m.URL, m.OldPath, m.Parent)
		}
		_, err := s.conn.ExecContext(ctx, s.q(`INSERT INTO wp_ids (site, kind, old_id, new_id, url, old_path, parent)
			VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", n), ", ")+`
			ON CONFLICT (site, kind, old_id) DO UPDATE SET new_id = excluded.new_id,
			url = excluded.url, old_path = excluded.old_path, parent = excluded.parent`), args...)
		if err != nil {
			return fmt.Errorf("store: set wordpress ids: %w", err)
		}
		ms = ms[n:]
	}
	return nil
}

// WPNewID returns what the latest import of any site made of the thing of
// kind with WordPress ID oldID (for /?p=ID and the like), or
// blog.ErrNotFound.
func (s *Store) WPNewID(ctx context.Context, kind string, oldID int64) (int64, error) {
	var id int64
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT new_id FROM wp_ids WHERE kind = ? AND old_id = ? AND new_id <> 0
		ORDER BY site DESC LIMIT 1`), kind, oldID).Scan(&id)
	if err != nil {
		return 0, notFound(err, "wordpress id")
	}
	return id, nil
}

// ImportResult is what ImportPost did.
type ImportResult int

// What ImportPost did with a post.
const (
	ImportAdded ImportResult = iota
	ImportUpdated
	ImportUnchanged
)

// ImportPost adds p (p.ID 0) or updates it, with the categories and tags
// it lists by ID, as an import does: without the editor's checks (an
// imported post may have no title, or a body written elsewhere), leaving
// its parent to SetPostParent. The slug is made unique as SavePost does;
// taken reports that p.Slug was not free and p got another. It must run
// inside InTx; the caller bumps the content version once at the end.
func (s *Store) ImportPost(ctx context.Context, p *blog.Post) (res ImportResult, taken bool, err error) {
	if s.txn == nil {
		return 0, false, errors.New("store: import post: not in a transaction")
	}
	t := s.txn
	want := p.Slug
	var old *blog.Post
	if p.ID != 0 {
		o, err := scanPost(t.QueryRowContext(ctx, s.q("SELECT "+postCols+" FROM posts p WHERE p.id = ?"), p.ID))
		if errors.Is(err, sql.ErrNoRows) {
			p.ID = 0 // deleted since the last import: add it again
		} else if err != nil {
			return 0, false, fmt.Errorf("store: import post: %w", err)
		} else {
			old = &o
		}
	}
	if old != nil && old.Slug == want {
		p.Slug = want
	} else {
		slug, err := s.uniqueSlug(ctx, t, p)
		if err != nil {
			return 0, false, err
		}
		p.Slug = slug
		taken = want != "" && slug != want
	}
	now := time.Now().UTC()
	if p.CreatedAt.IsZero() {
		p.CreatedAt = p.PublishedAt
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = now
	}
	if old == nil {
		if p.GUID == "" {
			p.GUID = "urn:uuid:" + uuid.NewString()
		}
		err := t.QueryRowContext(ctx, s.q(`INSERT INTO posts (type, status, slug, title, body, body_html,
			excerpt, author_id, parent_id, password, featured_id, published_at, created_at, updated_at, guid,
			comment_status, ping_status, format, sticky) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`),
			p.Type, p.Status, p.Slug, p.Title, p.Body, p.BodyHTML, p.Excerpt, nullID(p.AuthorID),
			nil, p.Password, nullID(p.FeaturedID), unix(p.PublishedAt), unix(p.CreatedAt),
			unix(p.UpdatedAt), p.GUID, commentStatus(p), pingStatus(p), postFormat(p), boolInt(p.Sticky)).Scan(&p.ID)
		if err != nil {
			return 0, false, fmt.Errorf("store: import post: %w", err)
		}
		return ImportAdded, taken, s.setPostTerms(ctx, t, p)
	}
	oc, ot, err := s.postTermsOf(ctx, t, p.ID)
	if err != nil {
		return 0, false, err
	}
	old.Categories, old.Tags = oc, ot
	p.GUID = old.GUID
	p.ParentID = old.ParentID // set by SetPostParent, after every post is in
	if samePost(old, p) && sameTerms(old, p) && old.CreatedAt.Unix() == p.CreatedAt.Unix() {
		return ImportUnchanged, taken, nil
	}
	_, err = t.ExecContext(ctx, s.q(`UPDATE posts SET type = ?, status = ?, slug = ?, title = ?,
		body = ?, body_html = ?, excerpt = ?, author_id = ?, password = ?, featured_id = ?, published_at = ?,
		created_at = ?, updated_at = ?, comment_status = ?, ping_status = ?, format = ?, sticky = ? WHERE id = ?`),
		p.Type, p.Status, p.Slug, p.Title, p.Body, p.BodyHTML, p.Excerpt, nullID(p.AuthorID), p.Password,
		nullID(p.FeaturedID), unix(p.PublishedAt), unix(p.CreatedAt), unix(p.UpdatedAt), commentStatus(p),
		pingStatus(p), postFormat(p), boolInt(p.Sticky), p.ID)
	if err != nil {
		return 0, false, fmt.Errorf("store: import post: %w", err)
	}
	if old.Slug != p.Slug {
		if err := s.rememberSlug(ctx, t, p.ID, old.Slug, p.Slug); err != nil {
			return 0, false, err
		}
	}
	return ImportUpdated, taken, s.setPostTerms(ctx, t, p)
}

// SetPostParent makes parent (0: none) the parent page of page id,
// refusing a loop, and reports whether it changed.
func (s *Store) SetPostParent(ctx context.Context, id, parent int64) (bool, error) {
	var cur sql.NullInt64
	if err := s.conn.QueryRowContext(ctx, s.q("SELECT parent_id FROM posts WHERE id = ?"), id).Scan(&cur); err != nil {
		return false, notFound(err, "set parent")
	}
	if cur.Int64 == parent {
		return false, nil
	}
	if parent != 0 {
		p := &blog.Post{ID: id, ParentID: parent}
		if err := s.tx(ctx, func(t *sql.Tx) error { return s.checkParent(ctx, t, p) }); err != nil {
			return false, err
		}
	}
	if _, err := s.conn.ExecContext(ctx, s.q("UPDATE posts SET parent_id = ? WHERE id = ?"), nullID(parent), id); err != nil {
		return false, fmt.Errorf("store: set parent: %w", err)
	}
	return true, nil
}

// RememberOld makes old answer 301 to the post: an old slug (WordPress's
// _wp_old_slug), or a whole path beginning with "/" such as
// /2011/01/05/hello/, which the post had on another site. Both are kept
// with the slugs SavePost remembers, and PostByOldSlug finds them.
func (s *Store) RememberOld(ctx context.Context, postID int64, old string) error {
	if old == "" {
		return nil
	}
	if !strings.HasPrefix(old, "/") && blog.Slugify(old) != old {
		return fmt.Errorf("store: old slug %q is not a slug", old)
	}
	_, err := s.conn.ExecContext(ctx, s.q(`INSERT INTO post_old_slugs (slug, post_id) VALUES (?, ?)
		ON CONFLICT DO NOTHING`), old, postID)
	if err != nil {
		return fmt.Errorf("store: old path: %w", err)
	}
	return nil
}

// ImportComment adds c (c.ID 0) or replaces every field of the comment
// c.ID, as an import does: without the checks a reader's comment goes
// through (its parent may be held, its author a former reader). A
// linkback whose source the post already has from another linkback keeps
// no SourceURL. It must run inside InTx.
func (s *Store) ImportComment(ctx context.Context, c *blog.Comment) (ImportResult, error) {
	if !blog.ValidCommentStatus(c.Status) || !blog.ValidCommentType(c.Type) {
		return 0, fmt.Errorf("store: import comment: status %q, type %q", c.Status, c.Type)
	}
	c.AuthorEmail = blog.NormalizeEmail(c.AuthorEmail)
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	if c.SourceURL != "" {
		var other int64
		err := s.conn.QueryRowContext(ctx, s.q("SELECT id FROM comments WHERE post_id = ? AND source_url = ?"),
			c.PostID, c.SourceURL).Scan(&other)
		if err == nil && other != c.ID {
			c.SourceURL = ""
		} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("store: import comment: %w", err)
		}
	}
	if c.ID != 0 {
		old, err := scanComment(s.conn.QueryRowContext(ctx, s.q("SELECT "+commentCols+
			" FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = ?"), c.ID))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			c.ID = 0
		case err != nil:
			return 0, fmt.Errorf("store: import comment: %w", err)
		default:
			c.ParentID = old.ParentID // set by SetCommentParent
			if sameComment(&old, c) {
				return ImportUnchanged, nil
			}
			_, err := s.conn.ExecContext(ctx, s.q(`UPDATE comments SET post_id = ?, type = ?, status = ?,
				author_name = ?, author_email = ?, author_url = ?, author_ip = ?, user_agent = ?, user_id = ?,
				content = ?, content_html = ?, created_at = ?, updated_at = ?, source_url = ? WHERE id = ?`),
				c.PostID, c.Type, c.Status, c.AuthorName, c.AuthorEmail, c.AuthorURL, c.AuthorIP, c.UserAgent,
				nullID(c.UserID), c.Content, c.ContentHTML, unix(c.CreatedAt), unix(c.UpdatedAt), c.SourceURL, c.ID)
			if err != nil {
				return 0, fmt.Errorf("store: import comment: %w", err)
			}
			return ImportUpdated, nil
		}
	}
	err := s.conn.QueryRowContext(ctx, s.q(`INSERT INTO comments (post_id, type, status, author_name,
		author_email, author_url, author_ip, user_agent, user_id, content, content_html, created_at, updated_at,
		source_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		c.PostID, c.Type, c.Status, c.AuthorName, c.AuthorEmail, c.AuthorURL, c.AuthorIP, c.UserAgent,
		nullID(c.UserID), c.Content, c.ContentHTML, unix(c.CreatedAt), unix(c.UpdatedAt), c.SourceURL).Scan(&c.ID)
	if err != nil {
		return 0, fmt.Errorf("store: import comment: %w", err)
	}
	return ImportAdded, nil
}

func sameComment(a, b *blog.Comment) bool {
	return a.PostID == b.PostID && a.Type == b.Type && a.Status == b.Status && a.AuthorName == b.AuthorName &&
		a.AuthorEmail == b.AuthorEmail && a.AuthorURL == b.AuthorURL && a.AuthorIP == b.AuthorIP &&
		a.UserAgent == b.UserAgent && a.UserID == b.UserID && a.Content == b.Content &&
		a.ContentHTML == b.ContentHTML && a.CreatedAt.Unix() == b.CreatedAt.Unix() && a.SourceURL == b.SourceURL
}

// SetCommentParent makes parent (0: none) the parent of comment id.
func (s *Store) SetCommentParent(ctx context.Context, id, parent int64) error {
	if _, err := s.conn.ExecContext(ctx, s.q(`UPDATE comments SET parent_id = ? WHERE id = ?
		AND COALESCE(parent_id, 0) <> ?`), nullID(parent), id, parent); err != nil {
		return fmt.Errorf("store: set comment parent: %w", err)
	}
	return nil
}

// ImportTerm finds the term of t's taxonomy with t's slug, or adds it
// with t's name, description and parent, and sets t.ID. It reports
// whether it added one. An existing term is kept as it is, as WordPress's
// importer keeps it.
func (s *Store) ImportTerm(ctx context.Context, t *blog.Term) (added bool, err error) {
	err = s.conn.QueryRowContext(ctx, s.q("SELECT id FROM terms WHERE taxonomy = ? AND slug = ?"), t.Taxonomy, t.Slug).
		Scan(&t.ID)
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("store: import term: %w", err)
	}
	if t.Taxonomy != blog.Category {
		t.ParentID = 0
	}
	err = s.conn.QueryRowContext(ctx, s.q(`INSERT INTO terms (taxonomy, name, slug, parent_id, description)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), t.Taxonomy, t.Name, t.Slug, nullID(t.ParentID), t.Description).Scan(&t.ID)
	if err != nil {
		return false, fmt.Errorf("store: import term: %w", err)
	}
	return true, nil
}

// ImportUser adds u, an author who cannot log in until given a password
// (u.PasswordHash empty), keeping u.Login when it is free and otherwise
// taking the first free login after it; it reports whether the login was
// taken.
func (s *Store) ImportUser(ctx context.Context, u *blog.User) (taken bool, err error) {
	u.Email = blog.NormalizeEmail(u.Email)
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	want := u.Login
	base := blog.Slugify(want)
	if base == "" {
		base = blog.Slugify(u.Name)
	}
	if base == "" {
		base = "author"
	}
	u.Login = ""
	for _, c := range blog.SlugCandidates(base, 100) {
		var id int64
		err := s.conn.QueryRowContext(ctx, s.q("SELECT id FROM users WHERE login = ?"), c).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			u.Login = c
			break
		}
		if err != nil {
			return false, fmt.Errorf("store: import user: %w", err)
		}
	}
	if u.Login == "" {
		return false, fmt.Errorf("store: import user: no free login for %q: %w", want, blog.ErrConflict)
	}
	err = s.conn.QueryRowContext(ctx, s.q(`INSERT INTO users (email, name, login, role, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), u.Email, u.Name, u.Login, u.Role, u.PasswordHash,
		unix(u.CreatedAt)).Scan(&u.ID)
	if err != nil {
		return false, fmt.Errorf("store: import user: %w", err)
	}
	return u.Login != want, nil
}

// MarkChanged advances the content version (once, at the end of an
// import), so every instance sees the change on its next request.
func (s *Store) MarkChanged(ctx context.Context) error { return s.bump(ctx, s.conn) }

// WPByOldPath returns the wp_ids row whose old address is path (a term's
// or an author's archive, an attachment's file), from the latest import
// that has one, or blog.ErrNotFound.
func (s *Store) WPByOldPath(ctx context.Context, path string) (WPID, error) {
	var m WPID
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT site, kind, old_id, new_id, url, old_path, parent FROM wp_ids
		WHERE old_path = ? AND new_id <> 0 ORDER BY site DESC LIMIT 1`), path).
		Scan(&m.Site, &m.Kind, &m.OldID, &m.NewID, &m.URL, &m.OldPath, &m.Parent)
	if err != nil {
		return WPID{}, notFound(err, "wordpress old path")
	}
	return m, nil
}

// OldAddresses returns what answers 301 to a post: its old slugs and the
// whole old paths an import kept (those begin with "/").
func (s *Store) OldAddresses(ctx context.Context, postID int64) ([]string, error) {
	rows, err := s.conn.QueryContext(ctx, s.q("SELECT slug FROM post_old_slugs WHERE post_id = ? ORDER BY slug"), postID)
	if err != nil {
		return nil, fmt.Errorf("store: old addresses: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("store: old addresses: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// MaxPostID returns the highest post ID (0 with none), so that an export
// can number attachments after the posts, as WordPress shares one range.
func (s *Store) MaxPostID(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := s.conn.QueryRowContext(ctx, "SELECT max(id) FROM posts").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: max post id: %w", err)
	}
	return n.Int64, nil
}
