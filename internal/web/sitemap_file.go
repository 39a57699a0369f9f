package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// sitemapFile serves /sitemaps/posts-N.xml: the home page (in the first)
// and the Nth thousand of the public posts and pages, in the order they
// were written, each with when it last changed.
func (h *Handler) sitemapFile(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	num, ok := strings.CutSuffix(strings.TrimPrefix(name, "posts-"), ".xml")
	n, okNum := pageNumber(num)
	if !strings.HasPrefix(name, "posts-") || !ok || !okNum {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.publicCache(w, r, ver, c.lastMod) {
		return
	}
	refs, err := h.Store.PublicPostRefs(r.Context(), h.Now(), (n-1)*sitemapURLsPerFile, sitemapURLsPerFile)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(refs) == 0 && n > 1 {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	set := sitemapURLSet{URLs: make([]sitemapURL, 0, len(refs)+1)}
	if n == 1 {
		home := sitemapURL{Loc: st.Abs("/")}
		if !c.lastMod.IsZero() {
			home.LastMod = c.lastMod.UTC().Format(time.RFC3339)
		}
		set.URLs = append(set.URLs, home)
	}
	for i := range refs {
		p := &refs[i]
		mod := p.UpdatedAt
		if mod.Before(p.PublishedAt) {
			mod = p.PublishedAt
		}
		set.URLs = append(set.URLs, sitemapURL{Loc: st.PostURL(p), LastMod: mod.UTC().Format(time.RFC3339)})
	}
	writeXML(h, w, r, set)
}
