package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/linkback"
	"github.com/quirehq/quire/internal/site"
)

// resolve is the permalink resolver: every reader path without a fixed
// pattern comes here. It serves date archives (/2011/, /2011/01/,
// /2011/01/05/ and their /page/N/), posts in any of the permalink
// patterns, pages by their path, and old slugs. A request for a post or
// archive at anything but its canonical path (slug or pattern changed,
// wrong date, missing trailing slash) answers 301 to the canonical path.
// A trackback (a POST to a post's path and trackback/) goes to
// Deps.Trackback, which finds the post itself.
func (h *Handler) resolve(w http.ResponseWriter, r *http.Request) {
	if h.Trackback != nil && linkback.IsTrackback(r) {
		h.Trackback(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		h.fail(w, r, &statusError{status: http.StatusMethodNotAllowed, msg: "This address can only be read."})
		return
	}
	segs, ok := saneSegments(r.URL.Path)
	if !ok {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	page := 1
	if n := len(segs); n >= 3 && segs[n-2] == "page" {
		p, ok := pageNumber(segs[n-1])
		if !ok {
			h.fail(w, r, blog.ErrNotFound)
			return
		}
		page, segs = p, segs[:n-2]
	}
	ref, isDate := blog.ParseDatePath(segs)
	if isDate && ref.Slug == "" {
		h.dateArchive(w, r, ref, page)
		return
	}
	if page != 1 {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// A post's own addresses below it: its comment pages and comment feeds.
	// When the path without them names no post, the whole path is tried.
	if base, sfx, ok := postSuffix(segs); ok {
		bref, bdate := blog.ParseDatePath(base)
		p, err := h.lookup(r, base, bdate && bref.Slug != "")
		switch {
		case err == nil:
			canon := st.PostPath(p)
			if sfx.cpage > 0 {
				canon = commentPagePath(canon, sfx.cpage)
			} else {
				canon += "feed/"
				if sfx.feed != feedRSS {
					canon += sfx.feed + "/"
				}
			}
			if !samePath(r, canon) {
				if op, ok := h.oldPost(r, "/"+strings.Join(base, "/")+"/"); ok && sfx.feed != "" {
					canon = st.PostPath(op) + strings.TrimPrefix(canon, st.PostPath(p))
				}
				redirect(w, r, canon)
				return
			}
			if sfx.feed != "" {
				h.postCommentFeed(w, r, st, ver, c, p, sfx.feed)
				return
			}
			h.showPost(w, r, st, ver, c, p, postOpts{cpage: sfx.cpage})
			return
		case !errors.Is(err, blog.ErrNotFound):
			h.fail(w, r, err)
			return
		}
	}
	p, err := h.lookup(r, segs, isDate)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if canon := st.PostPath(p); !samePath(r, canon) {
		// The old address of an imported post whose slug was taken.
		if op, ok := h.oldPost(r, r.URL.Path); ok {
			canon = st.PostPath(op)
		}
		redirect(w, r, canon)
		return
	}
	h.showPost(w, r, st, ver, c, p, postOpts{})
}

// suffix is what follows a post's path: a comment page or a comment feed.
type suffix struct {
	cpage int    // comment-page-N; 1 answers 301 to the post
	feed  string // feedRSS or feedAtom
}

// postSuffix splits a post's own sub-address off segs: comment-page-N,
// feed, feed/atom (and feed/rss2, which answers 301 to feed/).
func postSuffix(segs []string) ([]string, suffix, bool) {
	n := len(segs)
	if n < 2 {
		return nil, suffix{}, false
	}
	if p, ok := commentPageNumber(segs[n-1]); ok {
		return segs[:n-1], suffix{cpage: p}, true
	}
	if segs[n-1] == "feed" {
		return segs[:n-1], suffix{feed: feedRSS}, true
	}
	if n >= 3 && segs[n-2] == "feed" {
		switch segs[n-1] {
		case "atom":
			return segs[:n-2], suffix{feed: feedAtom}, true
		case "rss2", "rss":
			return segs[:n-2], suffix{feed: feedRSS}, true
		}
	}
	return nil, suffix{}, false
}

// lookup finds the post or page a path names by its last segment, as its
// current slug or an old one, and checks readers may see it. A post is
// found from a one-segment path or a dated one; a page from any path.
func (h *Handler) lookup(r *http.Request, segs []string, dated bool) (*blog.Post, error) {
	ctx := r.Context()
	slug := segs[len(segs)-1]
	p, err := h.postBySlug(ctx, slug)
	if errors.Is(err, blog.ErrNotFound) {
		p, err = h.Store.PostByOldSlug(ctx, slug)
	}
	if err != nil {
		return nil, err
	}
	if !p.IsPublic(h.Now()) {
		return nil, fmt.Errorf("web: %s is not public: %w", r.URL.Path, blog.ErrNotFound)
	}
	if p.Type == blog.TypePost && len(segs) > 1 && !dated {
		return nil, fmt.Errorf("web: %s: %w", r.URL.Path, blog.ErrNotFound)
	}
	return p, nil
}

// dateArchive lists the posts of a year, month or day in the site's time
// zone. A date with no posts does not exist.
func (h *Handler) dateArchive(w http.ResponseWriter, r *http.Request, ref blog.PostRef, page int) {
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if ref.Year < 1000 {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	month, day := max(ref.Month, 1), max(ref.Day, 1)
	from := time.Date(ref.Year, time.Month(month), day, 0, 0, 0, 0, st.Loc)
	if from.Day() != day || int(from.Month()) != month {
		h.fail(w, r, blog.ErrNotFound) // 31 February and the like
		return
	}
	var to time.Time
	var base, heading string
	switch {
	case ref.Day != 0:
		to = from.AddDate(0, 0, 1)
		base = fmt.Sprintf("/%04d/%02d/%02d/", ref.Year, ref.Month, ref.Day)
		heading = "Daily archives: " + from.Format("January 2, 2006")
	case ref.Month != 0:
		to = from.AddDate(0, 1, 0)
		base = st.MonthPath(ref.Year, ref.Month)
		heading = "Monthly archives: " + from.Format("January 2006")
	default:
		to = from.AddDate(1, 0, 0)
		base = fmt.Sprintf("/%04d/", ref.Year)
		heading = "Yearly archives: " + from.Format("2006")
	}
	if canon := site.Paged(base, page); !samePath(r, canon) {
		redirect(w, r, canon)
		return
	}
	h.showList(w, r, st, ver, c, listSpec{
		base:       base,
		filter:     blog.PostFilter{From: from, To: to},
		title:      heading,
		heading:    heading,
		emptyIs404: true,
	}, page)
}
