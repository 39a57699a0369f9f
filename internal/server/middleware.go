package server

import (
	"compress/gzip"
	"errors"
	"html"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/quirehq/quire/internal/admin"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/linkback"
	"github.com/quirehq/quire/internal/web"
)

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// redactedPrefixes are paths whose remainder is a secret token.
var redactedPrefixes = []string{"/admin/setup/", "/admin/reset/"}

// LogPath returns the path as request logs show it, with secret tokens
// removed (under the site's path prefix too: /blog/admin/setup/…).
func LogPath(path string) string {
	for _, p := range redactedPrefixes {
		if i := strings.Index(path, p); i >= 0 {
			return path[:i] + p + "[redacted]"
		}
	}
	return path
}

// observe logs every request and, when metrics are on, counts it.
func observe(logger *slog.Logger, m *Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		m.record(r.Method, sw.status, time.Since(start))
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		logger.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method), slog.String("path", LogPath(r.URL.Path)),
			slog.Int("status", sw.status), slog.Int("bytes", sw.size),
			slog.Duration("duration", time.Since(start)), slog.String("ip", clientip.From(r)))
	})
}

func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.Error("panic serving request", "path", LogPath(r.URL.Path), "panic", v)
				http.Error(w, "Something went wrong on our side. Please try again.", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// ContentSecurityPolicy allows only the site's own scripts, styles and
// images; no inline script runs.
const ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		next.ServeHTTP(w, r)
	})
}

var gzipPool = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	return w
}}

// gzipWriter compresses the body when the response is worth compressing.
type gzipWriter struct {
	http.ResponseWriter
	gz      *gzip.Writer
	decided bool
}

func compressible(ct string) bool {
	for _, p := range []string{"text/", "application/json", "application/xml", "application/rss+xml",
		"application/atom+xml", "application/feed+json", "application/javascript", "image/svg+xml", "application/ld+json"} {
		if strings.HasPrefix(ct, p) {
			return true
		}
	}
	return false
}

func (w *gzipWriter) decide(status int) {
	if w.decided {
		return
	}
	w.decided = true
	h := w.Header()
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified ||
		h.Get("Content-Encoding") != "" || !compressible(h.Get("Content-Type")) {
		return
	}
	if n, err := strconv.Atoi(h.Get("Content-Length")); err == nil && n < 512 {
		return
	}
	h.Del("Content-Length")
	h.Set("Content-Encoding", "gzip")
	if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
		h.Set("ETag", strings.TrimSuffix(et, `"`)+`-gz"`)
	}
	w.gz = gzipPool.Get().(*gzip.Writer)
	w.gz.Reset(w.ResponseWriter)
}

func (w *gzipWriter) WriteHeader(code int) {
	w.decide(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *gzipWriter) Write(b []byte) (int, error) {
	if !w.decided {
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", http.DetectContentType(b))
		}
		w.WriteHeader(http.StatusOK)
	}
	if w.gz != nil {
		return w.gz.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *gzipWriter) close() {
	if w.gz != nil {
		w.gz.Close()
		gzipPool.Put(w.gz)
		w.gz = nil
	}
}

func (w *gzipWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func gzipHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		if r.Method == http.MethodHead || !acceptsGzip(r) {
			next.ServeHTTP(w, r)
			return
		}
		// A compressed response carries a different ETag; compare
		// validators as the handler wrote them.
		if inm := r.Header.Get("If-None-Match"); strings.Contains(inm, `-gz"`) {
			r.Header.Set("If-None-Match", strings.ReplaceAll(inm, `-gz"`, `"`))
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}

// Metrics are the Prometheus collectors of one server.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers Quire's HTTP metrics and Go's runtime metrics.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "quire_http_requests_total", Help: "HTTP requests by method and status code.",
		}, []string{"method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "quire_http_request_duration_seconds", Help: "HTTP request latency.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method"}),
	}
	reg.MustRegister(m.requests, m.duration, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) record(method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if method != http.MethodGet && method != http.MethodHead && method != http.MethodPost {
		method = "OTHER"
	}
	m.requests.WithLabelValues(method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(method).Observe(d.Seconds())
}

// DefaultBodyLimit bounds the body of every request whose route is not
// named in bodyLimits: login, lost password, reset, settings, moderation
// and every other small form.
const DefaultBodyLimit = 64 << 10

// bodyLimit lets the requests of one route have a larger body, or a
// smaller one, or read it themselves.
type bodyLimit struct {
	pattern string // a ServeMux pattern, as the route is registered
	max     int64
	// stream is true when the handler reads the body as it arrives (an
	// upload, read part by part into memory) and answers a body over max
	// itself; every other form is read here.
	stream bool
	// tooLong, when set, is what a 413 says instead of the general
	// message, in the words of the form.
	tooLong string
	// own is true when the handler answers every problem with its body
	// in its protocol's words (a body declared or found too large, a
	// form that cannot be read): the body is only bounded here. It
	// implies stream.
	own bool
	// match, when set, picks the route's requests instead of pattern,
	// for addresses no pattern can name (a post's trackback address).
	match func(*http.Request) bool
}

// bodyLimits names, in one place, the routes whose bodies may be larger
// than DefaultBodyLimit, and how large, or that read their bodies
// themselves; trackback recognises a post's trackback address.
func bodyLimits(trackback func(*http.Request) bool) []bodyLimit {
	return []bodyLimit{
		{pattern: "POST /admin/media/{$}", max: admin.MaxUploadBody, stream: true},
		{pattern: "POST /admin/posts/new", max: admin.MaxPostBody},
		{pattern: "POST /admin/pages/new", max: admin.MaxPostBody},
		{pattern: "POST /admin/posts/{id}", max: admin.MaxPostBody},
		{pattern: "POST /admin/comments/{id}", max: admin.MaxCommentBody},
		{pattern: "POST /admin/comments/{id}/reply", max: admin.MaxCommentBody},
		{pattern: "POST /wp-comments-post.php", max: web.MaxCommentBody, tooLong: web.CommentTooLong},
		// Moderation and disallowed words can be long lists.
		{pattern: "POST /admin/settings/discussion", max: 1 << 20},
		// The linkback endpoints answer in their protocols' words (a 400
		// with a reason, an XML-RPC fault, Trackback's XML error).
		{pattern: linkback.WebmentionPath, max: linkback.MaxBody, own: true},
		{pattern: linkback.PingbackPath, max: linkback.MaxBody, own: true},
		{max: linkback.MaxBody, own: true, match: trackback},
	}
}

// limitBodies bounds every request's body to what its route allows
// (DefaultBodyLimit unless limits says more). A body declared larger is
// answered 413 without being read; any other body can be read only up to
// the limit. Forms, urlencoded or multipart, are read here, in memory no
// larger than the limit (a multipart file is never written to disk), so
// that a form too large is answered 413 rather than read as empty, and
// every handler finds its form parsed whichever way it was sent.
func limitBodies(limits []bodyLimit, next http.Handler) http.Handler {
	routes := http.NewServeMux()
	var matched []*bodyLimit
	for i := range limits {
		if limits[i].match != nil {
			matched = append(matched, &limits[i])
			continue
		}
		routes.Handle(limits[i].pattern, &limits[i])
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		limit := bodyLimit{max: DefaultBodyLimit}
		if h, _ := routes.Handler(r); h != nil {
			if l, ok := h.(*bodyLimit); ok {
				limit = *l
			}
		}
		for _, l := range matched {
			if l.match(r) {
				limit = *l
				break
			}
		}
		if r.ContentLength > limit.max && !limit.own {
			tooLarge(w, r, &limit)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit.max)
		if !limit.stream && !limit.own {
			ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			var err error
			switch ct {
			case "multipart/form-data":
				err = r.ParseMultipartForm(limit.max)
				if r.MultipartForm != nil {
					defer r.MultipartForm.RemoveAll()
				}
			case "application/x-www-form-urlencoded":
				err = r.ParseForm()
			}
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				tooLarge(w, r, &limit)
				return
			case err != nil:
				plainPage(w, r, http.StatusBadRequest, "The form could not be read",
					"What arrived was not a whole form. Please go back and send it again.")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// ServeHTTP is never called: a bodyLimit is a ServeMux handler only to be
// found by its pattern.
func (l *bodyLimit) ServeHTTP(http.ResponseWriter, *http.Request) {}

// tooLarge answers 413 and closes the connection, so the rest of the body
// is never read.
func tooLarge(w http.ResponseWriter, r *http.Request, limit *bodyLimit) {
	w.Header().Set("Connection", "close")
	msg := limit.tooLong
	if msg == "" {
		msg = "What you sent is larger than this form takes (at most " + sizeText(limit.max) + "). " +
			"Go back, make it shorter and send it again: your browser has kept what you typed."
	}
	plainPage(w, r, http.StatusRequestEntityTooLarge, "Too large to send", msg)
}

// plainPage answers with a short message: a small HTML page for browsers,
// plain text for everything else.
func plainPage(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	if !strings.Contains(r.Header.Get("Accept"), "text/html") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		io.WriteString(w, title+". "+msg+"\n")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	io.WriteString(w, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"+
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"+
		"<title>"+html.EscapeString(title)+"</title>\n</head>\n<body>\n<main>\n<h1>"+html.EscapeString(title)+"</h1>\n"+
		"<p>"+html.EscapeString(msg)+"</p>\n</main>\n</body>\n</html>\n")
}

// sizeText writes n bytes as people read it: "64 KiB", "2 MiB".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
