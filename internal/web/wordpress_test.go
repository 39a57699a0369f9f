package web_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/wpimport"
)

// Curly quotes and dashes are a setting, on by default as on WordPress,
// for Markdown posts and every title; code keeps its straight quotes.
func TestTypographySetting(t *testing.T) {
	e := newEnv(t)
	p := e.post(`It's "quoted"`, day(2024, 5, 1), func(p *blog.Post) {
		p.Body = "x"
		p.BodyHTML = `<p>It&#39;s &#34;here&#34; -- ok...</p><pre><code>&#34;x&#34; -- y</code></pre>`
	})
	path := "/2024/05/01/" + p.Slug + "/"
	r := e.get(path)
	if r.code != 200 {
		t.Fatalf("GET %s: %d", path, r.code)
	}
	r.has(t, "It&#8217;s &#8220;here&#8221; &#8212; ok&#8230;", `<code>"x" -- y</code>`, "It’s “quoted”")

	if err := e.st.SaveSettings(context.Background(), map[string]string{site.KeyTypography: "0"}); err != nil {
		t.Fatal(err)
	}
	r = e.get(path)
	r.has(t, "It&#39;s &#34;here&#34; -- ok...")
	r.lacks(t, "&#8220;here", "It’s")
}

// importSite imports the WordPress importer's test export into the env.
func (e *env) importSite() *wpimport.Summary {
	e.t.Helper()
	f, err := os.Open("../wpimport/testdata/site.xml")
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	sum, err := wpimport.Import(context.Background(), wpimport.Options{Store: e.st}, f)
	if err != nil {
		e.t.Fatal(err)
	}
	return sum
}

func (e *env) redirects(t *testing.T, from, to string) {
	t.Helper()
	r := e.get(from)
	if r.code != http.StatusMovedPermanently || r.hdr.Get("Location") != to {
		t.Errorf("GET %s: %d to %q, want 301 to %q", from, r.code, r.hdr.Get("Location"), to)
	}
}

// Every old address of an imported WordPress site answers 301 to the new
// one: its permalink in another pattern, ?p=ID, ?page_id=ID, ?cat=ID,
// ?author=ID, ?feed=, an old slug, a taken slug's old path and its feed.
func TestOldWordPressAddresses(t *testing.T) {
	e := newEnv(t)
	e.now = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	mine := e.post("Mine", day(2020, 1, 1), func(p *blog.Post) { p.Slug = "members-only" })
	e.importSite()
	set, _, err := e.site.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if set.Permalink != blog.PermalinkDay {
		t.Fatalf("a site with posts took the export's permalinks: %s", set.Permalink)
	}
	post := "/2011/01/10/what-business-are-you-in/"
	if r := e.get(post); r.code != 200 {
		t.Fatalf("GET %s: %d", post, r.code)
	}
	e.redirects(t, "/2011/01/what-business-are-you-in/", post)
	e.redirects(t, "/?p=101", post)
	e.redirects(t, "/?p=101&feed=rss2", post+"feed/")
	e.redirects(t, "/what-business/", post)
	e.redirects(t, "/?page_id=105", "/about/speaking/")
	e.redirects(t, "/?cat=4", "/category/sales/prospecting/cold-calling/")
	e.redirects(t, "/?author=7", "/author/guest/")
	e.redirects(t, "/?feed=rss2", "/feed/")
	// The slug was taken: the old path goes to the imported post, the
	// site's own post keeps its address.
	e.redirects(t, "/2012/03/members-only/", "/2012/03/03/members-only-2/")
	e.redirects(t, "/2012/03/members-only/feed/", "/2012/03/03/members-only-2/feed/")
	if r := e.get("/2020/01/01/" + mine.Slug + "/"); r.code != 200 {
		t.Errorf("the site's own post: %d", r.code)
	}
	// A draft's ID reveals nothing.
	if r := e.get("/?p=102"); r.code == http.StatusMovedPermanently {
		t.Errorf("a draft's ?p= redirected to %s", r.hdr.Get("Location"))
	}
	if r := e.get("/no-such-thing/"); r.code != 404 {
		t.Errorf("unknown address: %d", r.code)
	}
}

// When the files came in, /wp-content/uploads/… (and WordPress's resized
// copies) answer 301 to Quire's copies.
func TestOldUploadAddresses(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "2011", "01"), 0o755); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "2011", "01", "handshake.jpg"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../wpimport/testdata/site.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := wpimport.Import(context.Background(), wpimport.Options{Store: e.st, Media: wpimport.Dir(dir)}, f); err != nil {
		t.Fatal(err)
	}
	ms, err := e.st.ListMedia(context.Background(), 1, 0)
	if err != nil || len(ms) != 1 {
		t.Fatalf("media %v %v", ms, err)
	}
	to := "/media/" + itoa(ms[0].ID) + "/" + ms[0].Filename
	e.redirects(t, "/wp-content/uploads/2011/01/handshake.jpg", to)
	e.redirects(t, "/wp-content/uploads/2011/01/handshake-300x200.jpg", to+"?w=300")
	e.redirects(t, "/?attachment_id=106", to)
	if r := e.get("/wp-content/uploads/2011/01/other.jpg"); r.code != 404 {
		t.Errorf("unknown upload: %d", r.code)
	}
}
