package web_test

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

// TestPageCacheKeepsEveryHeader checks that a page served from the cache
// carries every header the fresh response had, whichever handler set it
// (a post's Link and X-Pingback, a policy, the validators), for GET and
// HEAD alike.
func TestPageCacheKeepsEveryHeader(t *testing.T) {
	e := newEnv(t)
	p := e.post("Cached With Headers", day(2011, 1, 5), nil)
	for _, path := range []string{"/", "/2011/01/05/cached-with-headers/", "/feed/"} {
		fresh := e.get(path)
		if fresh.code != http.StatusOK {
			t.Fatalf("%s: %d", path, fresh.code)
		}
		// Changed behind the cache's back (no content version bump): a
		// page still showing the old title came from the cache.
		if _, err := e.st.DB().ExecContext(context.Background(),
			"UPDATE posts SET title = 'Changed Behind' WHERE id = "+itoa(p.ID)); err != nil {
			t.Fatal(err)
		}
		cached := e.get(path)
		if strings.Contains(cached.body, "Changed Behind") || !strings.Contains(cached.body, "Cached With Headers") {
			t.Fatalf("%s: not served from the page cache", path)
		}
		head := e.do(mustReq(t, "HEAD", path))
		for what, r := range map[string]resp{"cached GET": cached, "cached HEAD": head} {
			for _, k := range slices.Sorted(maps.Keys(fresh.hdr)) {
				if k == "Date" || (what == "cached HEAD" && k == "Content-Length") {
					continue
				}
				if got, want := r.hdr.Values(k), fresh.hdr.Values(k); !slices.Equal(got, want) {
					t.Errorf("%s %s: %s %q, fresh %q", path, what, k, got, want)
				}
			}
		}
		if _, err := e.st.DB().ExecContext(context.Background(),
			"UPDATE posts SET title = 'Cached With Headers' WHERE id = "+itoa(p.ID)); err != nil {
			t.Fatal(err)
		}
		if err := e.st.BumpContentVersion(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func mustReq(t *testing.T, method, path string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.RequestURI = path
	return req
}

// TestThreadAfterChanges checks the comments kept rendered across content
// versions: after a new reply, an edit and a removal, the page shows each
// change and nothing of what was before, whatever was reused.
func TestThreadAfterChanges(t *testing.T) {
	e := newEnv(t)
	ce := &commentEnv{env: e}
	p := e.post("Thread Changes", day(2011, 1, 5), nil)
	path := "/2011/01/05/thread-changes/"
	first := ce.comment(p, 0, "Ann", "ann@example.org", "First words.", blog.CommentApproved)
	second := ce.comment(p, 0, "Bob", "bob@example.org", "Second words.", blog.CommentApproved)
	e.get(path).has(t, "First words.", "Second words.")
	ce.comment(p, first.ID, "Cy", "cy@example.org", "A reply to Ann.", blog.CommentApproved)
	r := e.get(path)
	r.has(t, "First words.", "Second words.", "A reply to Ann.")
	ctx := context.Background()
	if _, err := e.st.DB().ExecContext(ctx, "UPDATE comments SET content_html = '<p>Edited words.</p>' WHERE id = "+itoa(second.ID)); err != nil {
		t.Fatal(err)
	}
	if err := e.st.BumpContentVersion(ctx); err != nil {
		t.Fatal(err)
	}
	r = e.get(path)
	r.has(t, "First words.", "Edited words.", "A reply to Ann.")
	if strings.Contains(r.body, "Second words.") {
		t.Error("the edited comment shows as it was")
	}
	if _, err := e.st.DB().ExecContext(ctx, "UPDATE comments SET status = 'spam' WHERE id = "+itoa(first.ID)); err != nil {
		t.Fatal(err)
	}
	if err := e.st.BumpContentVersion(ctx); err != nil {
		t.Fatal(err)
	}
	if r = e.get(path); strings.Contains(r.body, "First words.") || !strings.Contains(r.body, "Edited words.") {
		t.Errorf("after marking the first comment spam:\n%s", r.body)
	}
}
