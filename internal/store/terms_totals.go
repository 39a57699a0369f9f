package store

import (
	"context"
	"fmt"
)

// CategoryTotals returns, for every category with published posts in it
// or in any category below it, how many such posts there are, each
// counted once: WordPress's category widget counts this way (its
// hierarchical list with counts pads each count with the descendants'
// posts), and a category's page lists the same posts.
func (s *Store) CategoryTotals(ctx context.Context) (map[int64]int, error) {
	// UNION, not UNION ALL: a parent loop in the data cannot make the
	// recursion endless.
	rows, err := s.conn.QueryContext(ctx, `WITH RECURSIVE tree (anc, des) AS (
			SELECT id, id FROM terms WHERE taxonomy = 'category'
			UNION
			SELECT tree.anc, t.id FROM tree JOIN terms t ON t.parent_id = tree.des
		)
		SELECT tree.anc, count(DISTINCT pt.post_id) FROM tree
		JOIN post_terms pt ON pt.term_id = tree.des
		`+s.d.joinPosts("p.id = pt.post_id AND p.status = 'publish' AND p.type = 'post'")+`
		GROUP BY tree.anc`)
	if err != nil {
		return nil, fmt.Errorf("store: category totals: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: category totals: %w", err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: category totals: %w", err)
	}
	return out, nil
}
