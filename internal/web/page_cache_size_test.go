package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/httpenc"
)

// TestPageCacheCountsEveryCoding checks that the cache's size counts each
// compressed form when it is made, counts a replaced or dropped page no
// more, and starts over past its cap.
func TestPageCacheCountsEveryCoding(t *testing.T) {
	c := &pageCache{}
	page := func(key pageKey, n int) *cachedPage {
		e := &cachedPage{}
		data := []byte(strings.Repeat("<p>the buyer wants a result, not a product</p>\n", n/40+1)[:n])
		body := httpenc.NewBody(data, "text/html", httpenc.Page, func(n int) { c.grew(key, e, n) })
		e.resp = httpenc.NewResponse(http.Header{"Content-Type": {"text/html"}}, body)
		return e
	}
	serve := func(e *cachedPage, accept string) {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Encoding", accept)
		e.resp.Serve(httptest.NewRecorder(), req)
	}
	a := pageKey{"/a/", ""}
	ea := page(a, 20000)
	c.put(a, ea)
	if c.size != 20000 {
		t.Fatalf("size %d after one page", c.size)
	}
	serve(ea, "gzip")
	serve(ea, "gzip")
	serve(ea, "br")
	if want := ea.resp.Body().Size(); c.size != want || want <= 20000 {
		t.Fatalf("size %d, the page holds %d", c.size, want)
	}
	eb := page(a, 5000)
	c.put(a, eb)
	if c.size != 5000 {
		t.Fatalf("size %d after replacing the page", c.size)
	}
	serve(ea, "identity;q=0, *") // the replaced page grows no more
	if c.size != 5000 {
		t.Fatalf("size %d: a replaced page was counted", c.size)
	}
	c.size = pageCacheMaxBytes - 10
	serve(eb, "gzip")
	if c.size != 0 || len(c.entries) != 0 {
		t.Errorf("past the cap: size %d, %d pages", c.size, len(c.entries))
	}
}
