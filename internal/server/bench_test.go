package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/server"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store/storetest"
)

// browserHeaders are what a current browser sends for a page it follows a
// link to (Chromium's, trimmed of client hints).
var browserHeaders = map[string]string{
	"Accept":          "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
	"Accept-Encoding": "gzip, deflate, br, zstd",
	"Accept-Language": "en-US,en;q=0.9",
	"User-Agent":      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"Sec-Fetch-Dest":  "document",
	"Sec-Fetch-Mode":  "navigate",
	"Sec-Fetch-Site":  "same-origin",
}

// discardWriter is a ResponseWriter that keeps the status and drops the
// body, with a fresh header map per request as net/http gives: what a
// benchmark measures is then the handler's work, not a recorder's copy.
type discardWriter struct {
	hdr    http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header { return w.hdr }
func (w *discardWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *discardWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += len(b)
	return len(b), nil
}

// benchSite serves a long post (about 1,300 words) on the site serve
// wires, with request logs written as serve writes them (text, info) to
// nowhere and metrics on; it returns the handler and the post's path.
func benchSite(b *testing.B) (http.Handler, string) {
	st := storetest.New(b)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := apptest.New(b, st, apptest.Options{Overrides: site.Overrides{DefaultBaseURL: "http://127.0.0.1:8080"},
		Logger: logger, Metrics: server.NewMetrics()})
	var body strings.Builder
	words := strings.Fields("the buyer wants a result not a product so ask what job they need done and listen " +
		"before you pitch because every good sale starts with a better question about value time and trust")
	for i := 0; i < 1300; i++ {
		if i%60 == 0 {
			body.WriteString("<p>")
		}
		body.WriteString(words[(i*7)%len(words)] + " ")
		if i%60 == 59 {
			body.WriteString("</p>\n")
		}
	}
	p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: "What Business Are You In?",
		Body: "(html)", BodyHTML: body.String(), PublishedAt: time.Date(2011, 1, 5, 0, 0, 0, 0, time.UTC)}
	if _, err := st.SavePost(context.Background(), p); err != nil {
		b.Fatal(err)
	}
	return s.Handler, "/2011/01/05/" + p.Slug + "/"
}

// BenchmarkServeCachedPost measures a cache hit through the whole handler
// serve runs (every middleware, the request log and the metrics), for a
// client that sends no Accept-Encoding (wrk, curl) and for a browser.
func BenchmarkServeCachedPost(b *testing.B) {
	h, path := benchSite(b)
	u, _ := url.Parse("http://127.0.0.1:8080" + path)
	for _, c := range []struct {
		name string
		hdr  map[string]string
	}{{"plain", nil}, {"browser", browserHeaders}} {
		b.Run(c.name, func(b *testing.B) {
			base := http.Header{}
			for k, v := range c.hdr {
				base.Set(k, v)
			}
			serve := func() *discardWriter {
				req := &http.Request{Method: "GET", URL: u, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
					Header: base.Clone(), Host: u.Host, RemoteAddr: "192.0.2.7:50000", RequestURI: path, Body: http.NoBody}
				w := &discardWriter{hdr: http.Header{}}
				h.ServeHTTP(w, req)
				return w
			}
			if w := serve(); w.status != http.StatusOK || w.n < 10000 && c.hdr == nil {
				b.Fatalf("setup: %d, %d bytes", w.status, w.n)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if w := serve(); w.status != http.StatusOK {
					b.Fatal(w.status)
				}
			}
		})
	}
}
