package web

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// redirectPlain answers 301 to path without the request's query (which
// named the old address).
func redirectPlain(w http.ResponseWriter, r *http.Request, path string) {
	r2 := *r
	u := *r.URL
	u.RawQuery = ""
	r2.URL = &u
	redirect(w, &r2, path)
}

// wpQuery answers the query-string addresses of a site imported from
// WordPress (?p=ID, ?page_id=ID, ?cat=ID, ?tag=slug, ?author=ID,
// ?attachment_id=ID, ?feed=…) with 301 to the new address, and reports
// whether it answered. IDs are looked up in what the import kept (wp_ids);
// nothing not public is revealed.
func (h *Handler) wpQuery(w http.ResponseWriter, r *http.Request, st *site.Settings) bool {
	q := r.URL.Query()
	ctx := r.Context()
	id := func(key string) (int64, bool) {
		n, err := strconv.ParseInt(q.Get(key), 10, 64)
		return n, err == nil && n > 0
	}
	feed := q.Get("feed")
	switch {
	case q.Has("p") || q.Has("page_id"):
		old, ok := id("p")
		if !ok {
			old, ok = id("page_id")
		}
		if !ok {
			return false
		}
		p, ok := h.wpPost(ctx, old)
		if !ok {
			return false
		}
		path := st.PostPath(p)
		if feed != "" {
			path += "feed/"
		}
		redirectPlain(w, r, path)
		return true
	case q.Has("cat"):
		old, ok := id("cat")
		if !ok {
			return false
		}
		t, err := h.wpTerm(ctx, old)
		if err != nil {
			return false
		}
		redirectPlain(w, r, st.TermPath(t))
		return true
	case q.Has("tag"):
		t, err := h.Store.TermByPath(ctx, blog.Tag, blog.Slugify(q.Get("tag")))
		if err != nil {
			return false
		}
		redirectPlain(w, r, st.TermPath(t))
		return true
	case q.Has("author"):
		old, ok := id("author")
		if !ok {
			return false
		}
		uid, err := h.Store.WPNewID(ctx, store.WPUser, old)
		if err != nil {
			return false
		}
		u, err := h.Store.User(ctx, uid)
		if err != nil {
			return false
		}
		redirectPlain(w, r, st.AuthorPath(u))
		return true
	case q.Has("attachment_id"):
		old, ok := id("attachment_id")
		if !ok {
			return false
		}
		mid, err := h.Store.WPNewID(ctx, store.WPAttachment, old)
		if err != nil {
			return false
		}
		m, err := h.Store.Media(ctx, mid)
		if err != nil {
			return false
		}
		redirectPlain(w, r, st.MediaPath(m, 0))
		return true
	case feed != "" && len(q) == 1:
		path := "/feed/"
		if feed == "atom" {
			path = "/feed/atom/"
		}
		redirectPlain(w, r, path)
		return true
	}
	return false
}

// wpPost is the public post or page an imported WordPress ID became.
func (h *Handler) wpPost(ctx context.Context, old int64) (*blog.Post, bool) {
	id, err := h.Store.WPNewID(ctx, store.WPPost, old)
	if err != nil {
		return nil, false
	}
	p, err := h.Store.Post(ctx, id)
	if err != nil || !p.IsPublic(h.Now()) {
		return nil, false
	}
	return p, true
}

func (h *Handler) wpTerm(ctx context.Context, old int64) (*blog.Term, error) {
	id, err := h.Store.WPNewID(ctx, store.WPTerm, old)
	if err != nil {
		return nil, err
	}
	return h.Store.Term(ctx, id)
}

// oldPost is the public post whose old address (kept by an import, with
// or without its final slash) is the request's path.
func (h *Handler) oldPost(r *http.Request, path string) (*blog.Post, bool) {
	if !strings.HasPrefix(path, "/") || len(path) > maxPathLen {
		return nil, false
	}
	for _, try := range []string{path, path + "/"} {
		if strings.HasSuffix(path, "/") && try != path {
			break
		}
		p, err := h.Store.PostByOldSlug(r.Context(), try)
		if err == nil && p.IsPublic(h.Now()) {
			return p, true
		}
	}
	return nil, false
}

// sizedUpload is a resized copy's name as WordPress makes it:
// photo-300x200.jpg for photo.jpg.
var sizedUpload = regexp.MustCompile(`^(.*)-(\d{1,5})x\d{1,5}(\.[A-Za-z0-9]+)$`)

// redirectOld answers a request for an address that does not exist with
// 301 to what it became, when an import kept it: a post's old path (and
// its feed), a term's or author's old archive, an attachment's file (and
// WordPress's resized copies of it). It reports whether it answered.
func (h *Handler) redirectOld(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	path := r.URL.Path
	st, _, err := h.Site.Current(r.Context())
	if err != nil {
		return false
	}
	if p, ok := h.oldPost(r, path); ok {
		redirect(w, r, st.PostPath(p))
		return true
	}
	if base, ok := strings.CutSuffix(strings.TrimSuffix(path, "/"), "/feed"); ok {
		if p, ok := h.oldPost(r, base+"/"); ok {
			redirect(w, r, st.PostPath(p)+"feed/")
			return true
		}
	}
	m, err := h.Store.WPByOldPath(r.Context(), path)
	if errors.Is(err, blog.ErrNotFound) && !strings.HasSuffix(path, "/") {
		m, err = h.Store.WPByOldPath(r.Context(), path+"/")
	}
	width := 0
	if errors.Is(err, blog.ErrNotFound) && strings.HasPrefix(path, "/wp-content/uploads/") {
		if g := sizedUpload.FindStringSubmatch(path); g != nil {
			m, err = h.Store.WPByOldPath(r.Context(), g[1]+g[3])
			width, _ = strconv.Atoi(g[2])
		}
	}
	if err != nil {
		return false
	}
	var to string
	switch m.Kind {
	case store.WPTerm:
		t, err := h.Store.Term(r.Context(), m.NewID)
		if err != nil {
			return false
		}
		to = st.TermPath(t)
	case store.WPUser:
		u, err := h.Store.User(r.Context(), m.NewID)
		if err != nil {
			return false
		}
		to = st.AuthorPath(u)
	case store.WPAttachment:
		md, err := h.Store.Media(r.Context(), m.NewID)
		if err != nil {
			return false
		}
		to = st.MediaPath(md, width)
	default:
		return false
	}
	if to == "" || samePath(r, strings.SplitN(to, "?", 2)[0]) {
		return false
	}
	redirectPlain(w, r, to)
	return true
}
