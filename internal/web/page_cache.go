package web

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"time"
)

// pageCache keeps whole public responses in memory, keyed by path and
// query, for as long as the content version (checked on every request),
// the theme and at most one minute allow. A hit costs one small query and
// a copy; personal responses (Cache-Control private) are never kept.
type pageCache struct {
	mu      sync.RWMutex
	entries map[string]*cachedPage
	size    int
}

type cachedPage struct {
	version int64
	theme   string
	at      time.Time
	header  http.Header
	body    []byte
}

const (
	pageCacheTTL      = time.Minute // posts whose date arrives show within a minute
	pageCacheMaxBytes = 64 << 20
	pageCacheMaxBody  = 2 << 20
)

func (c *pageCache) get(key string, version int64, theme string, now time.Time) *cachedPage {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.entries[key]
	if e == nil || e.version != version || e.theme != theme || now.Sub(e.at) > pageCacheTTL {
		return nil
	}
	return e
}

func (c *pageCache) put(key string, e *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || c.size+len(e.body) > pageCacheMaxBytes {
		// Simple and bounded: start over rather than track recency.
		c.entries, c.size = map[string]*cachedPage{}, 0
	}
	if old := c.entries[key]; old != nil {
		c.size -= len(old.body)
	}
	c.entries[key] = e
	c.size += len(e.body)
}

// captureWriter passes a response through while keeping a copy of it.
type captureWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
	over   bool
}

func (cw *captureWriter) WriteHeader(code int) {
	if cw.status == 0 {
		cw.status = code
	}
	cw.ResponseWriter.WriteHeader(code)
}

func (cw *captureWriter) Write(b []byte) (int, error) {
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	if !cw.over {
		if cw.buf.Len()+len(b) > pageCacheMaxBody {
			cw.over = true
			cw.buf = bytes.Buffer{}
		} else {
			cw.buf.Write(b)
		}
	}
	return cw.ResponseWriter.Write(b)
}

// cached serves next through the page cache.
func (h *Handler) cached(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if h.NoPageCache || (r.Method != http.MethodGet && r.Method != http.MethodHead) || h.wantsPersonal(r) {
			next(w, r)
			return
		}
		ver, err := h.Store.ContentVersion(r.Context())
		if err != nil {
			next(w, r) // the handler answers the failure
			return
		}
		key := r.URL.Path + "?" + r.URL.RawQuery
		theme := h.Theme.Version()
		if e := h.pages.get(key, ver, theme, h.Now()); e != nil {
			hd := w.Header()
			for k, v := range e.header {
				hd[k] = v
			}
			if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, e.header.Get("ETag")) {
				notModified(w)
				return
			}
			w.WriteHeader(http.StatusOK)
			if r.Method == http.MethodGet {
				_, _ = w.Write(e.body)
			}
			return
		}
		if r.Method != http.MethodGet || r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
			next(w, r) // nothing whole to keep
			return
		}
		cw := &captureWriter{ResponseWriter: w}
		next(cw, r)
		hd := w.Header()
		if cw.status != http.StatusOK || cw.over || !strings.HasPrefix(hd.Get("Cache-Control"), "public") ||
			hd.Get("Set-Cookie") != "" || hd.Get("Content-Encoding") != "" {
			return
		}
		keep := http.Header{}
		for _, k := range []string{"Content-Type", "ETag", "Last-Modified", "Cache-Control", "Vary", "Content-Security-Policy"} {
			for _, v := range hd.Values(k) {
				keep.Add(k, v)
			}
		}
		h.pages.put(key, &cachedPage{version: ver, theme: theme, at: h.Now(), header: keep, body: bytes.Clone(cw.buf.Bytes())})
	}
}

// hasPostCookie reports whether the request carries a password-protected
// post's cookie: such requests may see a personal page and skip the cache
// (see wantsPersonal).
func hasPostCookie(r *http.Request) bool {
	for _, c := range r.Cookies() {
		if strings.HasPrefix(c.Name, "quire_post_") {
			return true
		}
	}
	return false
}
