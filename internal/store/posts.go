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

const postCols = `p.id, p.type, p.status, p.slug, p.title, p.body, p.body_html, p.excerpt,
	COALESCE(p.author_id, 0), COALESCE(p.parent_id, 0), p.password, COALESCE(p.featured_id, 0),
	p.published_at, p.created_at, p.updated_at, p.guid, p.comment_status, p.ping_status, p.format, p.sticky`

func scanPost(sc interface{ Scan(...any) error }) (blog.Post, error) {
	var p blog.Post
	var pub, created, updated int64
	var commentStatus, pingStatus string
	var sticky int
	err := sc.Scan(&p.ID, &p.Type, &p.Status, &p.Slug, &p.Title, &p.Body, &p.BodyHTML, &p.Excerpt,
		&p.AuthorID, &p.ParentID, &p.Password, &p.FeaturedID, &pub, &created, &updated, &p.GUID, &commentStatus, &pingStatus,
		&p.Format, &sticky)
	p.Sticky = sticky != 0
	p.PublishedAt, p.CreatedAt, p.UpdatedAt = fromUnix(pub), fromUnix(created), fromUnix(updated)
	p.CommentsClosed = commentStatus == "closed"
	p.PingsClosed = pingStatus == "closed"
	return p, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// SavePost creates p (when p.ID is 0) or updates it, with its categories and
// tags, in one transaction. Terms without an ID are found or created by name.
// An empty slug is made from the title; a taken or reserved slug gets a
// suffix, as WordPress does. A changed slug keeps answering as an old slug.
// It returns whether anything changed.
func (s *Store) SavePost(ctx context.Context, p *blog.Post) (changed bool, err error) {
	if err := p.Validate(); err != nil {
		return false, err
	}
	now := time.Now().UTC()
	err = s.tx(ctx, func(t *sql.Tx) error {
		var old *blog.Post
		if p.ID != 0 {
			o, err := scanPost(t.QueryRowContext(ctx, s.q("SELECT "+postCols+" FROM posts p WHERE p.id = ?"), p.ID))
			if err != nil {
				return notFound(err, "save post")
			}
			old = &o
			oc, ot, err := s.postTermsOf(ctx, t, p.ID)
			if err != nil {
				return err
			}
			old.Categories, old.Tags = oc, ot
		}
		if err := s.checkParent(ctx, t, p); err != nil {
			return err
		}
		slug, err := s.uniqueSlug(ctx, t, p)
		if err != nil {
			return err
		}
		p.Slug = slug
		if p.PublishedAt.IsZero() {
			p.PublishedAt = now
		}
		if old == nil {
			if p.GUID == "" {
				p.GUID = "urn:uuid:" + uuid.NewString()
			}
			if p.CreatedAt.IsZero() {
				p.CreatedAt = now
			}
			p.UpdatedAt = now
			err := t.QueryRowContext(ctx, s.q(`INSERT INTO posts (type, status, slug, title, body, body_html,
				excerpt, author_id, parent_id, password, featured_id, published_at, created_at, updated_at, guid,
				comment_status, ping_status, format, sticky) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
				p.Type, p.Status, p.Slug, p.Title, p.Body, p.BodyHTML, p.Excerpt, nullID(p.AuthorID),
				nullID(p.ParentID), p.Password, nullID(p.FeaturedID), unix(p.PublishedAt), unix(p.CreatedAt),
				unix(p.UpdatedAt), p.GUID, commentStatus(p), pingStatus(p), postFormat(p), boolInt(p.Sticky)).Scan(&p.ID)
			if err != nil {
				return fmt.Errorf("store: insert post: %w", err)
			}
		} else {
			p.GUID, p.CreatedAt = old.GUID, old.CreatedAt
			if samePost(old, p) && sameTerms(old, p) {
				p.UpdatedAt = old.UpdatedAt
				return nil
			}
			p.UpdatedAt = now
			_, err := t.ExecContext(ctx, s.q(`UPDATE posts SET type = ?, status = ?, slug = ?, title = ?,
				body = ?, body_html = ?, excerpt = ?, author_id = ?, parent_id = ?, password = ?,
				featured_id = ?, published_at = ?, updated_at = ?, comment_status = ?, ping_status = ?, format = ?,
				sticky = ? WHERE id = ?`),
				p.Type, p.Status, p.Slug, p.Title, p.Body, p.BodyHTML, p.Excerpt, nullID(p.AuthorID),
				nullID(p.ParentID), p.Password, nullID(p.FeaturedID), unix(p.PublishedAt), unix(p.UpdatedAt),
				commentStatus(p), pingStatus(p), postFormat(p), boolInt(p.Sticky), p.ID)
			if err != nil {
				return fmt.Errorf("store: update post: %w", err)
			}
			if old.Slug != p.Slug {
				if err := s.rememberSlug(ctx, t, p.ID, old.Slug, p.Slug); err != nil {
					return err
				}
			}
		}
		if err := s.setPostTerms(ctx, t, p); err != nil {
			return err
		}
		changed = true
		return s.bump(ctx, t)
	})
	return changed, err
}

func samePost(a, b *blog.Post) bool {
	return a.Type == b.Type && a.Status == b.Status && a.Slug == b.Slug && a.Title == b.Title &&
		a.Body == b.Body && a.BodyHTML == b.BodyHTML && a.Excerpt == b.Excerpt && a.AuthorID == b.AuthorID &&
		a.ParentID == b.ParentID && a.Password == b.Password && a.FeaturedID == b.FeaturedID &&
		a.PublishedAt.Unix() == b.PublishedAt.Unix() && a.CommentsClosed == b.CommentsClosed &&
		a.PingsClosed == b.PingsClosed && postFormat(a) == postFormat(b) && a.Sticky == b.Sticky
}

// postFormat is p's body format as stored ("" is Markdown).
func postFormat(p *blog.Post) string {
	if p.Format == "" {
		return string(blog.FormatMarkdown)
	}
	return string(p.Format)
}

func commentStatus(p *blog.Post) string {
	if p.CommentsClosed {
		return "closed"
	}
	return "open"
}

func pingStatus(p *blog.Post) string {
	if p.PingsClosed {
		return "closed"
	}
	return "open"
}

func sameTerms(old, p *blog.Post) bool {
	key := func(ts []blog.Term) string {
		names := make([]string, len(ts))
		for i, t := range ts {
			if t.ID != 0 {
				names[i] = fmt.Sprint(t.ID)
			} else {
				names[i] = "?" + strings.ToLower(t.Name)
			}
		}
		return strings.Join(names, ",")
	}
	resolved := func(ts []blog.Term, olds []blog.Term) []blog.Term {
		out := make([]blog.Term, len(ts))
		for i, t := range ts {
			out[i] = t
			if t.ID == 0 {
				name := t.Name[strings.LastIndex(t.Name, "/")+1:]
				for _, o := range olds {
					if strings.EqualFold(o.Name, name) || o.Slug == blog.Slugify(name) {
						out[i].ID = o.ID
					}
				}
			}
		}
		return out
	}
	return sortedKey(key(old.Categories)) == sortedKey(key(resolved(p.Categories, old.Categories))) &&
		sortedKey(key(old.Tags)) == sortedKey(key(resolved(p.Tags, old.Tags)))
}

func sortedKey(s string) string {
	parts := strings.Split(s, ",")
	for i := 1; i < len(parts); i++ {
		for j := i; j > 0 && parts[j] < parts[j-1]; j-- {
			parts[j], parts[j-1] = parts[j-1], parts[j]
		}
	}
	return strings.Join(parts, ",")
}

func (s *Store) checkParent(ctx context.Context, t *sql.Tx, p *blog.Post) error {
	for id, depth := p.ParentID, 0; id != 0; depth++ {
		if depth > 20 || (p.ID != 0 && id == p.ID) {
			return (blog.FieldErrors{"parent": "That parent would make a loop of pages."}).Err()
		}
		var typ string
		var next sql.NullInt64
		err := t.QueryRowContext(ctx, s.q("SELECT type, parent_id FROM posts WHERE id = ?"), id).Scan(&typ, &next)
		if errors.Is(err, sql.ErrNoRows) || typ != string(blog.TypePage) {
			return (blog.FieldErrors{"parent": "The parent page does not exist."}).Err()
		}
		if err != nil {
			return fmt.Errorf("store: check parent: %w", err)
		}
		id = next.Int64
	}
	return nil
}

// uniqueSlug picks the first free candidate for p's slug (or title).
func (s *Store) uniqueSlug(ctx context.Context, t *sql.Tx, p *blog.Post) (string, error) {
	base := p.Slug
	if base == "" {
		base = blog.Slugify(p.Title)
	}
	for _, c := range blog.SlugCandidates(base, 200) {
		var id int64
		err := t.QueryRowContext(ctx, s.q("SELECT id FROM posts WHERE slug = ?"), c).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) || id == p.ID {
			return c, nil
		}
		if err != nil {
			return "", fmt.Errorf("store: unique slug: %w", err)
		}
	}
	return "", fmt.Errorf("store: no free slug for %q: %w", base, blog.ErrConflict)
}

func (s *Store) rememberSlug(ctx context.Context, t *sql.Tx, id int64, old, cur string) error {
	if _, err := t.ExecContext(ctx, s.q("DELETE FROM post_old_slugs WHERE slug = ?"), cur); err != nil {
		return fmt.Errorf("store: old slug: %w", err)
	}
	if _, err := t.ExecContext(ctx, s.q(`INSERT INTO post_old_slugs (slug, post_id) VALUES (?, ?)
		ON CONFLICT DO NOTHING`), old, id); err != nil {
		return fmt.Errorf("store: old slug: %w", err)
	}
	return nil
}

// Post returns the post or page with id, with its author, terms and image.
func (s *Store) Post(ctx context.Context, id int64) (*blog.Post, error) {
	return s.onePost(ctx, "p.id = ?", id)
}

// PostBySlug returns the post or page whose slug is slug.
func (s *Store) PostBySlug(ctx context.Context, slug string) (*blog.Post, error) {
	return s.onePost(ctx, "p.slug = ?", slug)
}

// PostByOldSlug returns the post that used to have slug.
func (s *Store) PostByOldSlug(ctx context.Context, slug string) (*blog.Post, error) {
	return s.onePost(ctx, "p.id = (SELECT post_id FROM post_old_slugs WHERE slug = ? ORDER BY post_id DESC LIMIT 1)", slug)
}

// PostByGUID returns the post whose GUID is guid.
func (s *Store) PostByGUID(ctx context.Context, guid string) (*blog.Post, error) {
	return s.onePost(ctx, "p.guid = ?", guid)
}

func (s *Store) onePost(ctx context.Context, cond string, arg any) (*blog.Post, error) {
	p, err := scanPost(s.conn.QueryRowContext(ctx, s.q("SELECT "+postCols+" FROM posts p WHERE "+cond), arg))
	if err != nil {
		return nil, notFound(err, "get post")
	}
	ps := []blog.Post{p}
	if err := s.fillPosts(ctx, ps); err != nil {
		return nil, err
	}
	if ps[0].Type == blog.TypePage {
		if ps[0].Parents, err = s.ancestors(ctx, ps[0].ParentID); err != nil {
			return nil, err
		}
	}
	return &ps[0], nil
}

// ancestors returns the chain of parent pages, root first.
func (s *Store) ancestors(ctx context.Context, id int64) ([]blog.Post, error) {
	var chain []blog.Post
	for depth := 0; id != 0 && depth < 20; depth++ {
		var a blog.Post
		var parent sql.NullInt64
		err := s.conn.QueryRowContext(ctx, s.q("SELECT id, slug, title, parent_id FROM posts WHERE id = ?"), id).
			Scan(&a.ID, &a.Slug, &a.Title, &parent)
		if err != nil {
			return nil, notFound(err, "page ancestors")
		}
		chain = append([]blog.Post{a}, chain...)
		id = parent.Int64
	}
	return chain, nil
}

// PageByPath finds the page whose slug is the last element of slugs and whose
// ancestors' slugs are the ones before it.
func (s *Store) PageByPath(ctx context.Context, slugs []string) (*blog.Post, error) {
	if len(slugs) == 0 {
		return nil, fmt.Errorf("store: page by path: %w", blog.ErrNotFound)
	}
	p, err := s.PostBySlug(ctx, slugs[len(slugs)-1])
	if err != nil {
		return nil, err
	}
	if p.Type != blog.TypePage || len(p.Parents) != len(slugs)-1 {
		return nil, fmt.Errorf("store: page by path: %w", blog.ErrNotFound)
	}
	for i, a := range p.Parents {
		if a.Slug != slugs[i] {
			return nil, fmt.Errorf("store: page by path: %w", blog.ErrNotFound)
		}
	}
	return p, nil
}

// ListPosts returns one page of posts matching f, newest first, and how many
// match in all.
func (s *Store) ListPosts(ctx context.Context, f blog.PostFilter) ([]blog.Post, int, error) {
	from, where, args, order, ok, err := s.postWhere(ctx, f)
	if err != nil || !ok {
		return nil, 0, err
	}
	var total int
	countQ := s.q("SELECT count(*) " + from + where)
	switch {
	case strings.TrimSpace(f.Search) != "" && s.txn == nil:
		total, err = s.d.countSearch(ctx, s.db, countQ, args)
	case (f.IncludeAll || len(f.Statuses) > 0) && strings.TrimSpace(f.Search) == "":
		// The admin's lists: no time in the query, so the count holds for
		// the content version.
		total, err = memoized(ctx, s, "posts "+countQ+fmt.Sprint(args...), func() (int, error) {
			var n int
			err := s.conn.QueryRowContext(ctx, countQ, args...).Scan(&n)
			return n, err
		})
	default:
		err = s.conn.QueryRowContext(ctx, countQ, args...).Scan(&total)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("store: count posts: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 10
	}
	var ps []blog.Post
	if limit > listByIDsMax {
		ps, err = s.scanPosts(ctx, "SELECT "+postCols+" "+from+where+" ORDER BY "+order+" LIMIT ? OFFSET ?",
			append(args, limit, f.Offset)...)
	} else {
		ps, err = s.postsInOrder(ctx, "SELECT p.id "+from+where+" ORDER BY "+order+" LIMIT ? OFFSET ?",
			append(args, limit, f.Offset)...)
	}
	if err != nil {
		return nil, 0, err
	}
	if err := s.fillPosts(ctx, ps); err != nil {
		return nil, 0, err
	}
	return ps, total, nil
}

// listByIDsMax is the longest page ListPosts reads in two steps: the IDs
// in order first (the ordering and the OFFSET then walk index entries,
// not posts with their bodies: a search ranking 10,000 matches, page 500),
// then those posts.
const listByIDsMax = 500

// postsInOrder runs idQuery (one column, post IDs) and returns those posts
// in its order.
func (s *Store) postsInOrder(ctx context.Context, idQuery string, args ...any) ([]blog.Post, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(idQuery), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list posts: %w", err)
	}
	var ids []any
	at := map[int64]int{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: list posts: %w", err)
		}
		at[id] = len(ids)
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list posts: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	got, err := s.scanPosts(ctx, "SELECT "+postCols+" FROM posts p WHERE p.id IN ("+placeholders(len(ids))+")", ids...)
	if err != nil {
		return nil, err
	}
	ps := make([]blog.Post, len(ids))
	for _, p := range got {
		ps[at[p.ID]] = p
	}
	return ps, nil
}

func (s *Store) scanPosts(ctx context.Context, q string, args ...any) ([]blog.Post, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list posts: %w", err)
	}
	defer rows.Close()
	var ps []blog.Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list posts: %w", err)
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list posts: %w", err)
	}
	return ps, nil
}

func (s *Store) postWhere(ctx context.Context, f blog.PostFilter) (from, where string, args []any, order string, ok bool, err error) {
	from = "FROM posts p "
	conds := []string{}
	order = "p.published_at DESC, p.id DESC"
	typ := f.Type
	if typ == "" {
		typ = blog.TypePost
	}
	if typ != "any" {
		conds = append(conds, "p.type = ?")
		args = append(args, typ)
	}
	switch {
	case len(f.Statuses) > 0:
		conds = append(conds, "p.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	case f.IncludeAll:
		conds = append(conds, "p.status <> 'trash'")
	default:
		now := f.Now
		if now.IsZero() {
			now = time.Now()
		}
		conds = append(conds, "p.status = 'publish' AND p.published_at <= ?")
		args = append(args, now.Unix())
		if strings.TrimSpace(f.Search) != "" {
			// A reader's search must not tell what a protected post says.
			conds = append(conds, "p.password = ''")
		}
	}
	if f.TermID != 0 {
		ids, err := s.termAndDescendants(ctx, f.TermID)
		if err != nil {
			return "", "", nil, "", false, err
		}
		// The term's posts drive (an archive of 40 posts reads 40), rather
		// than every public post being checked for the term.
		conds = append(conds, "p.id IN (SELECT pt.post_id FROM post_terms pt WHERE pt.term_id IN ("+placeholders(len(ids))+"))")
		for _, id := range ids {
			args = append(args, id)
		}
	}
	if f.Sticky {
		conds = append(conds, "p.sticky <> 0") // index posts_sticky
	}
	if f.AuthorID != 0 {
		conds = append(conds, "p.author_id = ?")
		args = append(args, f.AuthorID)
	}
	if !f.From.IsZero() {
		conds = append(conds, "p.published_at >= ?")
		args = append(args, f.From.Unix())
	}
	if !f.To.IsZero() {
		conds = append(conds, "p.published_at < ?")
		args = append(args, f.To.Unix())
	}
	if strings.TrimSpace(f.Search) != "" {
		sfrom, cond, sargs, ok := s.d.searchMatch(f.Search)
		if !ok {
			return "", "", nil, "", false, nil
		}
		from = sfrom
		// The search condition comes first in the argument list.
		conds = append([]string{cond}, conds...)
		args = append(sargs, args...)
		order = s.d.searchOrder()
	}
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	return from, where, args, order, true, nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// fillPosts loads authors, terms and featured images for ps in three queries.
func (s *Store) fillPosts(ctx context.Context, ps []blog.Post) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]any, len(ps))
	var authors, media []any
	for i, p := range ps {
		ids[i] = p.ID
		if p.AuthorID != 0 {
			authors = append(authors, p.AuthorID)
		}
		if p.FeaturedID != 0 {
			media = append(media, p.FeaturedID)
		}
	}
	users, err := s.usersByID(ctx, authors)
	if err != nil {
		return err
	}
	ms, err := s.mediaByID(ctx, media)
	if err != nil {
		return err
	}
	paths, err := s.categoryPaths(ctx)
	if err != nil {
		return err
	}
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT pt.post_id, t.id, t.taxonomy, t.name, t.slug,
		COALESCE(t.parent_id, 0), t.description FROM post_terms pt JOIN terms t ON t.id = pt.term_id
		WHERE pt.post_id IN (`+placeholders(len(ids))+`) ORDER BY t.name`), ids...)
	if err != nil {
		return fmt.Errorf("store: post terms: %w", err)
	}
	defer rows.Close()
	byPost := map[int64]*blog.Post{}
	for i := range ps {
		byPost[ps[i].ID] = &ps[i]
		if u, ok := users[ps[i].AuthorID]; ok {
			ps[i].Author = u
		}
		if m, ok := ms[ps[i].FeaturedID]; ok {
			ps[i].Featured = m
		}
	}
	for rows.Next() {
		var pid int64
		var t blog.Term
		if err := rows.Scan(&pid, &t.ID, &t.Taxonomy, &t.Name, &t.Slug, &t.ParentID, &t.Description); err != nil {
			return fmt.Errorf("store: post terms: %w", err)
		}
		p := byPost[pid]
		if t.Taxonomy == blog.Category {
			t.Path = paths[t.ID]
			p.Categories = append(p.Categories, t)
		} else {
			p.Tags = append(p.Tags, t)
		}
	}
	return rows.Err()
}

// Adjacent returns the published posts just before and after p (nil when none).
func (s *Store) Adjacent(ctx context.Context, p *blog.Post, now time.Time) (prev, next *blog.Post, err error) {
	one := func(cond, order string) (*blog.Post, error) {
		q := "SELECT " + postCols + " FROM posts p WHERE p.type = 'post' AND p.status = 'publish' AND p.published_at <= ? AND " +
			cond + " ORDER BY " + order + " LIMIT 1"
		x, err := scanPost(s.conn.QueryRowContext(ctx, s.q(q), now.Unix(), p.PublishedAt.Unix(), p.PublishedAt.Unix(), p.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("store: adjacent post: %w", err)
		}
		return &x, nil
	}
	if prev, err = one("(p.published_at < ? OR (p.published_at = ? AND p.id < ?))", "p.published_at DESC, p.id DESC"); err != nil {
		return nil, nil, err
	}
	next, err = one("(p.published_at > ? OR (p.published_at = ? AND p.id > ?))", "p.published_at ASC, p.id ASC")
	return prev, next, err
}

// SetStatus moves a post to status. Trashing remembers the status it had so
// Restore can put it back.
func (s *Store) SetStatus(ctx context.Context, id int64, status blog.Status) error {
	return s.tx(ctx, func(t *sql.Tx) error {
		var cur string
		if err := t.QueryRowContext(ctx, s.q("SELECT status FROM posts WHERE id = ?"), id).Scan(&cur); err != nil {
			return notFound(err, "set status")
		}
		q := "UPDATE posts SET status = ?, updated_at = ? WHERE id = ?"
		args := []any{status, time.Now().Unix(), id}
		if status == blog.StatusTrash {
			q = "UPDATE posts SET status = ?, updated_at = ?, trashed_status = ? WHERE id = ?"
			args = []any{status, time.Now().Unix(), cur, id}
		}
		if _, err := t.ExecContext(ctx, s.q(q), args...); err != nil {
			return fmt.Errorf("store: set status: %w", err)
		}
		return s.bump(ctx, t)
	})
}

// Restore takes a post out of the trash, back to the status it had (a
// draft when that is unknown).
func (s *Store) Restore(ctx context.Context, id int64) error {
	return s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q(`UPDATE posts SET status = CASE WHEN trashed_status = '' THEN 'draft'
			ELSE trashed_status END, trashed_status = '', updated_at = ? WHERE id = ? AND status = 'trash'`),
			time.Now().Unix(), id)
		if err != nil {
			return fmt.Errorf("store: restore post: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: restore post %d: %w", id, blog.ErrNotFound)
		}
		return s.bump(ctx, t)
	})
}

// DeletePost removes a post for good.
func (s *Store) DeletePost(ctx context.Context, id int64) error {
	return s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q("DELETE FROM posts WHERE id = ?"), id)
		if err != nil {
			return fmt.Errorf("store: delete post: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: delete post %d: %w", id, blog.ErrNotFound)
		}
		return s.bump(ctx, t)
	})
}

// PublishIfDue publishes the scheduled post id when its time has come, and
// reports whether it did. Running it twice has the effect of running it once.
func (s *Store) PublishIfDue(ctx context.Context, id int64, now time.Time) (bool, error) {
	var done bool
	err := s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q(`UPDATE posts SET status = 'publish', updated_at = ?
			WHERE id = ? AND status = 'future' AND published_at <= ?`), now.Unix(), id, now.Unix())
		if err != nil {
			return fmt.Errorf("store: publish scheduled: %w", err)
		}
		n, _ := res.RowsAffected()
		if done = n > 0; !done {
			return nil
		}
		return s.bump(ctx, t)
	})
	return done, err
}

// DueScheduled returns the IDs of scheduled posts whose time has come.
func (s *Store) DueScheduled(ctx context.Context, now time.Time) ([]int64, error) {
	rows, err := s.conn.QueryContext(ctx, s.q("SELECT id FROM posts WHERE status = 'future' AND published_at <= ?"), now.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: due scheduled: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: due scheduled: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Month is a month that has published posts, for the archive list.
type Month struct {
	Year, Month int
	Count       int
}

// Months lists the months with published posts, newest first, in loc.
func (s *Store) Months(ctx context.Context, now time.Time, loc *time.Location) ([]Month, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT published_at FROM posts
		WHERE type = 'post' AND status = 'publish' AND published_at <= ? ORDER BY published_at DESC`), now.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: months: %w", err)
	}
	defer rows.Close()
	var out []Month
	for rows.Next() {
		var ts int64
		if err := rows.Scan(&ts); err != nil {
			return nil, fmt.Errorf("store: months: %w", err)
		}
		t := time.Unix(ts, 0).In(loc)
		if n := len(out); n > 0 && out[n-1].Year == t.Year() && out[n-1].Month == int(t.Month()) {
			out[n-1].Count++
			continue
		}
		out = append(out, Month{Year: t.Year(), Month: int(t.Month()), Count: 1})
	}
	return out, rows.Err()
}

// LastModified returns when any published content last changed.
func (s *Store) LastModified(ctx context.Context) (time.Time, error) {
	var ts sql.NullInt64
	if err := s.conn.QueryRowContext(ctx, "SELECT max(updated_at) FROM posts").Scan(&ts); err != nil {
		return time.Time{}, fmt.Errorf("store: last modified: %w", err)
	}
	return fromUnix(ts.Int64), nil
}
