package web

import (
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/site"
)

// publicCache marks a response that is the same for every reader: it
// gets an ETag made of the content version, the theme, the path and the
// query, a Last-Modified when known, and must be revalidated. It reports
// true when the reader's copy is current and a 304 has been sent.
func (h *Handler) publicCache(w http.ResponseWriter, r *http.Request, ver int64, lastMod time.Time) bool {
	f := fnv.New64a()
	f.Write([]byte(strconv.FormatInt(ver, 10)))
	f.Write([]byte{0})
	f.Write([]byte(h.Theme.Version()))
	f.Write([]byte{0})
	f.Write([]byte(site.PathFor(r, r.URL.Path))) // prefix included: links differ under another one
	f.Write([]byte{0})
	f.Write([]byte(r.URL.RawQuery))
	etag := `W/"` + strconv.FormatUint(f.Sum64(), 36) + `"`

	hd := w.Header()
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", "public, max-age=0, must-revalidate")
	if !lastMod.IsZero() {
		hd.Set("Last-Modified", lastMod.UTC().Format(http.TimeFormat))
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if etagMatch(inm, etag) {
			notModified(w)
			return true
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !lastMod.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !lastMod.Truncate(time.Second).After(t) {
			notModified(w)
			return true
		}
	}
	return false
}

func notModified(w http.ResponseWriter) {
	hd := w.Header()
	hd.Del("Content-Type")
	hd.Del("Content-Length")
	w.WriteHeader(http.StatusNotModified)
}

// etagMatch compares an If-None-Match header with etag, weakly.
func etagMatch(header, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// personal marks a response that belongs to one reader (it depends on
// their cookie): never stored by a shared cache, never answered with 304.
func personal(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("Cache-Control", "private, no-store")
	hd.Del("ETag")
	hd.Del("Last-Modified")
	for _, v := range hd.Values("Vary") {
		if strings.Contains(v, "Cookie") {
			return
		}
	}
	hd.Add("Vary", "Cookie")
}
