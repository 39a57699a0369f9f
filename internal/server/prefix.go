package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/quirehq/quire/internal/site"
)

// stripPrefix serves a site whose base URL has a path
// (https://example.com/blog) behind a reverse proxy that passes that path
// on: it strips the prefix of the settings in force once, so the routes
// and handlers see paths from the site's root, and records it in the
// request's context (site.PathFor) for the links and redirects they send
// back. /blog answers 301 to /blog/; a path outside the prefix is not the
// site's, 404, except /healthz, which load balancers ask the backend for
// directly. At the root (no prefix) requests pass unchanged.
func stripPrefix(s *site.Site, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		set, _, err := s.Current(r.Context())
		if err != nil {
			next.ServeHTTP(w, r) // the handler reports the database's state
			return
		}
		prefix := set.Prefix()
		if prefix == "" {
			next.ServeHTTP(w, r)
			return
		}
		dec, err := url.PathUnescape(prefix)
		if err != nil {
			dec = prefix
		}
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, dec+"/"):
			r2 := r.WithContext(site.WithPrefix(r.Context(), prefix))
			u := *r.URL
			u.Path = p[len(dec):]
			if raw, ok := strings.CutPrefix(u.RawPath, prefix+"/"); ok {
				u.RawPath = "/" + raw
			} else {
				u.RawPath = ""
			}
			r2.URL = &u
			next.ServeHTTP(w, r2)
		case p == dec && (r.Method == http.MethodGet || r.Method == http.MethodHead):
			to := prefix + "/"
			if r.URL.RawQuery != "" {
				to += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, to, http.StatusMovedPermanently)
		case p == "/healthz":
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("Not found: this site lives under " + prefix + "/\n"))
		}
	})
}
