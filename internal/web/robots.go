package web

import "net/http"

// robots serves robots.txt: everything may be crawled but the admin, and
// the sitemap is named. Under a path prefix it answers at /blog/robots.txt,
// with the prefix in every rule; crawlers read only the host's root
// robots.txt, so docs/reverse-proxy.md says how to fold these lines in.
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
	_, _ = w.Write([]byte("User-agent: *\nDisallow: " + st.Path("/admin/") + "\nDisallow: " + st.Path("/share/") + "\nAllow: " + st.Path("/") +
		"\n\nSitemap: " + st.Abs("/sitemap.xml") + "\n"))
}
