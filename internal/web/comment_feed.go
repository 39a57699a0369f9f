package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// commentEntry is one comment as a comment feed shows it.
type commentEntry struct {
	c    *blog.Comment
	post *blog.Post
	url  string // absolute, with its comment page and #comment-ID
}

// guid is the comment's lasting identity: its post's GUID and its ID, which
// no change of slug or comment page alters.
func (e commentEntry) guid() string {
	return e.post.GUID + "#comment-" + strconv.FormatInt(e.c.ID, 10)
}

// commentFeedSpec describes one comment feed.
type commentFeedSpec struct {
	kind  string // feedRSS or feedAtom
	title string
	home  string // path of the page the feed mirrors
	self  string
}

// siteCommentFeed serves /comments/feed/ (RSS 2.0) and
// /comments/feed/atom/: the newest approved comments on public posts
// without a password.
func (h *Handler) siteCommentFeed(w http.ResponseWriter, r *http.Request) {
	kind := ""
	switch r.PathValue("rest") {
	case "":
		kind = feedRSS
	case "atom/":
		kind = feedAtom
	case "rss2/", "rss2", "rss/", "rss":
		redirect(w, r, "/comments/feed/")
		return
	case "atom":
		redirect(w, r, "/comments/feed/atom/")
		return
	default:
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	ctx := r.Context()
	st, ver, c, err := h.current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	list, err := h.Store.RecentComments(ctx, st.FeedItems, h.Now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	link := h.commentLinker(st, ver)
	posts := map[int64]*blog.Post{}
	entries := make([]commentEntry, 0, len(list))
	for i := range list {
		cm := &list[i]
		p, ok := posts[cm.PostID]
		if !ok {
			if p, err = h.postByID(ctx, cm.PostID); err != nil {
				h.fail(w, r, err)
				return
			}
			posts[cm.PostID] = p
		}
		u, err := link(ctx, p, cm.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		entries = append(entries, commentEntry{c: cm, post: p, url: u})
	}
	self := "/comments/feed/"
	if kind == feedAtom {
		self += "atom/"
	}
	h.writeCommentFeed(w, r, st, ver, c, commentFeedSpec{kind: kind, title: "Comments for " + st.Title, home: "/", self: self}, entries)
}

// postCommentFeed serves {permalink}feed/ and {permalink}feed/atom/: the
// newest approved comments on one post, linkbacks included as in
// WordPress's comment feeds, likes and reposts left out (they are not
// comments: WordPress's ActivityPub plugin keeps its own out of comment
// feeds too). A post behind a password has none to show.
func (h *Handler) postCommentFeed(w http.ResponseWriter, r *http.Request, st *site.Settings, ver int64, c *chrome, p *blog.Post, kind string) {
	if p.Password != "" {
		h.fail(w, r, fmt.Errorf("web: comment feed of a protected post: %w", blog.ErrNotFound))
		return
	}
	ctx := r.Context()
	list, err := h.Store.PostComments(ctx, p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	roots, _ := threadPages(list, &st.Discussion)
	base := st.PostPath(p)
	entries := make([]commentEntry, 0, min(len(list), st.FeedItems))
	for i := len(list) - 1; i >= 0 && len(entries) < st.FeedItems; i-- {
		cm := &list[i]
		if cm.IsReaction() {
			continue
		}
		page := pageOfComment(roots, st.Discussion.CommentsPerPage, cm.ID)
		entries = append(entries, commentEntry{c: cm, post: p,
			url: st.Abs(commentPagePath(base, page)) + "#comment-" + strconv.FormatInt(cm.ID, 10)})
	}
	self := base + "feed/"
	if kind == feedAtom {
		self += "atom/"
	}
	h.writeCommentFeed(w, r, st, ver, c, commentFeedSpec{kind: kind, title: "Comments on: " + p.Title, home: base, self: self}, entries)
}

// commentLinker returns a function giving a comment's absolute URL on its
// right comment page; it reads each post's thread once.
func (h *Handler) commentLinker(st *site.Settings, ver int64) func(ctx context.Context, p *blog.Post, id int64) (string, error) {
	threads := map[int64][]*blog.ThreadNode{}
	return func(ctx context.Context, p *blog.Post, id int64) (string, error) {
		roots, ok := threads[p.ID]
		if !ok {
			// The list the post's own thread is built from, kept for the
			// content version: the sidebar's recent comments are usually
			// on the post being shown.
			list, err := h.approvedComments(ctx, ver, p.ID)
			if err != nil {
				return "", err
			}
			roots, _ = threadPages(list, &st.Discussion)
			threads[p.ID] = roots
		}
		page := pageOfComment(roots, st.Discussion.CommentsPerPage, id)
		return st.Abs(commentPagePath(st.PostPath(p), page)) + "#comment-" + strconv.FormatInt(id, 10), nil
	}
}

// commentTitle is a feed entry's title, as WordPress words it, for
// linkbacks too: "Comment on Title by" the author field, which holds the
// linking page's title (a pingback) or blog's name (a trackback).
func commentTitle(e commentEntry) string {
	return "Comment on " + e.post.Title + " by " + feedAuthor(e.c)
}

// feedAuthor is the name a feed gives a comment's author: a linkback
// without one is named by its source's host.
func feedAuthor(c *blog.Comment) string {
	name := strings.TrimSpace(c.AuthorName)
	if c.Type.IsLinkback() {
		name = oneLineText(name)
		if name == "" {
			name = urlHost(linkURL(firstOf(c.SourceURL, c.AuthorURL)))
		}
	}
	if name == "" {
		name = "Anonymous"
	}
	return name
}

// feedHTML is a comment's text as a feed carries it. A linkback's is its
// excerpt, escaped here whatever the stored HTML holds: a source's words
// are never markup.
func feedHTML(c *blog.Comment, base string) string {
	if c.Type.IsLinkback() {
		return "<p>" + html.EscapeString(excerpt(c.Content, maxExcerptRunes)) + "</p>"
	}
	return absoluteURLs(c.ContentHTML, base)
}

// feedAuthorURL is the website a feed gives a comment's author.
func feedAuthorURL(c *blog.Comment) string {
	if c.Type.IsLinkback() {
		return linkURL(c.AuthorURL)
	}
	u, ok := blog.NormalizeURL(c.AuthorURL)
	if !ok {
		return ""
	}
	return u
}

// writeCommentFeed renders comment entries in spec's format. Nothing of a
// commenter but their name, website and text is in it.
func (h *Handler) writeCommentFeed(w http.ResponseWriter, r *http.Request, st *site.Settings, ver int64, c *chrome, spec commentFeedSpec, entries []commentEntry) {
	updated := time.Time{}
	for _, e := range entries {
		if e.c.UpdatedAt.After(updated) {
			updated = e.c.UpdatedAt
		}
	}
	lm := c.lastMod
	if updated.After(lm) {
		lm = updated
	}
	if h.publicCache(w, r, ver, lm) {
		return
	}
	if updated.IsZero() {
		updated = lm
	}
	if updated.IsZero() {
		updated = time.Unix(0, 0)
	}
	var body []byte
	var err error
	var ctype string
	if spec.kind == feedAtom {
		feed := atomFeed{
			Title: spec.title, ID: st.Abs(spec.self), Updated: updated.UTC().Format(time.RFC3339), Generator: "Quire",
			Links: []xmlLink{
				{Href: st.Abs(spec.self), Rel: "self", Type: "application/atom+xml"},
				{Href: st.Abs(spec.home), Rel: "alternate", Type: "text/html"},
			},
		}
		for _, e := range entries {
			author := atomPerson{Name: feedAuthor(e.c), URI: feedAuthorURL(e.c)}
			feed.Entries = append(feed.Entries, atomEntry{
				Title: commentTitle(e), ID: e.guid(),
				Links:     []xmlLink{{Href: e.url, Rel: "alternate", Type: "text/html"}},
				Published: e.c.CreatedAt.UTC().Format(time.RFC3339),
				Updated:   e.c.UpdatedAt.UTC().Format(time.RFC3339),
				Author:    author,
				Content:   &atomText{Type: "html", Body: feedHTML(e.c, st.Origin())},
			})
		}
		body, err = marshalXML(feed)
		ctype = "application/atom+xml; charset=utf-8"
	} else {
		doc := rssDoc{
			Version: "2.0", NSAtom: "http://www.w3.org/2005/Atom", NSContent: "http://purl.org/rss/1.0/modules/content/",
			NSDC: "http://purl.org/dc/elements/1.1/",
			Channel: rssChannel{
				Title: spec.title, Link: st.Abs(spec.home), Description: spec.title, Language: st.Language,
				LastBuildDate: updated.UTC().Format(time.RFC1123Z), Generator: "Quire",
				Self: xmlLink{Href: st.Abs(spec.self), Rel: "self", Type: "application/rss+xml"},
			},
		}
		for _, e := range entries {
			htm := feedHTML(e.c, st.Origin())
			doc.Channel.Items = append(doc.Channel.Items, rssItem{
				Title: commentTitle(e), Link: e.url, GUID: rssGUID{IsPermaLink: "false", Value: e.guid()},
				PubDate: e.c.CreatedAt.UTC().Format(time.RFC1123Z), Creator: feedAuthor(e.c),
				Description: htm, Content: htm,
			})
		}
		body, err = marshalXML(doc)
		ctype = "application/rss+xml; charset=utf-8"
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	_, _ = w.Write(body)
}
