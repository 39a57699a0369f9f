package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/quirehq/quire/internal/blog"
)

// setPostTerms replaces p's categories and tags, creating terms named but
// not yet known, and fills in their IDs.
func (s *Store) setPostTerms(ctx context.Context, t *sql.Tx, p *blog.Post) error {
	if _, err := t.ExecContext(ctx, s.q("DELETE FROM post_terms WHERE post_id = ?"), p.ID); err != nil {
		return fmt.Errorf("store: set terms: %w", err)
	}
	for _, list := range []struct {
		tax   blog.Taxonomy
		terms []blog.Term
	}{{blog.Category, p.Categories}, {blog.Tag, p.Tags}} {
		for i := range list.terms {
			term := &list.terms[i]
			if term.ID == 0 {
				id, err := s.ensureTerm(ctx, t, list.tax, term.Name)
				if err != nil {
					return err
				}
				term.ID = id
			}
			if _, err := t.ExecContext(ctx, s.q(`INSERT INTO post_terms (post_id, term_id) VALUES (?, ?)
				ON CONFLICT DO NOTHING`), p.ID, term.ID); err != nil {
				return fmt.Errorf("store: set terms: %w", err)
			}
		}
	}
	return nil
}

// ensureTerm finds a term by name (or slug) in taxonomy, creating it when
// missing. A category name "Parent/Child" finds or creates both levels.
func (s *Store) ensureTerm(ctx context.Context, t queryer, tax blog.Taxonomy, name string) (int64, error) {
	parts := []string{name}
	if tax == blog.Category && strings.Contains(name, "/") {
		parts = strings.Split(name, "/")
	}
	var parent int64
	for _, part := range parts {
		part = strings.TrimSpace(part)
		slug := blog.Slugify(part)
		if slug == "" {
			return 0, (blog.FieldErrors{string(tax): fmt.Sprintf("%q is not a usable %s name.", name, tax)}).Err()
		}
		var id int64
		err := t.QueryRowContext(ctx, s.q("SELECT id FROM terms WHERE taxonomy = ? AND slug = ?"), tax, slug).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			err = t.QueryRowContext(ctx, s.q(`INSERT INTO terms (taxonomy, name, slug, parent_id)
				VALUES (?, ?, ?, ?) RETURNING id`), tax, part, slug, nullID(parent)).Scan(&id)
		}
		if err != nil {
			return 0, fmt.Errorf("store: ensure term %q: %w", part, err)
		}
		parent = id
	}
	return parent, nil
}

func (s *Store) postTermsOf(ctx context.Context, t queryer, postID int64) (cats, tags []blog.Term, err error) {
	rows, err := t.QueryContext(ctx, s.q(`SELECT t.id, t.taxonomy, t.name, t.slug FROM post_terms pt
		JOIN terms t ON t.id = pt.term_id WHERE pt.post_id = ?`), postID)
	if err != nil {
		return nil, nil, fmt.Errorf("store: post terms: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var term blog.Term
		if err := rows.Scan(&term.ID, &term.Taxonomy, &term.Name, &term.Slug); err != nil {
			return nil, nil, fmt.Errorf("store: post terms: %w", err)
		}
		if term.Taxonomy == blog.Category {
			cats = append(cats, term)
		} else {
			tags = append(tags, term)
		}
	}
	return cats, tags, rows.Err()
}

// Terms lists every term of a taxonomy by name, with counts of published
// posts and, for categories, their paths.
func (s *Store) Terms(ctx context.Context, tax blog.Taxonomy) ([]blog.Term, error) {
	return s.terms(ctx, tax, `(SELECT count(*) FROM post_terms pt `+s.d.joinPosts("p.id = pt.post_id")+`
		WHERE pt.term_id = t.id AND p.status = 'publish' AND p.type = 'post')`)
}

// TermsUncounted is Terms without the counts (each Count is 0), which cost
// a look at every post of every term: for what needs only the names and
// the tree (the sidebar's categories take their totals from
// CategoryTotals).
func (s *Store) TermsUncounted(ctx context.Context, tax blog.Taxonomy) ([]blog.Term, error) {
	return s.terms(ctx, tax, "0")
}

func (s *Store) terms(ctx context.Context, tax blog.Taxonomy, count string) ([]blog.Term, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT t.id, t.taxonomy, t.name, t.slug, COALESCE(t.parent_id, 0),
		t.description, `+count+`
		FROM terms t WHERE t.taxonomy = ? ORDER BY t.name`), tax)
	if err != nil {
		return nil, fmt.Errorf("store: list terms: %w", err)
	}
	defer rows.Close()
	var out []blog.Term
	for rows.Next() {
		var t blog.Term
		if err := rows.Scan(&t.ID, &t.Taxonomy, &t.Name, &t.Slug, &t.ParentID, &t.Description, &t.Count); err != nil {
			return nil, fmt.Errorf("store: list terms: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list terms: %w", err)
	}
	if tax == blog.Category {
		paths, err := s.categoryPaths(ctx)
		if err != nil {
			return nil, err
		}
		for i := range out {
			out[i].Path = paths[out[i].ID]
		}
	}
	return out, nil
}

// Term returns the term with id.
func (s *Store) Term(ctx context.Context, id int64) (*blog.Term, error) {
	var t blog.Term
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT id, taxonomy, name, slug, COALESCE(parent_id, 0), description
		FROM terms WHERE id = ?`), id).Scan(&t.ID, &t.Taxonomy, &t.Name, &t.Slug, &t.ParentID, &t.Description)
	if err != nil {
		return nil, notFound(err, "get term")
	}
	if t.Taxonomy == blog.Category {
		paths, err := s.categoryPaths(ctx)
		if err != nil {
			return nil, err
		}
		t.Path = paths[t.ID]
	}
	return &t, nil
}

// TermByPath finds a tag by slug, or a category by its slug path
// ("parent/child"); a category's own slug alone is accepted too.
func (s *Store) TermByPath(ctx context.Context, tax blog.Taxonomy, path string) (*blog.Term, error) {
	slugs := strings.Split(strings.Trim(path, "/"), "/")
	var id int64
	err := s.conn.QueryRowContext(ctx, s.q("SELECT id FROM terms WHERE taxonomy = ? AND slug = ?"), tax, slugs[len(slugs)-1]).Scan(&id)
	if err != nil {
		return nil, notFound(err, "term by path")
	}
	t, err := s.Term(ctx, id)
	if err != nil {
		return nil, err
	}
	if tax == blog.Category && len(slugs) > 1 && t.Path != strings.Join(slugs, "/") {
		return nil, fmt.Errorf("store: term by path %q: %w", path, blog.ErrNotFound)
	}
	return t, nil
}

// SaveTerm creates or updates a term. Its slug is made unique in its taxonomy.
func (s *Store) SaveTerm(ctx context.Context, t *blog.Term) error {
	fe := blog.FieldErrors{}
	if strings.TrimSpace(t.Name) == "" {
		fe.Add("name", "Enter a name.")
	}
	if t.Slug == "" {
		t.Slug = blog.Slugify(t.Name)
	}
	if t.Slug == "" || blog.Slugify(t.Slug) != t.Slug {
		fe.Add("slug", "Use lower-case letters, digits and hyphens only.")
	}
	if t.Taxonomy != blog.Category {
		t.ParentID = 0
	}
	if t.ID != 0 && t.ParentID == t.ID {
		fe.Add("parent", "A category cannot be its own parent.")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if t.ParentID != 0 && t.ID != 0 {
			ids, err := s.termAndDescendantsTx(ctx, tx, t.ID)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if id == t.ParentID {
					return (blog.FieldErrors{"parent": "That parent would make a loop of categories."}).Err()
				}
			}
		}
		var err error
		if t.ID == 0 {
			err = tx.QueryRowContext(ctx, s.q(`INSERT INTO terms (taxonomy, name, slug, parent_id, description)
				VALUES (?, ?, ?, ?, ?) RETURNING id`), t.Taxonomy, t.Name, t.Slug, nullID(t.ParentID), t.Description).Scan(&t.ID)
		} else {
			_, err = tx.ExecContext(ctx, s.q(`UPDATE terms SET name = ?, slug = ?, parent_id = ?, description = ?
				WHERE id = ?`), t.Name, t.Slug, nullID(t.ParentID), t.Description, t.ID)
		}
		if s.d.isUniqueViolation(err) {
			return (blog.FieldErrors{"slug": "Another " + string(t.Taxonomy) + " already uses this slug."}).Err()
		}
		if err != nil {
			return fmt.Errorf("store: save term: %w", err)
		}
		return s.bump(ctx, tx)
	})
}

// DeleteTerm removes a term; its posts keep their other terms.
func (s *Store) DeleteTerm(ctx context.Context, id int64) error {
	return s.tx(ctx, func(t *sql.Tx) error {
		if _, err := t.ExecContext(ctx, s.q("DELETE FROM terms WHERE id = ?"), id); err != nil {
			return fmt.Errorf("store: delete term: %w", err)
		}
		return s.bump(ctx, t)
	})
}

// categoryPaths maps each category ID to its slug path from the root.
func (s *Store) categoryPaths(ctx context.Context) (map[int64]string, error) {
	rows, err := s.conn.QueryContext(ctx, "SELECT id, slug, COALESCE(parent_id, 0) FROM terms WHERE taxonomy = 'category'")
	if err != nil {
		return nil, fmt.Errorf("store: category paths: %w", err)
	}
	defer rows.Close()
	type node struct {
		slug   string
		parent int64
	}
	nodes := map[int64]node{}
	for rows.Next() {
		var id int64
		var n node
		if err := rows.Scan(&id, &n.slug, &n.parent); err != nil {
			return nil, fmt.Errorf("store: category paths: %w", err)
		}
		nodes[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: category paths: %w", err)
	}
	out := make(map[int64]string, len(nodes))
	for id := range nodes {
		var parts []string
		for cur, depth := id, 0; cur != 0 && depth < 20; depth++ {
			n, ok := nodes[cur]
			if !ok {
				break
			}
			parts = append([]string{n.slug}, parts...)
			cur = n.parent
		}
		out[id] = strings.Join(parts, "/")
	}
	return out, nil
}

func (s *Store) termAndDescendants(ctx context.Context, id int64) ([]int64, error) {
	return s.termAndDescendantsTx(ctx, s.db, id)
}

func (s *Store) termAndDescendantsTx(ctx context.Context, q queryer, id int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, "SELECT id, COALESCE(parent_id, 0) FROM terms WHERE taxonomy = 'category'")
	if err != nil {
		return nil, fmt.Errorf("store: term descendants: %w", err)
	}
	defer rows.Close()
	children := map[int64][]int64{}
	for rows.Next() {
		var c, p int64
		if err := rows.Scan(&c, &p); err != nil {
			return nil, fmt.Errorf("store: term descendants: %w", err)
		}
		children[p] = append(children[p], c)
	}
	out := []int64{id}
	seen := map[int64]bool{id: true}
	for i := 0; i < len(out); i++ {
		for _, c := range children[out[i]] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out, rows.Err()
}
