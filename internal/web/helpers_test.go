package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
	"github.com/quirehq/quire/internal/theme"
	"github.com/quirehq/quire/internal/web"
)

// env is a reader site on a real, migrated database, served by the
// wiring quire serve runs (app.New): every middleware, the real comment
// service, notifier, sessions and job queue.
type env struct {
	t      testing.TB
	st     *store.Store
	app    *apptest.Site
	h      http.Handler
	now    time.Time
	author *blog.User
	site   *site.Site
	theme  *theme.Theme
}

const baseURL = "https://blog.example.com"

func newEnv(t testing.TB) *env {
	t.Helper()
	st := storetest.New(t)
	ctx := context.Background()
	if err := st.SaveSettings(ctx, map[string]string{
		site.KeyTitle: "Field Notes", site.KeyDescription: "Selling, plainly", site.KeyBaseURL: baseURL,
		site.KeyTimeZone: "America/Chicago", site.KeyPostsPerPage: "2",
	}); err != nil {
		t.Fatal(err)
	}
	th, err := theme.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, now: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), theme: th}
	e.app = apptest.New(t, st, apptest.Options{Now: func() time.Time { return e.now }, Theme: th,
		Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))})
	e.site, e.h = e.app.Site, e.app.Handler
	e.author = &blog.User{Email: "ann@example.com", Name: "Ann Writer", Role: blog.RoleOwner, PasswordHash: "x"}
	if err := st.CreateUser(ctx, e.author); err != nil {
		t.Fatal(err)
	}
	return e
}

// deps is what the env's reader pages run with, for tests that mount a
// reader handler of their own beside the env's (a fresh cache, another
// Mastodon checker).
func (e *env) deps() web.Deps {
	return web.Deps{Store: e.st, Site: e.site, Theme: e.theme, Logger: slog.New(slog.NewTextHandler(testLog{e.t}, nil)),
		Now: func() time.Time { return e.now }}
}

// post saves a published post written by the env's author.
func (e *env) post(title string, at time.Time, mod func(*blog.Post)) *blog.Post {
	e.t.Helper()
	p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: title, AuthorID: e.author.ID,
		Body: "Some words about " + title + ".", BodyHTML: "<p>Some words about " + title + ".</p>", PublishedAt: at}
	if mod != nil {
		mod(p)
	}
	if _, err := e.st.SavePost(context.Background(), p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

type resp struct {
	code int
	hdr  http.Header
	body string
}

func (e *env) do(req *http.Request) resp {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return resp{code: rec.Code, hdr: rec.Header(), body: string(b)}
}

func (e *env) get(path string, hdr ...string) resp {
	e.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return e.do(req)
}

func (r resp) has(t testing.TB, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.body, w) {
			t.Errorf("body lacks %q", w)
		}
	}
}

func (r resp) lacks(t testing.TB, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(r.body, w) {
			t.Errorf("body should not contain %q", w)
		}
	}
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 15, 0, 0, 0, time.UTC) }

// testLog sends the handler's log to the test's.
type testLog struct{ t testing.TB }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
