package web_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
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
	r = e.get("/sitemap.xml")
	var sm struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(r.body), &sm); err != nil || r.code != 200 {
		t.Fatalf("sitemap: %d %v", r.code, err)
	}
	var locs []string
	for _, u := range sm.URLs {
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
