package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

func TestEveryURLFamily(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.post("First Steps", day(2011, 1, 5), func(p *blog.Post) {
		p.Categories = []blog.Term{{Name: "Sales/Prospecting"}}
		p.Tags = []blog.Term{{Name: "Cold Calls"}}
		p.Body = "Intro words.\n\n<!--more-->\n\nThe rest."
		p.BodyHTML = "<p>Intro words.</p>\n<!--more-->\n<p>Hidden until you click.</p>"
	})
	e.post("Second Thoughts", day(2011, 2, 9), func(p *blog.Post) {
		p.Categories = []blog.Term{{Name: "Sales"}}
		p.Excerpt = "A short excerpt for lists."
	})
	e.post("Third Time", day(2012, 3, 1), nil)
	about := &blog.Post{Type: blog.TypePage, Status: blog.StatusPublished, Title: "About", BodyHTML: "<p>About us.</p>", Body: "About us.", PublishedAt: day(2010, 1, 1)}
	if _, err := e.st.SavePost(ctx, about); err != nil {
		t.Fatal(err)
	}
	services := &blog.Post{Type: blog.TypePage, Status: blog.StatusPublished, Title: "Services", ParentID: about.ID,
		BodyHTML: "<p>Coaching and talks.</p>", Body: "Coaching and talks.", PublishedAt: day(2010, 1, 1)}
	if _, err := e.st.SavePost(ctx, services); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		path string
		want []string
		not  []string
	}{
		{"/", []string{"Third Time", "Second Thoughts", "A short excerpt for lists.", `href="/about/"`, "Recent posts", "Page 1 of 2", `href="/page/2/"`}, []string{"First Steps</a></h2>"}},
		{"/page/2/", []string{"First Steps", "Intro words.", "Continue reading", `href="/2011/01/05/first-steps/#more"`}, []string{"Hidden until you click."}},
		{"/2011/01/05/first-steps/", []string{"<h1 class=\"entry-title\">First Steps</h1>", "Hidden until you click.", `<span id="more"></span>`,
			`datetime="2011-01-05T09:00:00-06:00"`, "January 5, 2011", `href="/author/ann-writer/"`, `href="/category/sales/prospecting/"`,
			`href="/tag/cold-calls/"`, "1 min read", "Next post", "Second Thoughts", "Share this post"}, nil},
		{"/about/", []string{"About us.", `href="/about/" aria-current="page"`}, []string{"Share this post"}},
		{"/about/services/", []string{"Coaching and talks.", `<nav class="breadcrumbs"`, `href="/about/"`}, nil},
		{"/tag/cold-calls/", []string{"Tag: Cold Calls", "First Steps", `href="https://blog.example.com/tag/cold-calls/feed/"`}, []string{"Third Time</a></h2>"}},
		{"/category/sales/", []string{"Category: Sales", "First Steps", "Second Thoughts"}, nil},
		{"/category/sales/prospecting/", []string{"Category: Prospecting", "First Steps"}, []string{"Second Thoughts</a></h2>"}},
		{"/author/ann-writer/", []string{"Posts by Ann Writer", "Third Time", `href="/author/ann-writer/page/2/"`}, nil},
		{"/author/ann-writer/page/2/", []string{"First Steps"}, nil},
		{"/2011/", []string{"Yearly archives: 2011", "First Steps", "Second Thoughts"}, []string{"Third Time</a></h2>"}},
		{"/2011/01/", []string{"Monthly archives: January 2011", "First Steps"}, []string{"Second Thoughts</a></h2>"}},
		{"/2011/01/05/", []string{"Daily archives: January 5, 2011", "First Steps"}, nil},
		{"/?s=thoughts", []string{"Search results for “thoughts”", "Second Thoughts", `name="robots" content="noindex"`, `value="thoughts"`}, []string{"First Steps</a></h2>"}},
		{"/?s=", []string{"Type a word or two"}, nil},
		{"/?s=%22unmatched", []string{"Search results for “&#34;unmatched”", "Nothing matched"}, nil},
	}
	for _, c := range cases {
		r := e.get(c.path)
		if r.code != http.StatusOK {
			t.Errorf("%s: status %d", c.path, r.code)
			continue
		}
		t.Run(c.path, func(t *testing.T) {
			r.has(t, c.want...)
			r.lacks(t, c.not...)
			if n := strings.Count(r.body, "<h1"); n != 1 {
				t.Errorf("%d h1 elements, want 1", n)
			}
			r.has(t, `<link rel="canonical"`, `rel="alternate" type="application/rss&#43;xml"`, `<main id="content"`,
				`<nav class="site-nav"`, `<aside`, `<footer`, `class="skip-link"`, `<label for="search-input">`)
			if ct := r.hdr.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("content type %q", ct)
			}
		})
	}
}

func TestPostMetadata(t *testing.T) {
	e := newEnv(t)
	p := e.post("Closing </script> Deals", day(2013, 4, 2), func(p *blog.Post) { p.Excerpt = "How to close & keep <customers>." })
	r := e.get("/2013/04/02/closing-script-deals/")
	if r.code != 200 {
		t.Fatalf("status %d", r.code)
	}
	r.has(t, `<meta name="description" content="How to close &amp; keep &lt;customers&gt;.">`,
		`<meta property="og:type" content="article">`, `<meta property="og:title" content="Closing &lt;/script&gt; Deals">`,
		`<meta name="twitter:card" content="summary">`,
		`<link rel="canonical" href="https://blog.example.com/2013/04/02/closing-script-deals/">`)
	start := strings.Index(r.body, `<script type="application/ld+json">`)
	if start < 0 {
		t.Fatal("no JSON-LD")
	}
	rest := r.body[start+len(`<script type="application/ld+json">`):]
	end := strings.Index(rest, "</script>")
	var ld map[string]any
	if err := json.Unmarshal([]byte(rest[:end]), &ld); err != nil {
		t.Fatalf("JSON-LD does not parse (or ended early): %v\n%s", err, rest[:end])
	}
	if ld["headline"] != p.Title || ld["@type"] != "BlogPosting" || ld["url"] != baseURL+"/2013/04/02/closing-script-deals/" {
		t.Errorf("JSON-LD: %v", ld)
	}
}

func TestCanonicalRedirects(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.post("Old Name", day(2011, 1, 5), nil)
	p.Slug = "new-name"
	if _, err := e.st.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	about := &blog.Post{Type: blog.TypePage, Status: blog.StatusPublished, Title: "About", Body: "x", BodyHTML: "<p>x</p>", PublishedAt: day(2010, 1, 1)}
	if _, err := e.st.SavePost(ctx, about); err != nil {
		t.Fatal(err)
	}
	e.post("Tagged", day(2011, 1, 6), func(p *blog.Post) {
		p.Categories = []blog.Term{{Name: "Sales/Closing"}}
		p.Tags = []blog.Term{{Name: "Tagged"}}
	})

	check := func(path, want string) {
		t.Helper()
		r := e.get(path)
		if r.code != http.StatusMovedPermanently || r.hdr.Get("Location") != want {
			t.Errorf("%s: %d to %q, want 301 to %q", path, r.code, r.hdr.Get("Location"), want)
		}
	}
	check("/2011/01/05/old-name/", "/2011/01/05/new-name/")  // slug changed
	check("/2011/01/05/new-name", "/2011/01/05/new-name/")   // missing slash
	check("/2012/07/19/new-name/", "/2011/01/05/new-name/")  // wrong date
	check("/2011/01/new-name/", "/2011/01/05/new-name/")     // other pattern
	check("/new-name/", "/2011/01/05/new-name/")             // other pattern
	check("/old-name/?utm=x", "/2011/01/05/new-name/?utm=x") // query kept
	check("/about", "/about/")                               // page without slash
	check("/2011/01", "/2011/01/")                           // archive without slash
	check("/2011/1/", "/2011/01/")                           // unpadded month
	check("/page/1/", "/")                                   // first page
	check("/tag/tagged", "/tag/tagged/")                     // missing slash
	check("/category/closing/", "/category/sales/closing/")  // child by its own slug
	check("/category/sales/closing/page/1/", "/category/sales/closing/")
	check("/feed/atom", "/feed/atom/")

	// Slugs in other scripts are kept and answer at their escaped path.
	e.post("Привет мир", day(2011, 3, 3), nil)
	if r := e.get("/2011/03/03/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82-%D0%BC%D0%B8%D1%80/"); r.code != 200 {
		t.Errorf("non-ASCII slug: %d", r.code)
	}
	check("/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82-%D0%BC%D0%B8%D1%80/", "/2011/03/03/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82-%D0%BC%D0%B8%D1%80/")

	// The site switches to /{slug}/: old dated URLs move there.
	if err := e.st.SaveSettings(ctx, map[string]string{site.KeyPermalink: blog.PermalinkSlug}); err != nil {
		t.Fatal(err)
	}
	check("/2011/01/05/new-name/", "/new-name/")
	check("/2011/01/05/old-name/", "/new-name/")
	if r := e.get("/new-name/"); r.code != 200 {
		t.Errorf("/new-name/ under the slug pattern: %d", r.code)
	}
}

func TestNotFound(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.post("Visible", day(2011, 1, 5), func(p *blog.Post) { p.Tags = []blog.Term{{Name: "seen"}} })
	draft := e.post("A Draft", day(2011, 1, 6), func(p *blog.Post) { p.Status = blog.StatusDraft })
	e.post("Scheduled", day(2030, 1, 1), func(p *blog.Post) { p.Status = blog.StatusScheduled })
	e.post("Future Dated", day(2030, 1, 2), nil)
	e.post("Private One", day(2011, 1, 7), func(p *blog.Post) { p.Status = blog.StatusPrivate })
	trashed := e.post("Trashed", day(2011, 1, 8), nil)
	if err := e.st.SetStatus(ctx, trashed.ID, blog.StatusTrash); err != nil {
		t.Fatal(err)
	}
	_ = draft
	for _, path := range []string{
		"/2011/01/06/a-draft/", "/a-draft/", "/2030/01/01/scheduled/", "/2030/01/02/future-dated/",
		"/2011/01/07/private-one/", "/2011/01/08/trashed/", "/trashed/",
		"/no-such-thing/", "/2011/01/05/no-such-post/", "/tag/unknown/", "/category/nope/", "/author/nobody/",
		"/page/2/", "/page/99/", "/page/0/", "/page/x/", "/tag/seen/page/2/", "/2011/page/5/",
		"/1999/", "/2011/02/30/", "/2011/13/", "/foo/bar/visible/",
		"/%00", "/%00/", "/a%00b/", "/" + strings.Repeat("a", 5000) + "/", "/feed/nope/",
		"/media/1/x.jpg", "/media/abc/x.jpg", "/static/nope.css", "/2011/01/05/visible/extra/",
	} {
		r := e.get(path)
		if r.code != http.StatusNotFound {
			t.Errorf("%.60s: status %d, want 404", path, r.code)
			continue
		}
		if !strings.Contains(r.body, "Page not found") || !strings.Contains(r.body, `<link rel="stylesheet"`) {
			t.Errorf("%.60s: not the themed 404 page", path)
		}
		if r.hdr.Get("ETag") != "" {
			t.Errorf("%.60s: a 404 carries an ETag", path)
		}
	}
	// What readers may not see is in no list, feed or sitemap either.
	for _, path := range []string{"/", "/feed/", "/feed/atom/", "/feed/json/", "/sitemap.xml", "/sitemaps/posts-1.xml", "/2011/", "/?s=draft", "/?s=scheduled"} {
		r := e.get(path)
		for _, hidden := range []string{"A Draft", "a-draft", "Scheduled", "Future Dated", "Private One", "Trashed"} {
			if strings.Contains(r.body, hidden) {
				t.Errorf("%s shows %q", path, hidden)
			}
		}
	}
	// The mux cleans dot segments with a redirect; where it leads is a 404.
	r := e.get("/../../etc/passwd")
	if r.code == http.StatusMovedPermanently || r.code == http.StatusTemporaryRedirect || r.code == http.StatusPermanentRedirect {
		r = e.get(r.hdr.Get("Location"))
	}
	if r.code != http.StatusNotFound {
		t.Errorf("/../../etc/passwd ends in %d, want 404", r.code)
	}
	if r := e.get(`/?s="unmatched`); r.code != http.StatusOK {
		t.Errorf(`search with an unmatched quote: %d`, r.code)
	}
	if r := e.get("/?s=" + strings.Repeat("%22a+OR+", 300)); r.code != http.StatusOK {
		t.Errorf(`long hostile search: %d`, r.code)
	}
}

func TestListPagingAndMore(t *testing.T) {
	e := newEnv(t)
	e.post("Protected Thing", day(2011, 1, 1), func(p *blog.Post) {
		p.Password = "open sesame"
		p.BodyHTML = "<p>Secret plan.</p>"
	})
	e.post("Cut Inside", day(2011, 1, 2), func(p *blog.Post) {
		p.BodyHTML = "<p>Before <em>the cut <!--more--> after</em></p><p>Far after.</p>"
	})
	r := e.get("/")
	if r.code != 200 {
		t.Fatal(r.code)
	}
	r.has(t, "Before <em>the cut </em></p>", "password protected")
	r.lacks(t, "Secret plan.", "Far after.")

	// A long post without a break is summarised; a short one is shown whole.
	e.post("Long One", day(2011, 1, 3), func(p *blog.Post) {
		p.BodyHTML = "<p>" + strings.Repeat("word ", 300) + "</p><p>The very end.</p>"
	})
	e.post("Short One", day(2011, 1, 4), func(p *blog.Post) { p.BodyHTML = "<p>Tiny <strong>post</strong>.</p>" })
	r = e.get("/")
	r.has(t, "Tiny <strong>post</strong>.", "…", `href="/2011/01/03/long-one/">Continue reading`)
	r.lacks(t, "The very end.", `href="/2011/01/04/short-one/">Continue reading`)
}

func TestMountsBesideOtherPatterns(t *testing.T) {
	// The server mounts the admin with method-less patterns on the same
	// mux as the reader pages: building the env's handler registered
	// both without a conflict; each still gets its own paths.
	e := newEnv(t)
	if r := e.get("/admin/posts/"); r.code != http.StatusSeeOther || !strings.HasPrefix(r.hdr.Get("Location"), "/admin/login") {
		t.Errorf("/admin/posts/ did not reach the admin: %d %q", r.code, r.hdr.Get("Location"))
	}
	if r := e.get("/healthz"); r.code != http.StatusOK {
		t.Errorf("/healthz: %d", r.code)
	}
	r := e.do(httptest.NewRequest("POST", "/some/where/", nil))
	if r.code != http.StatusMethodNotAllowed || r.hdr.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST to a reader path: %d %v", r.code, r.hdr)
	}
}
