package web

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// feedSpec describes one feed: its format, its posts and where it lives.
type feedSpec struct {
	kind        string // feedRSS, feedAtom or feedJSON
	filter      blog.PostFilter
	title       string
	description string
	home        string // path of the HTML page the feed mirrors
	self        string // path of the feed itself
}

// siteFeed serves the site's feeds: /feed/ (RSS 2.0), /feed/atom/ and
// /feed/json/. /feed/rss2/ and paths without their slash answer 301.
func (h *Handler) siteFeed(w http.ResponseWriter, r *http.Request) {
	kind := ""
	switch r.PathValue("rest") {
	case "":
		kind = feedRSS
	case "atom/":
		kind = feedAtom
	case "json/":
		kind = feedJSON
	case "rss2/", "rss2", "rss/", "rss":
		redirect(w, r, "/feed/")
		return
	case "atom", "json":
		redirect(w, r, r.URL.Path+"/")
		return
	default:
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	self := "/feed/"
	if kind != feedRSS {
		self += kind + "/"
	}
	h.writeFeed(w, r, st, ver, c, feedSpec{kind: kind, title: st.Title, description: st.Description, home: "/", self: self})
}

// feedEntry is one post as every feed format needs it.
type feedEntry struct {
	post      *blog.Post
	url       string
	content   string // HTML with absolute URLs; empty when only a summary is given
	summary   string // HTML
	author    string
	authorURL string
	image     string
}

// writeFeed renders the newest posts of spec in its format.
func (h *Handler) writeFeed(w http.ResponseWriter, r *http.Request, st *site.Settings, ver int64, c *chrome, spec feedSpec) {
	if h.publicCache(w, r, ver, c.lastMod) {
		return
	}
	f := spec.filter
	f.Now, f.Limit = h.Now(), st.FeedItems
	posts, _, err := h.Store.ListPosts(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	updated := c.lastMod
	entries := make([]feedEntry, len(posts))
	for i := range posts {
		p := &posts[i]
		if p.UpdatedAt.After(updated) {
			updated = p.UpdatedAt
		}
		e := feedEntry{post: p, url: st.PostURL(p), image: ogImage(st, p), author: st.Title}
		if p.Author != nil {
			e.author, e.authorURL = p.Author.Name, st.Abs(st.AuthorPath(p.Author))
		}
		switch {
		case p.Password != "":
			e.summary = "<p>This post is password protected.</p>"
		default:
			t, _ := teaser(p)
			e.summary = absoluteURLs(string(t), st.Origin())
			if st.FeedFullText {
				e.content = absoluteURLs(p.BodyHTML, st.Origin())
			}
		}
		entries[i] = e
	}
	if updated.IsZero() {
		updated = time.Unix(0, 0)
	}
	if spec.description == "" {
		spec.description = spec.title
	}
	var body []byte
	var ctype string
	switch spec.kind {
	case feedAtom:
		body, err = atomFeedXML(st, spec, entries, updated)
		ctype = "application/atom+xml; charset=utf-8"
	case feedJSON:
		body, err = jsonFeed(st, spec, entries)
		ctype = "application/feed+json; charset=utf-8"
	default:
		body, err = rssFeedXML(st, spec, entries, updated)
		ctype = "application/rss+xml; charset=utf-8"
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	_, _ = w.Write(body)
}

// rssDoc and the types below are RSS 2.0 with the atom, content and dc
// extensions.
type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	NSAtom    string     `xml:"xmlns:atom,attr"`
	NSContent string     `xml:"xmlns:content,attr"`
	NSDC      string     `xml:"xmlns:dc,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Generator     string    `xml:"generator"`
	Self          xmlLink   `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type xmlLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Creator     string   `xml:"dc:creator"`
	Categories  []string `xml:"category"`
	Description string   `xml:"description"`
	Content     string   `xml:"content:encoded,omitempty"`
}

func rssFeedXML(st *site.Settings, spec feedSpec, entries []feedEntry, updated time.Time) ([]byte, error) {
	doc := rssDoc{
		Version: "2.0", NSAtom: "http://www.w3.org/2005/Atom", NSContent: "http://purl.org/rss/1.0/modules/content/",
		NSDC: "http://purl.org/dc/elements/1.1/",
		Channel: rssChannel{
			Title: spec.title, Link: st.Abs(spec.home), Description: spec.description, Language: st.Language,
			LastBuildDate: updated.UTC().Format(time.RFC1123Z), Generator: "Quire",
			Self: xmlLink{Href: st.Abs(spec.self), Rel: "self", Type: "application/rss+xml"},
		},
	}
	for _, e := range entries {
		it := rssItem{
			Title: e.post.Title, Link: e.url, GUID: rssGUID{IsPermaLink: "false", Value: e.post.GUID},
			PubDate: e.post.PublishedAt.UTC().Format(time.RFC1123Z), Creator: e.author,
			Description: e.summary, Content: e.content,
		}
		for _, t := range e.post.Categories {
			it.Categories = append(it.Categories, t.Name)
		}
		for _, t := range e.post.Tags {
			it.Categories = append(it.Categories, t.Name)
		}
		doc.Channel.Items = append(doc.Channel.Items, it)
	}
	return marshalXML(doc)
}

// atomFeed and the types below are Atom (RFC 4287).
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title     string      `xml:"title"`
	Subtitle  string      `xml:"subtitle,omitempty"`
	ID        string      `xml:"id"`
	Updated   string      `xml:"updated"`
	Links     []xmlLink   `xml:"link"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Links      []xmlLink      `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Author     atomPerson     `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    *atomText      `xml:"content,omitempty"`
}

func atomFeedXML(st *site.Settings, spec feedSpec, entries []feedEntry, updated time.Time) ([]byte, error) {
	feed := atomFeed{
		Title: spec.title, Subtitle: spec.description, ID: st.Abs(spec.self),
		Updated: updated.UTC().Format(time.RFC3339), Generator: "Quire",
		Links: []xmlLink{
			{Href: st.Abs(spec.self), Rel: "self", Type: "application/atom+xml"},
			{Href: st.Abs(spec.home), Rel: "alternate", Type: "text/html"},
		},
	}
	for _, e := range entries {
		en := atomEntry{
			Title: e.post.Title, ID: e.post.GUID,
			Links:     []xmlLink{{Href: e.url, Rel: "alternate", Type: "text/html"}},
			Published: e.post.PublishedAt.UTC().Format(time.RFC3339),
			Updated:   e.post.UpdatedAt.UTC().Format(time.RFC3339),
			Author:    atomPerson{Name: e.author, URI: e.authorURL},
			Summary:   &atomText{Type: "html", Body: e.summary},
		}
		if e.post.UpdatedAt.Before(e.post.PublishedAt) {
			en.Updated = en.Published
		}
		if e.content != "" {
			en.Content = &atomText{Type: "html", Body: e.content}
		}
		for _, t := range e.post.Categories {
			en.Categories = append(en.Categories, atomCategory{Term: t.Slug, Label: t.Name})
		}
		for _, t := range e.post.Tags {
			en.Categories = append(en.Categories, atomCategory{Term: t.Slug, Label: t.Name})
		}
		feed.Entries = append(feed.Entries, en)
	}
	return marshalXML(feed)
}

func marshalXML(v any) ([]byte, error) {
	b, err := xml.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}

// jsonFeedDoc and the types below are JSON Feed 1.1.
type jsonFeedDoc struct {
	Version     string         `json:"version"`
	Title       string         `json:"title"`
	HomePageURL string         `json:"home_page_url"`
	FeedURL     string         `json:"feed_url"`
	Description string         `json:"description,omitempty"`
	Language    string         `json:"language,omitempty"`
	Items       []jsonFeedItem `json:"items"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonFeedItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html"`
	Summary       string       `json:"summary,omitempty"`
	Image         string       `json:"image,omitempty"`
	DatePublished string       `json:"date_published"`
	DateModified  string       `json:"date_modified,omitempty"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
}

func jsonFeed(st *site.Settings, spec feedSpec, entries []feedEntry) ([]byte, error) {
	doc := jsonFeedDoc{
		Version: "https://jsonfeed.org/version/1.1", Title: spec.title, HomePageURL: st.Abs(spec.home),
		FeedURL: st.Abs(spec.self), Description: spec.description, Language: st.Language,
		Items: []jsonFeedItem{},
	}
	for _, e := range entries {
		it := jsonFeedItem{
			ID: e.post.GUID, URL: e.url, Title: e.post.Title, Image: e.image,
			DatePublished: e.post.PublishedAt.UTC().Format(time.RFC3339),
			DateModified:  e.post.UpdatedAt.UTC().Format(time.RFC3339),
			Authors:       []jsonAuthor{{Name: e.author, URL: e.authorURL}},
		}
		it.ContentHTML = e.content
		if it.ContentHTML == "" {
			it.ContentHTML = e.summary
		}
		if e.post.Password == "" {
			it.Summary = description(e.post)
		}
		for _, t := range e.post.Categories {
			it.Tags = append(it.Tags, t.Name)
		}
		for _, t := range e.post.Tags {
			it.Tags = append(it.Tags, t.Name)
		}
		doc.Items = append(doc.Items, it)
	}
	return json.MarshalIndent(doc, "", "  ")
}
