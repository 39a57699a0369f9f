package web_test

import (
	"context"
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

// TestPostCacheKeptAcrossComments: a post read for a page is kept across a
// new comment (which moves the content version but not the posts version)
// and read again after any other change. The post's row is changed behind
// the store's back (no version moves) to tell a kept post from a fresh
// read; the page cache is bypassed with a query parameter.
func TestPostCacheKeptAcrossComments(t *testing.T) {
	e := newEnv(t)
	ce := &commentEnv{env: e}
	ctx := context.Background()
	e.post("Before", day(2024, 1, 2), nil)
	p := e.post("Kept title", day(2024, 1, 3), nil)
	e.post("After", day(2024, 1, 4), nil)
	path := "/2024/01/03/" + p.Slug + "/"
	page := func(q string) resp {
		t.Helper()
		r := e.get(path + "?fresh=" + q)
		if r.code != 200 {
			t.Fatalf("%s: %d", path, r.code)
		}
		return r
	}
	page("1").has(t, "Kept title", "Before", "After")
	if _, err := e.st.DB().ExecContext(ctx, "UPDATE posts SET title = $1 WHERE id = $2", "Title behind its back", p.ID); err != nil {
		t.Fatal(err)
	}
	ce.comment(p, 0, "Reader", "reader@example.org", "A first comment.", blog.CommentApproved)
	r := page("2")
	r.has(t, "Kept title", "A first comment.")
	r.lacks(t, "Title behind its back")
	// Any other change reads the post again.
	e.post("Another post", day(2023, 5, 5), nil)
	r = page("3")
	r.has(t, "Title behind its back", "A first comment.")
}
