package web

import "net/http"

// robots serves robots.txt: everything may be crawled but the admin, and
// the sitemap is named.
func (h *Handler) robots(w http.ResponseWriter, r *http.Request) {
	st, ver, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.publicCache(w, r, ver, timeZero) {
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("User-agent: *\nDisallow: /admin/\nDisallow: /share/\nAllow: /\n\nSitemap: " + st.Abs("/sitemap.xml") + "\n"))
}
