package web

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/quirehq/quire/internal/site"
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
		key := site.PathFor(r, r.URL.Path) + "?" + r.URL.RawQuery // the path as asked, prefix included
		theme := h.Theme.Version()
		if e := h.pages.get(key, ver, theme, h.Now()); e != nil {
			hd := w.Header()
			for k, v := range e.header {
				hd[k] = slices.Clone(v)
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
		before := w.Header().Clone()
		next(cw, r)
		hd := w.Header()
		if cw.status != http.StatusOK || cw.over || !strings.HasPrefix(hd.Get("Cache-Control"), "public") ||
			hd.Get("Set-Cookie") != "" || hd.Get("Content-Encoding") != "" {
			return
		}
		h.pages.put(key, &cachedPage{version: ver, theme: theme, at: h.Now(), header: handlerHeaders(before, hd),
			body: bytes.Clone(cw.buf.Bytes())})
	}
}

// unkept are headers a cached page never replays: they belong to one
// connection or one response's transfer, and net/http writes them.
var unkept = map[string]bool{"Date": true, "Content-Length": true, "Transfer-Encoding": true, "Connection": true,
	"Keep-Alive": true, "Trailer": true, "Set-Cookie": true}

// handlerHeaders returns every header the handler set or changed on a
// response (after, compared with before it ran): the whole of what the
// cached page stands for — its type, validators, caching, policies, and
// whatever a handler adds (a post's Link and X-Pingback) — but not what
// the middleware around it set for this request alone, which it sets
// again on every hit.
func handlerHeaders(before, after http.Header) http.Header {
	keep := http.Header{}
	for k, vs := range after {
		if unkept[k] || slices.Equal(before[k], vs) {
			continue
		}
		keep[k] = slices.Clone(vs)
	}
	return keep
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
