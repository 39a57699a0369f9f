package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/site"
)

// lazyHeader writes the status line only when the first byte of the body
// is written, so a template that fails leaves the response untouched.
type lazyHeader struct {
	w       http.ResponseWriter
	status  int
	written bool
}

func (l *lazyHeader) Write(b []byte) (int, error) {
	if !l.written {
		l.written = true
		l.w.WriteHeader(l.status)
	}
	return l.w.Write(b)
}

// render writes page with status. Nothing is written if the template fails.
func (h *Handler) render(w http.ResponseWriter, status int, page string, pv *pageView) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return h.Theme.RenderAt(&lazyHeader{w: w, status: status}, pv.prefix, page, pv)
}

// redirect answers 301 to path, a path from the site's root, keeping the
// query string; the Location is under the prefix the request came in under.
func redirect(w http.ResponseWriter, r *http.Request, path string) {
	path = site.PathFor(r, path)
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.Redirect(w, r, path, http.StatusMovedPermanently)
}

// samePath reports whether the request path is canonical, an escaped
// path as site.Settings builds them.
func samePath(r *http.Request, canonical string) bool {
	dec, err := url.PathUnescape(canonical)
	if err != nil {
		return false
	}
	return r.URL.Path == dec
}

// maxPathLen bounds the reader paths worth looking up.
const maxPathLen = 1024

// saneSegments splits a reader path into segments, refusing paths no
// content can have: too long, not UTF-8, with control characters, empty or
// dot segments.
func saneSegments(p string) ([]string, bool) {
	if len(p) > maxPathLen || !utf8.ValidString(p) {
		return nil, false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\' {
			return nil, false
		}
	}
	trimmed := strings.Trim(p, "/")
	if trimmed == "" {
		return nil, false
	}
	segs := strings.Split(trimmed, "/")
	for _, s := range segs {
		if s == "" || s == "." || s == ".." {
			return nil, false
		}
	}
	return segs, true
}

func itoa(n int) string { return strconv.Itoa(n) }
