package web

import (
	"encoding/xml"
	"net/http"
	"strconv"
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

type sitemapIndex struct {
	XMLName  xml.Name      `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapFile `xml:"sitemap"`
}

type sitemapFile struct {
	Loc string `xml:"loc"`
}

// sitemapURLsPerFile is how many posts one sitemap file lists. The
// protocol allows 50,000; WordPress writes 2,000; 1,000 keeps a file's
// render (one query, then the XML) within a few milliseconds on a large
// site, and a site of 10,000 posts needs eleven.
const sitemapURLsPerFile = 1000

// timeZero is the zero time, for responses with no Last-Modified.
var timeZero time.Time

// sitemap serves sitemap.xml, the sitemap index: one file of
// sitemapURLsPerFile posts and pages after another (/sitemaps/posts-N.xml),
// however large the site, each cached on its own.
func (h *Handler) sitemap(w http.ResponseWriter, r *http.Request) {
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.publicCache(w, r, ver, c.lastMod) {
		return
	}
	n, err := h.Store.PublicPostCount(r.Context(), h.Now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	files := max(1, (n+sitemapURLsPerFile-1)/sitemapURLsPerFile)
	idx := sitemapIndex{Sitemaps: make([]sitemapFile, files)}
	for i := range files {
		idx.Sitemaps[i].Loc = st.Abs(sitemapFilePath(i + 1))
	}
	writeXML(h, w, r, idx)
}

func sitemapFilePath(n int) string { return "/sitemaps/posts-" + strconv.Itoa(n) + ".xml" }

// writeXML answers with v as an XML document.
func writeXML(h *Handler, w http.ResponseWriter, r *http.Request, v any) {
	body, err := marshalXML(v)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(body)
}
