package web_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

func TestETagAnd304(t *testing.T) {
	e := newEnv(t)
	e.post("Cached", day(2011, 1, 5), nil)
	for _, path := range []string{"/", "/2011/01/05/cached/", "/feed/", "/2011/", "/sitemap.xml"} {
		r := e.get(path)
		etag := r.hdr.Get("ETag")
		if r.code != 200 || etag == "" || r.hdr.Get("Last-Modified") == "" ||
			r.hdr.Get("Cache-Control") != "public, max-age=0, must-revalidate" {
			t.Fatalf("%s: %d %v", path, r.code, r.hdr)
		}
		if again := e.get(path, "If-None-Match", etag); again.code != http.StatusNotModified || again.body != "" {
			t.Errorf("%s: revalidation gave %d", path, again.code)
		}
		if other := e.get(path, "If-None-Match", `W/"something-else"`); other.code != 200 {
			t.Errorf("%s: a stale ETag gave %d", path, other.code)
		}
		head := e.do(httptest.NewRequest("HEAD", path, nil))
		if head.code != 200 || head.hdr.Get("ETag") != etag {
			t.Errorf("HEAD %s: %d", path, head.code)
		}
	}
	// Another query is another ETag; a content change is another ETag.
	a, b := e.get("/").hdr.Get("ETag"), e.get("/?utm_source=x").hdr.Get("ETag")
	if a == b {
		t.Errorf("query not part of the ETag")
	}
	e.post("Newer", day(2011, 2, 5), nil)
	if r := e.get("/", "If-None-Match", a); r.code != 200 || r.hdr.Get("ETag") == a {
		t.Errorf("after a new post: %d %s", r.code, r.hdr.Get("ETag"))
	}
}

func TestPasswordProtectedPost(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.post("Members Only", day(2011, 1, 5), func(p *blog.Post) {
		p.Password = "correct horse"
		p.BodyHTML = "<p>The secret agenda.</p>"
	})
	path := "/2011/01/05/members-only/"
	r := e.get(path)
	if r.code != 200 || r.hdr.Get("Cache-Control") != "private, no-store" || r.hdr.Get("ETag") != "" {
		t.Fatalf("form: %d %v", r.code, r.hdr)
	}
	r.has(t, `action="/post-password/"`, `<label for="post-password">Password</label>`)
	r.lacks(t, "The secret agenda.")
	if lst := e.get("/"); strings.Contains(lst.body, "The secret agenda.") {
		t.Errorf("list shows the protected body")
	}
	if f := e.get("/feed/"); strings.Contains(f.body, "secret agenda") {
		t.Errorf("feed shows the protected body")
	}

	post := func(pw string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
		form := url.Values{"post_id": {itoa(p.ID)}, "password": {pw}}
		req := httptest.NewRequest("POST", "/post-password/", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		return rec
	}
	bad := post("wrong")
	if bad.Code != 200 || !strings.Contains(bad.Body.String(), "That password is not correct") ||
		strings.Contains(bad.Body.String(), "The secret agenda.") || len(bad.Result().Cookies()) != 0 ||
		bad.Header().Get("Cache-Control") != "private, no-store" {
		t.Errorf("wrong password: %d %v", bad.Code, bad.Result().Cookies())
	}
	good := post("correct horse")
	if good.Code != http.StatusSeeOther || good.Header().Get("Location") != path {
		t.Fatalf("right password: %d %q", good.Code, good.Header().Get("Location"))
	}
	cookies := good.Result().Cookies()
	if len(cookies) != 1 || strings.Contains(cookies[0].Value, "correct") || !cookies[0].HttpOnly || !cookies[0].Secure {
		t.Fatalf("cookie: %+v", cookies)
	}
	req := httptest.NewRequest("GET", path, nil)
	req.AddCookie(cookies[0])
	in := e.do(req)
	if in.code != 200 || !strings.Contains(in.body, "The secret agenda.") || in.hdr.Get("Cache-Control") != "private, no-store" || in.hdr.Get("ETag") != "" {
		t.Errorf("with the cookie: %d %v", in.code, in.hdr)
	}
	// A forged cookie, or the same cookie after the password changes, lets no one in.
	forged := httptest.NewRequest("GET", path, nil)
	forged.AddCookie(&http.Cookie{Name: cookies[0].Name, Value: "AAAA"})
	if r := e.do(forged); strings.Contains(r.body, "The secret agenda.") {
		t.Errorf("forged cookie accepted")
	}
	p.Password = "new password"
	if _, err := e.st.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	req = httptest.NewRequest("GET", path, nil)
	req.AddCookie(cookies[0])
	if r := e.do(req); strings.Contains(r.body, "The secret agenda.") {
		t.Errorf("cookie still works after the password changed")
	}
	// Guessing is limited per client address.
	limited := false
	for i := 0; i < 30 && !limited; i++ {
		limited = post("guess").Code == http.StatusTooManyRequests
	}
	if !limited {
		t.Errorf("30 wrong guesses were never limited")
	}
	st, _ := e.st.Settings(ctx)
	if len(st["site_secret"]) < 32 {
		t.Errorf("no stored site secret")
	}
}

// attr returns the value of attribute key on the first element matching
// match, as a browser would read it (entities decoded).
func attr(t *testing.T, body string, match func(*html.Node) bool, key string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var found string
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode && match(n) {
			for _, a := range n.Attr {
				if a.Key == key {
					found = a.Val
					return true
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	walk(doc)
	return found
}

func linkWithText(text string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		return n.Data == "a" && n.FirstChild != nil && n.FirstChild.Type == html.TextNode && n.FirstChild.Data == text
	}
}

func TestShareLinksEncoding(t *testing.T) {
	e := newEnv(t)
	title := `Tom & "Jerry" – Ünïcode ✓ 100% #1?`
	p := e.post(title, day(2011, 1, 5), nil)
	r := e.get("/2011/01/05/" + p.Slug + "/")
	if r.code != 200 {
		t.Fatal(r.code)
	}
	postURL := baseURL + "/2011/01/05/" + p.Slug + "/"
	check := func(name, host, key, want string) {
		t.Helper()
		href := attr(t, r.body, linkWithText(name), "href")
		u, err := url.Parse(href)
		if err != nil || (host != "" && u.Host != host) {
			t.Fatalf("%s: %q %v", name, href, err)
		}
		if got := u.Query().Get(key); got != want {
			t.Errorf("%s %s = %q, want %q (href %q)", name, key, got, want, href)
		}
		if rel := attr(t, r.body, linkWithText(name), "rel"); rel != "noopener" {
			t.Errorf("%s rel=%q", name, rel)
		}
	}
	check("Facebook", "www.facebook.com", "u", postURL)
	check("X", "x.com", "url", postURL)
	check("X", "x.com", "text", title)
	check("LinkedIn", "www.linkedin.com", "url", postURL)

	mail := attr(t, r.body, linkWithText("Email"), "href")
	if !strings.HasPrefix(mail, "mailto:?") || strings.Contains(mail, "+") || strings.ContainsAny(mail, ` "#`) {
		t.Errorf("mailto not encoded for mail programs: %q", mail)
	}
	q, err := url.ParseQuery(strings.TrimPrefix(mail, "mailto:?"))
	if err != nil || q.Get("subject") != title || !strings.Contains(q.Get("body"), postURL) {
		t.Errorf("mailto: %q → %v %v", mail, q, err)
	}
	copyURL := attr(t, r.body, func(n *html.Node) bool { return n.Data == "input" && hasAttr(n, "id", "share-url") }, "value")
	if copyURL != postURL {
		t.Errorf("copy field %q", copyURL)
	}
	hidden := attr(t, r.body, func(n *html.Node) bool { return n.Data == "input" && hasAttr(n, "name", "title") }, "value")
	if hidden != title {
		t.Errorf("mastodon form title %q", hidden)
	}
	if strings.Contains(r.body, "<script>") || strings.Contains(r.body, "<script src=\"http") {
		t.Errorf("inline or third-party script on the page")
	}
}

func hasAttr(n *html.Node, key, val string) bool {
	for _, a := range n.Attr {
		if a.Key == key && a.Val == val {
			return true
		}
	}
	return false
}

func TestMediaAndFeaturedImage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var orig bytes.Buffer
	if err := png.Encode(&orig, image.NewRGBA(image.Rect(0, 0, 20, 10))); err != nil {
		t.Fatal(err)
	}
	m := &blog.Media{Filename: "team photo.png", MIME: "image/png", Width: 2000, Height: 1000, Alt: "The team", Size: int64(orig.Len())}
	files := []store.MediaFile{{Width: 2000, Height: 1000, Data: orig.Bytes()},
		{Width: 480, Height: 240, Data: []byte("small")}, {Width: 960, Height: 480, Data: []byte("medium")}, {Width: 1600, Height: 800, Data: []byte("large")}}
	if err := e.st.CreateMedia(ctx, m, files); err != nil {
		t.Fatal(err)
	}
	e.post("With Picture", day(2011, 1, 5), func(p *blog.Post) { p.FeaturedID = m.ID })

	base := "/media/" + itoa(m.ID) + "/team%20photo.png"
	r := e.get(base)
	if r.code != 200 || r.body != orig.String() || r.hdr.Get("Content-Type") != "image/png" ||
		!strings.Contains(r.hdr.Get("Cache-Control"), "immutable") || r.hdr.Get("ETag") == "" {
		t.Fatalf("original: %d %v", r.code, r.hdr)
	}
	if r := e.get(base+"?w=900", "If-None-Match", r.hdr.Get("ETag")); r.code != 200 || r.body != "medium" {
		t.Errorf("w=900: %d %q", r.code, r.body)
	}
	if r2 := e.get(base, "If-None-Match", r.hdr.Get("ETag")); r2.code != http.StatusNotModified {
		t.Errorf("media revalidation: %d", r2.code)
	}
	if r := e.get("/media/" + itoa(m.ID) + "/other.png"); r.code != 404 {
		t.Errorf("wrong name: %d", r.code)
	}

	page := e.get("/2011/01/05/with-picture/")
	img := func(n *html.Node) bool { return n.Data == "img" }
	srcset := attr(t, page.body, img, "srcset")
	for _, want := range []string{base + "?w=480 480w", base + "?w=960 960w", base + "?w=1600 1600w", base + " 2000w"} {
		if !strings.Contains(srcset, want) {
			t.Errorf("srcset %q lacks %q", srcset, want)
		}
	}
	if attr(t, page.body, img, "width") != "2000" || attr(t, page.body, img, "height") != "1000" || attr(t, page.body, img, "alt") != "The team" {
		t.Errorf("img attributes missing")
	}
	og := attr(t, page.body, func(n *html.Node) bool { return n.Data == "meta" && hasAttr(n, "property", "og:image") }, "content")
	if og != baseURL+base+"?w=1600" {
		t.Errorf("og:image %q", og)
	}
	if card := attr(t, page.body, func(n *html.Node) bool { return n.Data == "meta" && hasAttr(n, "name", "twitter:card") }, "content"); card != "summary_large_image" {
		t.Errorf("twitter:card %q", card)
	}
}

func TestStaticFiles(t *testing.T) {
	e := newEnv(t)
	page := e.get("/")
	href := attr(t, page.body, func(n *html.Node) bool { return n.Data == "link" && hasAttr(n, "rel", "stylesheet") }, "href")
	if !strings.HasPrefix(href, "/static/style.css?v=") {
		t.Fatalf("stylesheet link %q", href)
	}
	r := e.get(href)
	if r.code != 200 || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/css") || !strings.Contains(r.hdr.Get("Cache-Control"), "immutable") ||
		!strings.Contains(r.body, "prefers-color-scheme: dark") {
		t.Errorf("style.css: %d %v", r.code, r.hdr)
	}
	if r := e.get("/static/style.css?v=old"); strings.Contains(r.hdr.Get("Cache-Control"), "immutable") {
		t.Errorf("a stale version is cached for a year")
	}
	if r := e.get("/static/copy.js"); r.code != 200 || !strings.Contains(r.hdr.Get("Content-Type"), "javascript") {
		t.Errorf("copy.js: %d %v", r.code, r.hdr)
	}
}

// TestPageCacheFollowsContent checks that a cached page is never served
// after the content changed, and that 404s and personal pages are not kept.
func TestPageCacheFollowsContent(t *testing.T) {
	e := newEnv(t)
	e.post("First Cached Post", day(2011, 1, 5), nil)
	if r := e.get("/"); !strings.Contains(r.body, "First Cached Post") {
		t.Fatal("home lacks the first post")
	}
	e.post("Second Cached Post", day(2011, 1, 6), nil)
	if r := e.get("/"); !strings.Contains(r.body, "Second Cached Post") {
		t.Error("home served from cache after a new post")
	}
	if r := e.get("/no-such-page/"); r.code != 404 {
		t.Errorf("404 page: %d", r.code)
	}
	e.post("No Such Page", day(2011, 1, 7), func(p *blog.Post) { p.Type = blog.TypePage; p.Slug = "no-such-page" })
	if r := e.get("/no-such-page/"); r.code != 200 {
		t.Errorf("a page created at a 404 address: %d", r.code)
	}
}
