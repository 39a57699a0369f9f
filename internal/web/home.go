package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// maxSearchRunes bounds what a search reads of the reader's text.
const maxSearchRunes = 200

// home serves the home page, its older pages (/page/N/) and search
// results (/?s=words, /page/N/?s=words).
func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	n := 1
	if s := r.PathValue("n"); s != "" {
		var ok bool
		if n, ok = pageNumber(s); !ok {
			h.fail(w, r, blog.ErrNotFound)
			return
		}
		if n == 1 {
			redirect(w, r, "/")
			return
		}
	}
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if r.URL.RawQuery != "" && n == 1 && h.wpQuery(w, r, st) {
		return
	}
	q := r.URL.Query()
	if q.Has("s") {
		h.search(w, r, st, ver, c, q.Get("s"), n)
		return
	}
	h.showList(w, r, st, ver, c, listSpec{base: "/", empty: "Nothing has been published yet.", sticky: true}, n)
}

// search lists the posts matching what the reader typed. Any text is safe:
// the store turns it into a query that cannot fail.
func (h *Handler) search(w http.ResponseWriter, r *http.Request, st *site.Settings, ver int64, c *chrome, text string, n int) {
	text = strings.TrimSpace(strings.ToValidUTF8(text, ""))
	if utf8.RuneCountInString(text) > maxSearchRunes {
		text = string([]rune(text)[:maxSearchRunes])
	}
	spec := listSpec{
		base:    "/",
		query:   "s=" + url.QueryEscape(text),
		robots:  "noindex",
		heading: "Search results for “" + text + "”",
		title:   "Search results for “" + text + "”",
		empty:   "Nothing matched your search. Try other words.",
	}
	spec.filter.Search, spec.searchBox = text, text
	if text == "" {
		spec.heading, spec.title = "Search", "Search"
		spec.empty = "Type a word or two in the search box to find posts."
		spec.nothing = true
	}
	h.showList(w, r, st, ver, c, spec, n)
}
