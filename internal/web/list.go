package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// listSpec describes one archive: which posts, where it lives, what it says.
type listSpec struct {
	base        string // path of page 1, escaped
	query       string // query string kept on page links (search), escaped
	filter      blog.PostFilter
	title       string // document title; empty for the home page
	heading     string
	intro       string
	empty       string
	robots      string
	feeds       []feedLink
	emptyIs404  bool // a date archive with no posts does not exist
	description string
	searchBox   string // the reader's search text, shown again in the box
	nothing     bool   // list no posts at all (an empty search)
	sticky      bool   // the home page: sticky posts first on page 1
}

// showList renders page n of an archive. A page past the last is 404.
func (h *Handler) showList(w http.ResponseWriter, r *http.Request, st *site.Settings, ver int64, c *chrome, spec listSpec, n int) {
	if h.publicCache(w, r, ver, c.lastMod) {
		return
	}
	per := st.PostsPerPage
	f := spec.filter
	f.Now, f.Limit, f.Offset = h.Now(), per, (n-1)*per
	var posts []blog.Post
	var total int
	if !spec.nothing {
		var err error
		if posts, total, err = h.Store.ListPosts(r.Context(), f); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	var sticky map[int64]bool
	if spec.sticky && n == 1 {
		var err error
		if posts, sticky, err = h.stickyFirst(r.Context(), f, posts); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if (n > 1 && len(posts) == 0) || (spec.emptyIs404 && total == 0) {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	pages := (total + per - 1) / per
	if pages < 1 {
		pages = 1
	}
	lv := &listView{Page: n, Pages: pages, Empty: spec.empty, Items: make([]itemView, len(posts))}
	ids := make([]int64, 0, len(posts))
	for i := range posts {
		lv.Items[i] = listItem(st, &posts[i])
		lv.Items[i].Sticky = sticky[posts[i].ID]
		ids = append(ids, posts[i].ID)
	}
	prioritizeFirstImage(lv.Items)
	counts, err := h.Store.CommentCounts(r.Context(), ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for i := range posts {
		if posts[i].Password == "" {
			lv.Items[i].CommentsURL = lv.Items[i].URL + "#comments"
			lv.Items[i].CommentCount = counts[posts[i].ID]
		}
	}
	withQuery := func(p string) string {
		if spec.query != "" {
			return p + "?" + spec.query
		}
		return p
	}
	if n > 1 {
		lv.Prev = st.Path(withQuery(site.Paged(spec.base, n-1)))
	}
	if n < pages {
		lv.Next = st.Path(withQuery(site.Paged(spec.base, n+1)))
	}

	title := spec.title
	if title != "" && n > 1 {
		title += " – Page " + strconv.Itoa(n)
	} else if n > 1 {
		title = "Page " + strconv.Itoa(n)
	}
	pv := h.newPage(r, st, c, title)
	pv.Heading, pv.Intro, pv.Robots, pv.List = spec.heading, spec.intro, spec.robots, lv
	pv.Feeds = append(pv.Feeds, spec.feeds...)
	pv.Canonical = st.Abs(withQuery(site.Paged(spec.base, n)))
	pv.Query = spec.searchBox
	pv.Description = spec.description
	if pv.Description == "" {
		pv.Description = st.Description
	}
	ogTitle := spec.heading
	if ogTitle == "" {
		ogTitle = st.Title
	}
	pv.setOpenGraph(st, "website", ogTitle, pv.Description, pv.Canonical, "")
	if err := h.render(w, http.StatusOK, "home", pv); err != nil {
		h.fail(w, r, err)
	}
}

// pageNumber reads a /page/N/ number; ok is false for anything but a
// positive decimal number without leading zeros.
func pageNumber(s string) (int, bool) {
	if s == "" || len(s) > 6 || s[0] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}

// maxSticky bounds how many sticky posts the home page puts first.
const maxSticky = 20

// stickyFirst puts the public sticky posts at the top of the home page's
// first page, as WordPress does: those already on the page move up, the
// others are added above it; later pages list them in their place by
// date. It returns the page's posts and which of them are sticky.
func (h *Handler) stickyFirst(ctx context.Context, f blog.PostFilter, page []blog.Post) ([]blog.Post, map[int64]bool, error) {
	f.Sticky, f.Limit, f.Offset = true, maxSticky, 0
	top, _, err := h.Store.ListPosts(ctx, f)
	if err != nil || len(top) == 0 {
		return page, nil, err
	}
	sticky := make(map[int64]bool, len(top))
	for i := range top {
		sticky[top[i].ID] = true
	}
	out := top
	for i := range page {
		if !sticky[page[i].ID] {
			out = append(out, page[i])
		}
	}
	return out, sticky, nil
}
