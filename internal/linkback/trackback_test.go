package linkback_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// trackback POSTs a form body to path + "trackback/" with contentType.
func (e *env) trackback(ip, path, contentType, body string) resp {
	e.t.Helper()
	req := httptest.NewRequest("POST", path+"trackback/", strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return e.do(req, ip)
}

const formType = "application/x-www-form-urlencoded"

// tbOK and tbError check Trackback's XML answer.
func tbOK(t *testing.T, what string, r resp) {
	t.Helper()
	if r.code != 200 || !strings.Contains(r.body, "<error>0</error>") || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/xml") {
		t.Errorf("%s: %d %q", what, r.code, r.body)
	}
}

func tbError(t *testing.T, what string, r resp, msg string) {
	t.Helper()
	if r.code != 200 || !strings.Contains(r.body, "<error>1</error>") || !strings.Contains(r.body, msg) {
		t.Errorf("%s: %d %q, want error 1 with %q", what, r.code, r.body, msg)
	}
}

// TestTrackback checks a trackback taken, the same URL again refused, and
// pings closed, on every permalink pattern.
func TestTrackback(t *testing.T) {
	for _, pattern := range blog.PermalinkPatterns {
		t.Run(pattern, func(t *testing.T) {
			e := newEnv(t)
			if err := e.st.SaveSettings(context.Background(), map[string]string{site.KeyPermalink: pattern}); err != nil {
				t.Fatal(err)
			}
			path := blog.PostPath(pattern, e.post.Slug, e.post.PublishedAt, time.UTC)
			form := url.Values{"url": {"https://other.example/2024/06/post/"}, "title": {"Their <b>post</b>"},
				"excerpt": {"They wrote &amp; linked."}, "blog_name": {"Other Blog"}}
			tbOK(t, "first", e.trackback("198.51.100.1", path, formType, form.Encode()))
			cs := e.linkbacks(e.post.ID)
			if len(cs) != 1 {
				t.Fatalf("%d linkbacks", len(cs))
			}
			c := cs[0]
			if c.Type != blog.TypeTrackback || c.AuthorName != "Other Blog" || c.SourceTitle != "Their post" ||
				c.Content != "They wrote & linked." || c.ContentHTML != "<p>They wrote &amp; linked.</p>" ||
				c.SourceURL != "https://other.example/2024/06/post/" || c.Status != blog.CommentPending {
				t.Errorf("stored %+v", c)
			}
			tbError(t, "again", e.trackback("198.51.100.1", path, formType, form.Encode()), "already have a ping")
			if n := len(e.linkbacks(e.post.ID)); n != 1 {
				t.Errorf("%d linkbacks after a duplicate", n)
			}
		})
	}
}

// TestTrackbackRefused checks pings closed, a draft, no post, a bad URL,
// a bad form encoding, a body too large: each answered with error 1,
// storing nothing.
func TestTrackbackRefused(t *testing.T) {
	e := newEnv(t)
	e.newPost("Closed", "closed-to-pings", func(p *blog.Post) { p.PingsClosed = true })
	e.newPost("Draft", "a-draft", func(p *blog.Post) { p.Status = blog.StatusDraft })
	ok := url.Values{"url": {"https://other.example/p"}, "title": {"T"}}.Encode()
	cases := []struct {
		name, path, ctype, body, msg string
	}{
		{"pings closed", "/2024/05/01/closed-to-pings/", formType, ok, "trackbacks are closed"},
		{"draft", "/2024/05/01/a-draft/", formType, ok, "no post at this address"},
		{"no post", "/2024/05/01/nothing-here/", formType, ok, "no post at this address"},
		{"no url", "/2024/05/01/what-business-are-you-in/", formType, "title=T", "needs the url"},
		{"bad url", "/2024/05/01/what-business-are-you-in/", formType, "url=javascript:alert(1)", "not an http"},
		{"bad encoding", "/2024/05/01/what-business-are-you-in/", formType, "url=%zz&title=%", "form encoding"},
		{"semicolons", "/2024/05/01/what-business-are-you-in/", formType, "url=https://x.example/;title=T", "form encoding"},
		{"too large", "/2024/05/01/what-business-are-you-in/", formType, "url=https://x.example/&excerpt=" + strings.Repeat("a", 70<<10), "too large"},
		{"utf-7", "/2024/05/01/what-business-are-you-in/", formType + "; charset=UTF-7", ok, "UTF-7"},
		{"utf-7 field", "/2024/05/01/what-business-are-you-in/", formType, ok + "&charset=utf-7", "UTF-7"},
		{"unknown charset", "/2024/05/01/what-business-are-you-in/", formType + "; charset=x-klingon", ok, "not known"},
	}
	for _, c := range cases {
		tbError(t, c.name, e.trackback("198.51.100.2", c.path, c.ctype, c.body), c.msg)
	}
	if n := len(e.linkbacks(e.post.ID)); n != 0 {
		t.Errorf("%d linkbacks stored", n)
	}
	if n := e.logs.count("trackback refused", "UTF-7"); n != 2 {
		t.Errorf("UTF-7 refusals logged %d times, want once each", n)
	}
}

// TestTrackbackCharsets checks that the charset a trackback names is
// converted to UTF-8.
func TestTrackbackCharsets(t *testing.T) {
	e := newEnv(t)
	path := "/2024/05/01/what-business-are-you-in/"
	// "Café Crème" in ISO-8859-1, named by the Content-Type.
	latin := "url=" + url.QueryEscape("https://cafe.example/a") + "&blog_name=Caf%E9&title=Caf%E9+Cr%E8me"
	tbOK(t, "latin-1", e.trackback("198.51.100.3", path, formType+"; charset=ISO-8859-1", latin))
	// "日本" in Shift_JIS, named by a charset field as WordPress reads it.
	sjis := "url=" + url.QueryEscape("https://jp.example/a") + "&title=%93%FA%96%7B&charset=Shift_JIS"
	tbOK(t, "shift_jis", e.trackback("198.51.100.3", path, formType, sjis))
	// No charset named, and not UTF-8: read as Windows-1252.
	unnamed := "url=" + url.QueryEscape("https://old.example/a") + "&title=na%EFve"
	tbOK(t, "unnamed", e.trackback("198.51.100.3", path, formType, unnamed))
	got := map[string]blog.Comment{}
	for _, c := range e.linkbacks(e.post.ID) {
		got[c.SourceURL] = c
	}
	if c := got["https://cafe.example/a"]; c.SourceTitle != "Café Crème" || c.AuthorName != "Café" {
		t.Errorf("latin-1: %q %q", c.SourceTitle, c.AuthorName)
	}
	if c := got["https://jp.example/a"]; c.SourceTitle != "日本" {
		t.Errorf("shift_jis: %q", c.SourceTitle)
	}
	if c := got["https://old.example/a"]; c.SourceTitle != "naïve" {
		t.Errorf("unnamed: %q", c.SourceTitle)
	}
	// A GET at the trackback address is not a trackback.
	if r := e.do(httptest.NewRequest("GET", path+"trackback/", nil), ""); r.code == http.StatusOK {
		t.Errorf("GET trackback/: %d", r.code)
	}
}
