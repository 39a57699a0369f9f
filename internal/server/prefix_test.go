package server_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/quirehq/quire/internal/admin"
	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store/storetest"
)

// prefixWalk is a user's session with a site served under a path prefix:
// every response it reads is checked for links, form actions, assets and
// Locations that leave the prefix.
type prefixWalk struct {
	t      *testing.T
	base   string // the public base URL, http://127.0.0.1:PORT/blog
	origin *url.URL
	prefix string // "/blog"
	client *http.Client
	as     *apptest.Site
	clk    *clock
}

// newPrefixSite serves a site whose base URL is ORIGIN/blog on loopback:
// directly, or (viaProxy) behind an httputil.ReverseProxy that forwards
// /blog/ unchanged with X-Forwarded-Proto and X-Forwarded-Host and serves
// its own robots.txt at the root, as the proxy of a larger site does.
func newPrefixSite(t *testing.T, viaProxy bool) *prefixWalk {
	t.Helper()
	st := storetest.New(t)
	clk := &clock{t: time.Now()}
	as := apptest.New(t, st, apptest.Options{Now: clk.now, TrustedProxies: "127.0.0.1",
		Logger: slog.New(slog.DiscardHandler)})
	backend := httptest.NewServer(as.Handler)
	t.Cleanup(backend.Close)
	public := backend.URL
	if viaProxy {
		target, _ := url.Parse(backend.URL)
		proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target) // the path goes on as it came: /blog/…
			r.SetXForwarded()
			r.Out.Host = r.In.Host
		}}
		front := http.NewServeMux()
		front.Handle("/blog/", proxy)
		front.Handle("/blog", proxy)
		front.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "User-agent: *\nDisallow: /blog/admin/\n\nSitemap: http://"+r.Host+"/blog/sitemap.xml\n")
		})
		srv := httptest.NewServer(front)
		t.Cleanup(srv.Close)
		public = srv.URL
	}
	base := public + "/blog"
	if err := st.SaveSettings(context.Background(), map[string]string{site.KeyTitle: "Field Notes",
		site.KeyBaseURL: base + "/", site.KeyTimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	origin, _ := url.Parse(public)
	return &prefixWalk{t: t, base: base, origin: origin, prefix: "/blog", as: as, clk: clk,
		client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends req and checks that a Location stays under the prefix.
func (w *prefixWalk) do(req *http.Request) (*http.Response, []byte) {
	w.t.Helper()
	resp, err := w.client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		w.t.Fatal(err)
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		w.checkURL(req.URL, loc, "Location of "+req.Method+" "+req.URL.Path)
	}
	for _, c := range resp.Cookies() {
		if c.Path != "" && !strings.HasPrefix(c.Path, w.prefix+"/") {
			w.t.Errorf("%s %s: cookie %s has Path %q, outside %s/", req.Method, req.URL.Path, c.Name, c.Path, w.prefix)
		}
	}
	return resp, body
}

func (w *prefixWalk) get(path string, want int) (*http.Response, []byte) {
	w.t.Helper()
	req, _ := http.NewRequest("GET", w.abs(path), nil)
	resp, body := w.do(req)
	if resp.StatusCode != want {
		w.t.Fatalf("GET %s: %d, want %d\n%.500s", path, resp.StatusCode, want, body)
	}
	return resp, body
}

func (w *prefixWalk) post(path string, form url.Values, want int) (*http.Response, []byte) {
	w.t.Helper()
	req, _ := http.NewRequest("POST", w.abs(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, body := w.do(req)
	if resp.StatusCode != want {
		w.t.Fatalf("POST %s: %d, want %d\n%.500s", path, resp.StatusCode, want, body)
	}
	return resp, body
}

// abs makes a path (already under the prefix) or URL absolute.
func (w *prefixWalk) abs(p string) string {
	if strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		return p
	}
	return w.origin.Scheme + "://" + w.origin.Host + p
}

// checkURL reports a URL of this host, as raw resolves from page, that is
// not under the prefix, and returns it (resolved, without its fragment)
// when it is one of this site's.
func (w *prefixWalk) checkURL(page *url.URL, raw, where string) *url.URL {
	w.t.Helper()
	u, err := page.Parse(strings.TrimSpace(raw))
	if err != nil {
		w.t.Errorf("%s: bad URL %q: %v", where, raw, err)
		return nil
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host != w.origin.Host {
		return nil // another site, mailto:, data:
	}
	if !strings.HasPrefix(u.Path, w.prefix+"/") {
		w.t.Errorf("%s: %q leaves the prefix %s/ (resolves to %s)", where, raw, w.prefix, u)
		return nil
	}
	if w.prefix != "" && strings.HasPrefix(u.Path, w.prefix+w.prefix+"/") {
		w.t.Errorf("%s: %q has the prefix twice", where, raw)
	}
	u.Fragment = ""
	return u
}

// links checks every URL an HTML page carries (href, src, srcset, action,
// formaction, and URL-valued meta content) and returns those of this site
// a reader can follow with GET.
func (w *prefixWalk) links(page *url.URL, body []byte) []*url.URL {
	w.t.Helper()
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		w.t.Fatalf("%s: %v", page, err)
	}
	var out []*url.URL
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			// Links to follow: not endpoints for other servers (<link
			// rel=webmention>, rel=pingback), nor forms, which need input.
			follow := n.Data != "form"
			for _, a := range n.Attr {
				if a.Key == "rel" && (a.Val == "webmention" || a.Val == "pingback") {
					follow = false
				}
			}
			for _, a := range n.Attr {
				where := page.Path + ": <" + n.Data + " " + a.Key + ">"
				switch {
				case a.Key == "href" || a.Key == "src":
					if u := w.checkURL(page, a.Val, where); u != nil && follow {
						out = append(out, u)
					}
				case a.Key == "action" || a.Key == "formaction":
					w.checkURL(page, a.Val, where)
				case a.Key == "srcset":
					for _, c := range strings.Split(a.Val, ",") {
						if f := strings.Fields(c); len(f) > 0 {
							if u := w.checkURL(page, f[0], where); u != nil {
								out = append(out, u)
							}
						}
					}
				case a.Key == "content" && (strings.HasPrefix(a.Val, "http://") || strings.HasPrefix(a.Val, "/")):
					w.checkURL(page, a.Val, where)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// crawl follows every GET link of this site from start whose path starts
// with within, checking each page's links, until none is new (at most
// limit pages). A link that answers 404 or 5xx is broken.
func (w *prefixWalk) crawl(start, within string, limit int) int {
	w.t.Helper()
	u, _ := url.Parse(w.abs(start))
	queue, seen := []*url.URL{u}, map[string]bool{u.String(): true}
	n := 0
	for len(queue) > 0 && n < limit {
		u := queue[0]
		queue = queue[1:]
		n++
		req, _ := http.NewRequest("GET", u.String(), nil)
		resp, body := w.do(req)
		var next []*url.URL
		switch {
		case resp.StatusCode >= 300 && resp.StatusCode < 400:
			if loc := w.checkURL(u, resp.Header.Get("Location"), "Location of "+u.Path); loc != nil {
				next = append(next, loc)
			}
		case resp.StatusCode != http.StatusOK:
			w.t.Errorf("GET %s: %d (a broken link)", u, resp.StatusCode)
		case strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html"):
			next = w.links(u, body)
		}
		for _, l := range next {
			if k := l.String(); !seen[k] && strings.HasPrefix(l.Path, within) {
				seen[k] = true
				queue = append(queue, l)
			}
		}
	}
	return n
}

var absURL = regexp.MustCompile(`https?://[^\s"'<>&\\]+`)

// checkText checks every absolute URL of this host in a feed, sitemap or
// mail, and returns them.
func (w *prefixWalk) checkText(where, text string) []string {
	w.t.Helper()
	var out []string
	for _, s := range absURL.FindAllString(text, -1) {
		if u, err := url.Parse(s); err == nil && u.Host == w.origin.Host {
			if !strings.HasPrefix(s, w.base+"/") || strings.Contains(s, w.prefix+w.prefix+"/") {
				w.t.Errorf("%s: %s is not under %s/", where, s, w.base)
			}
			out = append(out, s)
		}
	}
	return out
}

// formValue returns the value of the first input named name in body.
func formValue(t *testing.T, body []byte, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="` + regexp.QuoteMeta(name) + `"`).FindSubmatch(body)
	if m == nil {
		t.Fatalf("no input %s in\n%.2000s", name, body)
	}
	return html.UnescapeString(string(m[1]) + string(m[2]))
}

// TestSiteUnderPathPrefix serves a site at http://127.0.0.1:PORT/blog/,
// directly and behind a reverse proxy that passes the prefix, and walks
// it as its owner and its readers do: first-run setup, login with next=,
// an image, a category, pages and a post written and published, every
// reader page and admin page reachable by a link, the feeds, the sitemap,
// robots.txt, a comment and its redirect, moderation and the mail it
// sends. No link, form action, asset, Location or cookie path leaves
// /blog/, nothing outside it is served, and every link followed works.
func TestSiteUnderPathPrefix(t *testing.T) {
	for _, viaProxy := range []bool{false, true} {
		name := "direct"
		if viaProxy {
			name = "behind a reverse proxy"
		}
		t.Run(name, func(t *testing.T) { walkPrefixedSite(t, viaProxy) })
	}
}

func walkPrefixedSite(t *testing.T, viaProxy bool) {
	w := newPrefixSite(t, viaProxy)
	ctx := context.Background()

	// Outside the prefix nothing is the site's; the prefix alone goes to
	// the home page.
	resp, _ := w.get("/blog", http.StatusMovedPermanently)
	if loc := resp.Header.Get("Location"); loc != "/blog/" {
		t.Errorf("/blog: Location %q, want /blog/", loc)
	}
	for _, p := range []string{"/admin/", "/feed/", "/wp-comments-post.php", "/static/style.css"} {
		if !viaProxy { // the proxy itself answers outside /blog/
			w.get(p, http.StatusNotFound)
		}
	}
	if !viaProxy {
		w.get("/healthz", http.StatusOK) // load balancers ask the backend directly
	}
	w.get("/blog/healthz", http.StatusOK)

	// First-run setup, from the link serve prints.
	link, err := admin.SetupLink(ctx, w.as.Store, w.base)
	if err != nil || !strings.HasPrefix(link, w.base+"/admin/setup/") {
		t.Fatalf("setup link %q, %v", link, err)
	}
	_, body := w.get(link, http.StatusOK)
	setupURL, _ := url.Parse(link)
	w.links(setupURL, body)
	resp, _ = w.post(setupURL.Path, url.Values{"name": {"Olive Owner"}, "email": {"olive@example.com"},
		"password": {"olive-password-1"}, "password2": {"olive-password-1"}}, http.StatusSeeOther)
	if loc := resp.Header.Get("Location"); loc != "/blog/admin/" {
		t.Errorf("after setup: Location %q, want /blog/admin/", loc)
	}
	w.post("/blog/admin/logout", nil, http.StatusSeeOther)

	// Login with next=: the admin asks for it, and returns there.
	resp, _ = w.get("/blog/admin/posts/", http.StatusSeeOther)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Path != "/blog/admin/login" || loc.Query().Get("next") != "/admin/posts/" {
		t.Fatalf("login redirect %s", loc)
	}
	_, body = w.get(loc.String(), http.StatusOK)
	w.links(loc, body)
	resp, _ = w.post("/blog/admin/login", url.Values{"email": {"olive@example.com"}, "password": {"olive-password-1"},
		"next": {formValue(t, body, "next")}}, http.StatusSeeOther)
	if got := resp.Header.Get("Location"); got != "/blog/admin/posts/" {
		t.Errorf("after login: Location %q, want /blog/admin/posts/", got)
	}

	// An image, a page with a child, a post in a category with a tag.
	var img bytes.Buffer
	m := image.NewRGBA(image.Rect(0, 0, 1600, 900))
	for x := range 1600 {
		m.Set(x, x%900, color.RGBA{200, 40, 40, 255})
	}
	png.Encode(&img, m)
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	fw, _ := mw.CreateFormFile("file", "harbour.png")
	fw.Write(img.Bytes())
	mw.WriteField("alt", "The harbour")
	mw.Close()
	req, _ := http.NewRequest("POST", w.abs("/blog/admin/media/"), &mp)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if resp, body := w.do(req); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%.500s", resp.StatusCode, body)
	}
	_, body = w.get("/blog/admin/media/", http.StatusOK)
	mediaID := regexp.MustCompile(`action="/blog/admin/media/(\d+)"`).FindSubmatch(body)
	if mediaID == nil {
		t.Fatalf("no image in the media list\n%.2000s", body)
	}
	save := func(path string, form url.Values) string {
		t.Helper()
		resp, _ := w.post(path, form, http.StatusSeeOther)
		return resp.Header.Get("Location")
	}
	about := save("/blog/admin/pages/new", url.Values{"title": {"About"}, "body": {"Who writes here."}, "action": {"publish"}})
	aboutID := strings.TrimPrefix(about, "/blog/admin/posts/")
	save("/blog/admin/pages/new", url.Values{"title": {"Contact"}, "body": {"Write to me."}, "parent": {aboutID}, "action": {"publish"}})
	postLoc := save("/blog/admin/posts/new", url.Values{"title": {"What business are you in?"},
		"body":           {"Read [about me](/blog/about/) first.\n\n<!--more-->\n\nThen the rest."},
		"new_categories": {"Sales"}, "tags": {"coaching"}, "featured": {string(mediaID[1])},
		"comments_field": {"1"}, "comments_open": {"1"}, "action": {"publish"}})
	if !strings.HasPrefix(postLoc, "/blog/admin/posts/") {
		t.Fatalf("after publishing: Location %q", postLoc)
	}
	w.post("/blog/admin/logout", nil, http.StatusSeeOther)

	// A reader comments on the post; it waits for moderation.
	_, home := w.get("/blog/", http.StatusOK)
	postPath := regexp.MustCompile(`<a href="(/blog/\d{4}/\d\d/\d\d/what-business-are-you-in/)" rel="bookmark"`).FindSubmatch(home)
	if postPath == nil {
		t.Fatalf("the post is not on the home page\n%.3000s", home)
	}
	_, page := w.get(string(postPath[1]), http.StatusOK)
	w.clk.add(time.Minute)
	resp, _ = w.post("/blog/wp-comments-post.php", url.Values{"comment_post_ID": {formValue(t, page, "comment_post_ID")},
		"comment_token": {formValue(t, page, "comment_token")}, "comment_parent": {"0"}, "author": {"Rita Reader"},
		"email": {"rita@example.org"}, "comment": {"Which business, then?"}, "wp-comment-cookies-consent": {"yes"}},
		http.StatusSeeOther)
	held := resp.Header.Get("Location")
	if !strings.HasPrefix(held, string(postPath[1])) || !strings.Contains(held, "#comment-") {
		t.Errorf("after commenting: Location %q, want the post's thread", held)
	}
	_, body = w.get(held, http.StatusOK)
	if !bytes.Contains(body, []byte("Which business, then?")) {
		t.Errorf("the held comment is not shown to its author (cookie path?)")
	}

	// The reader's whole site, crawled: every link works and stays inside.
	n := w.crawl("/blog/", "/blog/", 300)
	t.Logf("reader crawl: %d URLs", n)
	if n < 15 {
		t.Errorf("the crawl reached only %d pages", n)
	}

	// Feeds, sitemap and robots.txt: absolute URLs under the base URL.
	for _, p := range []string{"/blog/feed/", "/blog/feed/atom/", "/blog/feed/json/", "/blog/comments/feed/",
		string(postPath[1]) + "feed/", "/blog/category/sales/feed/"} {
		_, body := w.get(p, http.StatusOK)
		if urls := w.checkText(p, string(body)); len(urls) == 0 {
			t.Errorf("%s has no URL of the site", p)
		}
		if p == "/blog/feed/" && !bytes.Contains(body, []byte(w.base+"/about/")) {
			t.Errorf("%s: the post's link to /blog/about/ is not made absolute once:\n%s", p, body)
		}
	}
	// sitemap.xml is a sitemap index: its files are under the base URL
	// too, and so is every URL they list.
	_, idx := w.get("/blog/sitemap.xml", http.StatusOK)
	files := w.checkText("sitemap index", string(idx))
	if len(files) == 0 {
		t.Errorf("the sitemap index names no file:\n%s", idx)
	}
	var locs []string
	for _, f := range files {
		_, sm := w.get(f, http.StatusOK)
		locs = append(locs, w.checkText("sitemap file", string(sm))...)
	}
	if len(locs) < 4 {
		t.Errorf("the sitemap files list %d URLs", len(locs))
	}
	for _, l := range locs {
		w.get(l, http.StatusOK)
	}
	_, robots := w.get("/blog/robots.txt", http.StatusOK)
	for _, line := range []string{"Disallow: /blog/admin/", "Allow: /blog/", "Sitemap: " + w.base + "/sitemap.xml"} {
		if !strings.Contains(string(robots), line+"\n") {
			t.Errorf("robots.txt lacks %q:\n%s", line, robots)
		}
	}
	if viaProxy {
		_, root := w.get("/robots.txt", http.StatusOK) // the proxy's own, naming the site's sitemap
		w.checkText("root robots.txt", string(root))
	}

	// The owner hears of the comment: every link of the mail is under the
	// base URL.
	mails := w.as.SentMail()
	if len(mails) == 0 {
		t.Fatal("no mail about the held comment")
	}
	for _, m := range mails {
		if len(w.checkText("mail "+m.Subject, m.Text+m.HTML)) == 0 {
			t.Errorf("mail %q links to nothing of the site", m.Subject)
		}
	}

	// The owner logs in again and moderates; then the whole admin is
	// crawled.
	_, body = w.get("/blog/admin/login", http.StatusOK)
	w.post("/blog/admin/login", url.Values{"email": {"olive@example.com"}, "password": {"olive-password-1"},
		"next": {formValue(t, body, "next")}}, http.StatusSeeOther)
	_, body = w.get("/blog/admin/comments/?status=pending", http.StatusOK)
	cid := regexp.MustCompile(`href="/blog/admin/comments/(\d+)"`).FindSubmatch(body)
	if cid == nil {
		t.Fatalf("no pending comment in\n%.3000s", body)
	}
	resp, _ = w.post("/blog/admin/comments/"+string(cid[1])+"/approve", url.Values{"back": {"/admin/comments/" + string(cid[1])}},
		http.StatusSeeOther)
	if got := resp.Header.Get("Location"); got != "/blog/admin/comments/"+string(cid[1]) {
		t.Errorf("after approving: Location %q", got)
	}
	n = w.crawl("/blog/admin/", "/blog/admin/", 300)
	t.Logf("admin crawl: %d URLs", n)
	if n < 15 {
		t.Errorf("the admin crawl reached only %d pages", n)
	}
	w.crawl(string(postPath[1]), "/blog/", 40) // the post as its logged-in author sees it
}

// TestMovingUnderPrefixFromSettings moves a running site from the root of
// its host to /blog in the admin's settings: the redirect after saving
// goes to the settings page under the new prefix, the next requests are
// routed under it (no restart), and the root no longer answers for the
// site.
func TestMovingUnderPrefixFromSettings(t *testing.T) {
	w := newPrefixSite(t, false)
	root := w.origin.Scheme + "://" + w.origin.Host
	if err := w.as.Store.SaveSettings(context.Background(), map[string]string{site.KeyBaseURL: root}); err != nil {
		t.Fatal(err)
	}
	w.prefix, w.base = "", root
	link, err := admin.SetupLink(context.Background(), w.as.Store, root)
	if err != nil {
		t.Fatal(err)
	}
	setupURL, _ := url.Parse(link)
	w.post(setupURL.Path, url.Values{"name": {"Olive Owner"}, "email": {"olive@example.com"},
		"password": {"olive-password-1"}, "password2": {"olive-password-1"}}, http.StatusSeeOther)
	resp, _ := w.post("/admin/settings", url.Values{site.KeyTitle: {"Field Notes"}, site.KeyBaseURL: {root + "/blog/"},
		site.KeyTimeZone: {"UTC"}, site.KeyPermalink: {blog.PermalinkDay},
		site.KeyPostsPerPage: {"10"}, site.KeyFeedItems: {"10"}}, http.StatusSeeOther)
	if got := resp.Header.Get("Location"); got != "/blog/admin/settings" {
		t.Errorf("after moving the site: Location %q, want /blog/admin/settings", got)
	}
	w.prefix, w.base = "/blog", root+"/blog"
	w.get("/admin/login", http.StatusNotFound)
	w.get("/", http.StatusNotFound)
	// The session cookie was set for / and still covers /blog/.
	_, body := w.get("/blog/admin/settings", http.StatusOK)
	u, _ := url.Parse(w.abs("/blog/admin/settings"))
	w.links(u, body)
	w.get("/blog/", http.StatusOK)
}
