package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/quirehq/quire/internal/admin"
	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/server"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
	"github.com/quirehq/quire/internal/theme"
	"github.com/quirehq/quire/internal/web"
)

type env struct {
	st      *store.Store
	h       http.Handler
	logs    *bytes.Buffer
	metrics *server.Metrics
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st := storetest.New(t)
	th, err := theme.Load("")
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	// The site as serve wires it.
	metrics := server.NewMetrics()
	h := apptest.New(t, st, apptest.Options{Overrides: site.Overrides{DefaultBaseURL: "http://127.0.0.1:8080"},
		Theme: th, Logger: logger, Metrics: metrics}).Handler
	p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: "Hello",
		Body: strings.Repeat("words ", 400), BodyHTML: "<p>" + strings.Repeat("words ", 400) + "</p>",
		PublishedAt: time.Date(2011, 1, 5, 0, 0, 0, 0, time.UTC)}
	if _, err := st.SavePost(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return &env{st: st, h: h, logs: logs, metrics: metrics}
}

func (e *env) do(req *http.Request) *http.Response {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	resp := e.do(httptest.NewRequest("GET", "/", nil))
	for k, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
		"X-Frame-Options":         "DENY",
	} {
		if got := resp.Header.Get(k); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want it to contain %q", k, got, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %s", csp)
	}
}

// TestCrossOriginPostsRefused sends form posts the way browsers do: with
// Origin and Sec-Fetch-Site headers. (A request with neither, as curl
// sends, passes: it cannot come from a victim's browser.)
func TestCrossOriginPostsRefused(t *testing.T) {
	e := newEnv(t)
	post := func(hdr map[string]string) int {
		req := httptest.NewRequest("POST", "http://127.0.0.1:8080/admin/login", strings.NewReader("email=a%40b.c&password=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		return e.do(req).StatusCode
	}
	if code := post(map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}); code != http.StatusForbidden {
		t.Errorf("cross-site post: %d, want 403", code)
	}
	if code := post(map[string]string{"Origin": "https://evil.example"}); code != http.StatusForbidden {
		t.Errorf("cross-origin post without Sec-Fetch-Site: %d, want 403", code)
	}
	if code := post(map[string]string{"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"}); code == http.StatusForbidden {
		t.Errorf("same-origin post refused")
	}
	if code := post(nil); code == http.StatusForbidden {
		t.Errorf("post without browser headers refused")
	}
}

func TestGzipAndETag(t *testing.T) {
	e := newEnv(t)
	req := httptest.NewRequest("GET", "/2011/01/05/hello/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp := e.do(req)
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("not compressed: %v", resp.Header)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !strings.Contains(string(body), "Hello") {
		t.Error("compressed body lacks the post")
	}
	etag := resp.Header.Get("ETag")
	req = httptest.NewRequest("GET", "/2011/01/05/hello/", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("If-None-Match", etag)
	if code := e.do(req).StatusCode; code != http.StatusNotModified {
		t.Errorf("revalidating the compressed copy: %d", code)
	}
}

func TestSetupTokenNeverLogged(t *testing.T) {
	e := newEnv(t)
	link, err := admin.SetupLink(context.Background(), e.st, "http://127.0.0.1:8080")
	if err != nil || link == "" {
		t.Fatalf("setup link: %q %v", link, err)
	}
	tok := link[strings.LastIndex(link, "/")+1:]
	e.do(httptest.NewRequest("GET", "/admin/setup/"+tok, nil))
	e.do(httptest.NewRequest("GET", "/admin/reset/some-reset-token", nil))
	if strings.Contains(e.logs.String(), tok) || strings.Contains(e.logs.String(), "some-reset-token") {
		t.Errorf("a token reached the request log:\n%s", e.logs)
	}
	if !strings.Contains(e.logs.String(), "/admin/setup/[redacted]") {
		t.Errorf("setup request not logged at all:\n%s", e.logs)
	}
}

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	if code := e.do(httptest.NewRequest("GET", "/healthz", nil)).StatusCode; code != 200 {
		t.Errorf("healthz: %d", code)
	}
	e.st.Close()
	if code := e.do(httptest.NewRequest("GET", "/healthz", nil)).StatusCode; code != http.StatusServiceUnavailable {
		t.Errorf("healthz with the database gone: %d", code)
	}
}

func TestUnknownURLsAre404NotPanics(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/%00", "/..%2f..%2fetc/passwd", "/" + strings.Repeat("a", 5000), "/wp-content/x.php", "/?s=%22"} {
		code := e.do(httptest.NewRequest("GET", "http://127.0.0.1:8080"+strings.ReplaceAll(p, "%00", "%2500"), nil)).StatusCode
		if code >= 500 {
			t.Errorf("%s: %d", p, code)
		}
	}
}

func TestMetricsCountRequests(t *testing.T) {
	st := storetest.New(t)
	m := server.NewMetrics()
	th, _ := theme.Load("")
	s := site.New(st, site.Overrides{})
	sessions := scs.New()
	sessions.Store = st.Sessions()
	res, _ := clientip.NewResolver("")
	h := server.Handler(server.Options{Store: st, Web: web.Deps{Store: st, Site: s, Theme: th},
		Admin: admin.Deps{Store: st, Site: s, Sessions: sessions}, Sessions: sessions, ClientIP: res,
		Logger: slog.New(slog.DiscardHandler), Metrics: m})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/nope/", nil))
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "quire_http_requests_total" {
			for _, metric := range f.GetMetric() {
				for _, l := range metric.GetLabel() {
					if l.GetName() == "code" && l.GetValue() == "404" && metric.GetCounter().GetValue() == 1 {
						return
					}
				}
			}
		}
	}
	t.Error("the 404 request was not counted")
}
