package web

import (
	"encoding/xml"
	"net/http"
	"time"
)

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// timeZero is the zero time, for responses with no Last-Modified.
var timeZero time.Time

// sitemap serves sitemap.xml: the home page, every public post and page,
// each with when it last changed.
func (h *Handler) sitemap(w http.ResponseWriter, r *http.Request) {
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.publicCache(w, r, ver, c.lastMod) {
		return
	}
	refs, err := h.Store.PublicPostRefs(r.Context(), h.Now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	set := sitemapURLSet{URLs: make([]sitemapURL, 0, len(refs)+1)}
	home := sitemapURL{Loc: st.Abs("/")}
	if !c.lastMod.IsZero() {
		home.LastMod = c.lastMod.UTC().Format(time.RFC3339)
	}
	set.URLs = append(set.URLs, home)
	for i := range refs {
		p := &refs[i]
		mod := p.UpdatedAt
		if mod.Before(p.PublishedAt) {
			mod = p.PublishedAt
		}
		set.URLs = append(set.URLs, sitemapURL{Loc: st.PostURL(p), LastMod: mod.UTC().Format(time.RFC3339)})
	}
	body, err := marshalXML(set)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(body)
}
