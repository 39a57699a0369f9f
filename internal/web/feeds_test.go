package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

type rssDoc struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		// The namespaced field comes first: a field without a namespace
		// matches an element in any namespace.
		AtomLinks []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Title         string `xml:"title"`
		Link          string `xml:"link"`
		Description   string `xml:"description"`
		LastBuildDate string `xml:"lastBuildDate"`
		Items         []struct {
			Title string `xml:"title"`
			Link  string `xml:"link"`
			GUID  struct {
				IsPermaLink string `xml:"isPermaLink,attr"`
				Value       string `xml:",chardata"`
			} `xml:"guid"`
			PubDate     string `xml:"pubDate"`
			Creator     string `xml:"http://purl.org/dc/elements/1.1/ creator"`
			Description string `xml:"description"`
			Content     string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
		} `xml:"item"`
	} `xml:"channel"`
}

type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr"`
	} `xml:"link"`
	Entries []struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Links []struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Content string `xml:"content"`
	} `xml:"entry"`
}

func TestFeeds(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	first := e.post("Prices & <Value>", day(2011, 1, 5), func(p *blog.Post) {
		p.Tags = []blog.Term{{Name: "pricing"}}
		p.Categories = []blog.Term{{Name: "Sales/Closing"}}
		p.BodyHTML = `<p>See <a href="/2011/01/05/other/">this</a> and <img src="/media/1/a.png" alt=""> and <a href="//cdn.example.org/x">that</a>.</p>`
	})
	e.post("Unrelated", day(2011, 2, 5), nil)

	r := e.get("/feed/")
	if r.code != 200 || r.hdr.Get("Content-Type") != "application/rss+xml; charset=utf-8" {
		t.Fatalf("rss: %d %q", r.code, r.hdr.Get("Content-Type"))
	}
	var rss rssDoc
	if err := xml.Unmarshal([]byte(r.body), &rss); err != nil {
		t.Fatalf("rss does not parse: %v", err)
	}
	ch := rss.Channel
	if rss.Version != "2.0" || ch.Title != "Field Notes" || ch.Link != baseURL+"/" || ch.Description == "" {
		t.Errorf("channel: %+v", ch)
	}
	if _, err := time.Parse(time.RFC1123Z, ch.LastBuildDate); err != nil {
		t.Errorf("lastBuildDate %q: %v", ch.LastBuildDate, err)
	}
	if len(ch.AtomLinks) != 1 || ch.AtomLinks[0].Rel != "self" || ch.AtomLinks[0].Href != baseURL+"/feed/" {
		t.Errorf("self link: %+v", ch.AtomLinks)
	}
	if len(ch.Items) != 2 {
		t.Fatalf("%d items", len(ch.Items))
	}
	it := ch.Items[1]
	if it.Title != "Prices & <Value>" || it.Link != baseURL+"/2011/01/05/prices-value/" || it.GUID.Value != first.GUID ||
		it.GUID.IsPermaLink != "false" || it.Creator != "Ann Writer" {
		t.Errorf("item: %+v", it)
	}
	if pd, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil || !pd.Equal(first.PublishedAt) {
		t.Errorf("pubDate %q: %v", it.PubDate, err)
	}
	for _, want := range []string{`href="` + baseURL + `/2011/01/05/other/"`, `src="` + baseURL + `/media/1/a.png"`, `href="//cdn.example.org/x"`} {
		if !strings.Contains(it.Content, want) {
			t.Errorf("content lacks %s: %s", want, it.Content)
		}
	}

	r = e.get("/feed/atom/")
	if r.code != 200 || r.hdr.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
		t.Fatalf("atom: %d %q", r.code, r.hdr.Get("Content-Type"))
	}
	var atom atomDoc
	if err := xml.Unmarshal([]byte(r.body), &atom); err != nil {
		t.Fatalf("atom does not parse: %v", err)
	}
	if atom.ID != baseURL+"/feed/atom/" || len(atom.Entries) != 2 {
		t.Errorf("atom: %+v", atom)
	}
	if _, err := time.Parse(time.RFC3339, atom.Updated); err != nil {
		t.Errorf("atom updated: %v", err)
	}
	selfOK := false
	for _, l := range atom.Links {
		selfOK = selfOK || (l.Rel == "self" && l.Href == baseURL+"/feed/atom/")
	}
	if !selfOK {
		t.Errorf("atom self link missing: %+v", atom.Links)
	}
	for _, en := range atom.Entries {
		if en.Author.Name == "" || en.ID == "" || !strings.HasPrefix(en.Links[0].Href, baseURL+"/") {
			t.Errorf("atom entry: %+v", en)
		}
	}

	r = e.get("/feed/json/")
	if r.code != 200 || r.hdr.Get("Content-Type") != "application/feed+json; charset=utf-8" {
		t.Fatalf("json: %d %q", r.code, r.hdr.Get("Content-Type"))
	}
	var jf struct {
		Version string `json:"version"`
		FeedURL string `json:"feed_url"`
		Items   []struct {
			ID, URL, Title string
			ContentHTML    string `json:"content_html"`
			DatePublished  string `json:"date_published"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.body), &jf); err != nil {
		t.Fatalf("json feed: %v", err)
	}
	if jf.Version != "https://jsonfeed.org/version/1.1" || jf.FeedURL != baseURL+"/feed/json/" || len(jf.Items) != 2 ||
		jf.Items[1].ID != first.GUID || jf.Items[1].ContentHTML == "" {
		t.Errorf("json feed: %+v", jf)
	}

	// Per tag and category feeds hold only their posts.
	for _, path := range []string{"/tag/pricing/feed/", "/category/sales/feed/", "/category/sales/closing/feed/"} {
		r = e.get(path)
		var one rssDoc
		if err := xml.Unmarshal([]byte(r.body), &one); err != nil || r.code != 200 {
			t.Fatalf("%s: %d %v", path, r.code, err)
		}
		if len(one.Channel.Items) != 1 || one.Channel.AtomLinks[0].Href != baseURL+path {
			t.Errorf("%s: %+v", path, one.Channel)
		}
	}
	for _, path := range []string{"/tag/pricing/feed/atom/", "/tag/pricing/feed/json/", "/category/sales/closing/feed/atom/"} {
		if r := e.get(path); r.code != 200 || !strings.Contains(r.body, baseURL+path) {
			t.Errorf("%s: %d", path, r.code)
		}
	}

	// A slug change keeps the GUID; settings choose count and excerpts.
	first.Slug = "renamed"
	if _, err := e.st.SavePost(ctx, first); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SaveSettings(ctx, map[string]string{site.KeyFeedItems: "1", site.KeyFeedFullText: "0"}); err != nil {
		t.Fatal(err)
	}
	e.post("Newest", day(2012, 1, 1), nil)
	r = e.get("/tag/pricing/feed/")
	rss = rssDoc{}
	if err := xml.Unmarshal([]byte(r.body), &rss); err != nil {
		t.Fatal(err)
	}
	if len(rss.Channel.Items) != 1 || rss.Channel.Items[0].GUID.Value != first.GUID ||
		!strings.HasSuffix(rss.Channel.Items[0].Link, "/renamed/") || rss.Channel.Items[0].Content != "" {
		t.Errorf("after rename with excerpts: %+v", rss.Channel.Items)
	}
	if strings.Contains(r.body, "content:encoded") {
		t.Errorf("full text sent with feed_full_text off")
	}
}

func TestRobotsAndSitemap(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.post("Listed", day(2011, 1, 5), nil)
	e.post("Not Listed", day(2011, 1, 6), func(p *blog.Post) { p.Status = blog.StatusDraft })
	about := &blog.Post{Type: blog.TypePage, Status: blog.StatusPublished, Title: "About", Body: "x", BodyHTML: "x", PublishedAt: day(2010, 1, 1)}
	if _, err := e.st.SavePost(ctx, about); err != nil {
		t.Fatal(err)
	}
	team := &blog.Post{Type: blog.TypePage, Status: blog.StatusPublished, Title: "Team", Body: "x", BodyHTML: "x", ParentID: about.ID, PublishedAt: day(2010, 1, 1)}
	if _, err := e.st.SavePost(ctx, team); err != nil {
		t.Fatal(err)
	}

	r := e.get("/robots.txt")
	if r.code != 200 || !strings.Contains(r.body, "Disallow: /admin/") || !strings.Contains(r.body, "Sitemap: "+baseURL+"/sitemap.xml") {
		t.Errorf("robots.txt: %d %s", r.code, r.body)
	}
	sm := readSitemap(t, e)
	var locs []string
	for _, u := range sm {
		locs = append(locs, u.Loc)
		if _, err := url.Parse(u.Loc); err != nil || u.LastMod == "" {
			t.Errorf("sitemap entry %+v", u)
		}
	}
	got := strings.Join(locs, " ")
	for _, want := range []string{baseURL + "/", baseURL + "/2011/01/05/listed/", baseURL + "/about/", baseURL + "/about/team/"} {
		if !strings.Contains(got, want) {
			t.Errorf("sitemap lacks %s: %s", want, got)
		}
	}
	if strings.Contains(got, "not-listed") {
		t.Errorf("sitemap lists a draft")
	}
}

type sitemapEntry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
}

// readSitemap reads sitemap.xml, a sitemap index, and every file it names,
// and returns their entries in order.
func readSitemap(t *testing.T, e *env) []sitemapEntry {
	t.Helper()
	r := e.get("/sitemap.xml")
	var idx struct {
		XMLName  xml.Name
		Sitemaps []struct {
			Loc string `xml:"loc"`
		} `xml:"sitemap"`
	}
	if err := xml.Unmarshal([]byte(r.body), &idx); err != nil || r.code != 200 || idx.XMLName.Local != "sitemapindex" ||
		idx.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" || len(idx.Sitemaps) == 0 {
		t.Fatalf("sitemap index: %d %v %+v", r.code, err, idx)
	}
	var out []sitemapEntry
	for _, f := range idx.Sitemaps {
		path, ok := strings.CutPrefix(f.Loc, baseURL)
		if !ok {
			t.Fatalf("sitemap file %s is not on the site", f.Loc)
		}
		r := e.get(path)
		var set struct {
			XMLName xml.Name
			URLs    []sitemapEntry `xml:"url"`
		}
		if err := xml.Unmarshal([]byte(r.body), &set); err != nil || r.code != 200 || set.XMLName.Local != "urlset" {
			t.Fatalf("sitemap file %s: %d %v", path, r.code, err)
		}
		if ct := r.hdr.Get("Content-Type"); ct != "application/xml; charset=utf-8" {
			t.Errorf("sitemap file %s: Content-Type %q", path, ct)
		}
		out = append(out, set.URLs...)
	}
	return out
}

// TestSitemapIndexSplitsFiles: a site of more posts than a sitemap file
// holds gets a sitemap index naming one file per thousand, each listing its
// own posts once (the home page in the first), each cached; a file past
// the last is not found.
func TestSitemapIndexSplitsFiles(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	err := e.st.InTx(ctx, func(tx *store.Store) error {
		for i := range 1001 {
			p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: fmt.Sprintf("Note %d", i),
				Body: "x", BodyHTML: "<p>x</p>", PublishedAt: day(2011, 1, 5).Add(time.Duration(i) * time.Minute)}
			if _, err := tx.SavePost(ctx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	entries := readSitemap(t, e)
	if len(entries) != 1002 || entries[0].Loc != baseURL+"/" {
		t.Fatalf("%d entries (first %+v), want the home page and 1,001 posts", len(entries), entries[0])
	}
	seen := map[string]bool{}
	for _, u := range entries {
		if seen[u.Loc] {
			t.Errorf("%s listed twice", u.Loc)
		}
		seen[u.Loc] = true
	}
	if r := e.get("/sitemap.xml"); strings.Count(r.body, "<sitemap>") != 2 {
		t.Errorf("index: %s, want two files", r.body)
	}
	r := e.get("/sitemaps/posts-2.xml")
	if strings.Count(r.body, "<url>") != 1 || !strings.Contains(r.body, "note-1000") {
		t.Errorf("second file: %d entries, want the 1,001st post alone", strings.Count(r.body, "<url>"))
	}
	// Cached: a post removed behind the store's back (no new content
	// version) is still listed from the cache.
	if _, err := e.st.DB().ExecContext(ctx, "DELETE FROM posts WHERE title = 'Note 1000'"); err != nil {
		t.Fatal(err)
	}
	if again := e.get("/sitemaps/posts-2.xml"); again.body != r.body {
		t.Error("the second file was made again rather than served from the cache")
	}
	for _, path := range []string{"/sitemaps/posts-3.xml", "/sitemaps/posts-0.xml", "/sitemaps/posts-x.xml", "/sitemaps/other.xml"} {
		if r := e.get(path); r.code != 404 {
			t.Errorf("%s: %d, want 404", path, r.code)
		}
	}
}
