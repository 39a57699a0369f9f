package web

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/quirehq/quire/internal/httpenc"
	"github.com/quirehq/quire/internal/site"
)

// pageCache keeps whole public responses in memory, keyed by path and
// query, for as long as the content version (checked on every request),
// the theme and at most one minute allow. Each is kept as an
// httpenc.Response: its headers built once, and its body compressed once
// per coding, the first time a client asks for that coding. Personal
// responses (Cache-Control private) are never kept.
type pageCache struct {
	mu      sync.RWMutex
	entries map[pageKey]*cachedPage
	size    int // bytes held by every entry, in every coding made
}

// pageKey is a page's path and raw query: two strings rather than one
// joined, so that looking a page up allocates nothing.
type pageKey struct{ path, query string }

type cachedPage struct {
	version int64
	theme   string
	at      time.Time
	resp    *httpenc.Response
}

const (
	pageCacheTTL      = time.Minute // posts whose date arrives show within a minute
	pageCacheMaxBytes = 64 << 20    // every coding of every page counts
	pageCacheMaxBody  = 2 << 20
)

// lookup returns the entry kept for key, current or not.
func (c *pageCache) lookup(key pageKey) *cachedPage {
	c.mu.RLock()
	e := c.entries[key]
	c.mu.RUnlock()
	return e
}

// current reports whether e may answer for content version version and
// theme at now.
func (e *cachedPage) current(version int64, theme string, now time.Time) bool {
	return e.version == version && e.theme == theme && now.Sub(e.at) <= pageCacheTTL && !now.Before(e.at)
}

func (c *pageCache) put(key pageKey, e *cachedPage) {
	n := e.resp.Body().Size()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || c.size+n > pageCacheMaxBytes {
		// Simple and bounded: start over rather than track recency.
		c.entries, c.size = map[pageKey]*cachedPage{}, 0
	}
	if old := c.entries[key]; old != nil {
		c.size -= old.resp.Body().Size()
	}
	c.entries[key] = e
	c.size += n
}

// grew counts n more bytes held by e, a compressed form made after it was
// kept, if the cache still holds e; past the cap it starts over.
func (c *pageCache) grew(key pageKey, e *cachedPage, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries[key] != e {
		return // dropped or replaced: its bytes were counted, or are no longer held
	}
	c.size += n
	if c.size > pageCacheMaxBytes {
		c.entries, c.size = map[pageKey]*cachedPage{}, 0
	}
}

// captureWriter holds back a response its handler marked public (200,
// Cache-Control public, no cookie set, no coding of its own) so that the
// page cache can keep it and serve it in the coding the client accepts;
// any other response, or one larger than pageCacheMaxBody, goes through
// as it is written.
type captureWriter struct {
	http.ResponseWriter
	status int
	keep   bool // holding the response back
	buf    bytes.Buffer
}

func (cw *captureWriter) WriteHeader(code int) {
	if cw.status != 0 {
		return
	}
	cw.status = code
	hd := cw.Header()
	if code == http.StatusOK && strings.HasPrefix(hd.Get("Cache-Control"), "public") &&
		hd.Get("Set-Cookie") == "" && hd.Get("Content-Encoding") == "" {
		cw.keep = true
		return
	}
	cw.ResponseWriter.WriteHeader(code)
}

func (cw *captureWriter) Write(b []byte) (int, error) {
	if cw.status == 0 {
		cw.WriteHeader(http.StatusOK)
	}
	if !cw.keep {
		return cw.ResponseWriter.Write(b)
	}
	if cw.buf.Len()+len(b) > pageCacheMaxBody {
		// Too large to keep: send what was held and the rest as it comes.
		cw.keep = false
		cw.ResponseWriter.WriteHeader(http.StatusOK)
		if _, err := cw.ResponseWriter.Write(cw.buf.Bytes()); err != nil {
			return 0, err
		}
		cw.buf = bytes.Buffer{}
		return cw.ResponseWriter.Write(b)
	}
	return cw.buf.Write(b)
}

// pageCacheable reports whether r may be answered from the page cache, or
// kept in it: a GET or HEAD, by a reader whose page is the same as
// everyone's.
func (h *Handler) pageCacheable(r *http.Request) bool {
	return !h.NoPageCache && (r.Method == http.MethodGet || r.Method == http.MethodHead) && !h.wantsPersonal(r)
}

// currentPage returns the page kept for key if it is current, and the
// content version it was checked against: the one place the page cache
// asks for the version.
func (h *Handler) currentPage(ctx context.Context, key pageKey) (*cachedPage, int64, error) {
	ver, err := h.Store.ContentVersion(ctx)
	if err != nil {
		return nil, 0, err
	}
	if e := h.pages.lookup(key); e != nil && e.current(ver, h.Theme.Version(), h.Now()) {
		return e, ver, nil
	}
	return nil, ver, nil
}

// ServeCached answers r from the page cache when it holds a current copy
// of the page r asks for, and reports whether it did. server.Handler calls
// it before the middleware that such a response does not need (routing,
// body limits, cross-origin checks, compression on the fly): what it
// serves carries every header the first response had, the middleware's
// included. A path the cache holds nothing for costs one map lookup.
func (h *Handler) ServeCached(w http.ResponseWriter, r *http.Request) bool {
	if !h.pageCacheable(r) {
		return false
	}
	key := pageKey{r.URL.EscapedPath(), r.URL.RawQuery}
	if h.pages.lookup(key) == nil {
		return false
	}
	e, _, err := h.currentPage(r.Context(), key)
	if err != nil || e == nil {
		return false
	}
	e.resp.Serve(w, r)
	return true
}

// cached serves next through the page cache: a current copy is served as
// it is; otherwise next renders the page (as a GET, whatever the method)
// and, when the response is public, it is kept and then served from the
// cache like any later request, so the first reader gets what every
// other does (the coding they accept, 304 for their ETag, a range).
func (h *Handler) cached(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !h.pageCacheable(r) {
			next(w, r)
			return
		}
		// The path as the client sent it, escaped and with the site's prefix
		// (which site.RequestPrefix keeps escaped), as ServeCached sees it
		// before the prefix is taken off.
		key := pageKey{site.RequestPrefix(r) + r.URL.EscapedPath(), r.URL.RawQuery}
		e, ver, err := h.currentPage(r.Context(), key)
		if err != nil {
			next(w, r) // the handler answers the failure
			return
		}
		if e != nil {
			e.resp.Serve(w, r)
			return
		}
		render := r
		if r.Method != http.MethodGet {
			render = r.Clone(r.Context())
			render.Method = http.MethodGet
		}
		cw := &captureWriter{ResponseWriter: w}
		next(cw, render)
		if !cw.keep {
			return
		}
		hd := w.Header()
		data := bytes.Clone(cw.buf.Bytes())
		if hd.Get("Content-Type") == "" {
			hd.Set("Content-Type", http.DetectContentType(data))
		}
		e = &cachedPage{version: ver, theme: h.Theme.Version(), at: h.Now()}
		body := httpenc.NewBody(data, hd.Get("Content-Type"), httpenc.Page, func(n int) { h.pages.grew(key, e, n) })
		e.resp = httpenc.NewResponse(hd, body)
		h.pages.put(key, e)
		e.resp.Serve(w, r)
	}
}
