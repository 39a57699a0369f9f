package linkback_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

// TestAdvertised checks that every response for a post — GET and HEAD,
// rendered fresh, served from the page cache, or a 304 — names the
// Webmention endpoint in a Link header and the Pingback server in
// X-Pingback, absolute, and that the page has both as <link> elements,
// rel first, as WordPress's discovery reads them.
func TestAdvertised(t *testing.T) {
	e := newEnv(t)
	path := "/2024/05/01/what-business-are-you-in/"
	check := func(what string, r resp, wantBody bool) {
		t.Helper()
		if got := r.hdr.Get("Link"); got != `<`+baseURL+`/webmention>; rel="webmention"` {
			t.Errorf("%s: Link %q", what, got)
		}
		if got := r.hdr.Get("X-Pingback"); got != baseURL+"/xmlrpc.php" {
			t.Errorf("%s: X-Pingback %q", what, got)
		}
		if wantBody {
			for _, s := range []string{`<link rel="webmention" href="` + baseURL + `/webmention">`,
				`<link rel="pingback" href="` + baseURL + `/xmlrpc.php">`} {
				if !strings.Contains(r.body, s) {
					t.Errorf("%s: page lacks %s", what, s)
				}
			}
		}
	}
	fresh := e.do(httptest.NewRequest("GET", path, nil), "")
	if fresh.code != 200 {
		t.Fatalf("GET: %d", fresh.code)
	}
	check("GET", fresh, true)
	// Change the title behind the page cache's back (no content version
	// bump): the next answer shows the old title, so it came from the
	// cache.
	if _, err := e.st.DB().ExecContext(context.Background(), "UPDATE posts SET title = 'Changed' WHERE id = "+
		strconv.FormatInt(e.post.ID, 10)); err != nil {
		t.Fatal(err)
	}
	cached := e.do(httptest.NewRequest("GET", path, nil), "")
	if !strings.Contains(cached.body, "What Business Are You In?") {
		t.Fatal("the second GET was not served from the page cache")
	}
	check("cached GET", cached, true)
	check("cached HEAD", e.do(httptest.NewRequest("HEAD", path, nil), ""), false)
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("If-None-Match", fresh.hdr.Get("ETag"))
	if r := e.do(req, ""); r.code != http.StatusNotModified {
		t.Errorf("conditional GET: %d", r.code)
	} else {
		check("304", r, false)
	}
	// A fresh HEAD (the content changed since).
	e.newPost("Another", "another", nil)
	check("fresh HEAD", e.do(httptest.NewRequest("HEAD", path, nil), ""), false)

	// Pages take no linkbacks and advertise none.
	e.newPost("About", "about", func(p *blog.Post) { p.Type = blog.TypePage })
	r := e.do(httptest.NewRequest("GET", "/about/", nil), "")
	if r.code != 200 || r.hdr.Get("X-Pingback") != "" || strings.Contains(r.body, `rel="pingback"`) {
		t.Errorf("a page advertises linkbacks: %d %v", r.code, r.hdr)
	}
}
