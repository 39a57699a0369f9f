package web

import (
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
)

// termArchive serves /tag/NAME/ and /category/PARENT/CHILD/, their older
// pages and their feeds. A category named by its own slug alone, or a path
// without its trailing slash, answers 301 to the canonical path.
func (h *Handler) termArchive(w http.ResponseWriter, r *http.Request) {
	tax := blog.Tag
	if strings.HasPrefix(r.URL.Path, "/category/") {
		tax = blog.Category
	}
	tail, ok := parseArchivePath(r.PathValue("rest"))
	if !ok || (tax == blog.Tag && len(tail.segs) != 1) {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	term, err := h.Store.TermByPath(r.Context(), tax, strings.Join(tail.segs, "/"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := st.TermPath(term)
	if canon := tail.canonical(base); !samePath(r, canon) {
		redirect(w, r, canon)
		return
	}
	filter := blog.PostFilter{TermID: term.ID}
	kind := "Tag"
	if tax == blog.Category {
		kind = "Category"
	}
	if tail.feed != "" {
		h.writeFeed(w, r, st, ver, c, feedSpec{
			kind: tail.feed, filter: filter, title: st.Title + " » " + kind + ": " + term.Name,
			description: term.Description, home: base, self: base + tail.suffix(),
		})
		return
	}
	h.showList(w, r, st, ver, c, listSpec{
		base:        base,
		filter:      filter,
		title:       kind + ": " + term.Name,
		heading:     kind + ": " + term.Name,
		intro:       term.Description,
		description: term.Description,
		empty:       "No posts in this " + strings.ToLower(kind) + " yet.",
		feeds:       termFeeds(st.Abs(base), st.Title+" » "+kind+": "+term.Name),
	}, tail.page)
}

// termFeeds advertises the feeds of one archive.
func termFeeds(abs, title string) []feedLink {
	return []feedLink{
		{Type: "application/rss+xml", Title: title + " (RSS)", URL: abs + "feed/"},
		{Type: "application/atom+xml", Title: title + " (Atom)", URL: abs + "feed/atom/"},
		{Type: "application/feed+json", Title: title + " (JSON)", URL: abs + "feed/json/"},
	}
}
