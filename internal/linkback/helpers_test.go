package linkback_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
	"github.com/quirehq/quire/internal/xmlrpc"
)

const (
	baseURL = "https://blog.example.com"
	// target is the env's post, at its permalink.
	target = baseURL + "/2024/05/01/what-business-are-you-in/"
)

// env is a site wired as quire serve wires it (apptest, over app.New), on
// a real database, with its own clock, a log to read, a published post
// taking linkbacks, and a source site on loopback whose pages a test
// writes.
type env struct {
	t    *testing.T
	st   *store.Store
	app  *apptest.Site
	h    http.Handler
	post *blog.Post
	src  *sources
	logs *logBuffer

	mu  sync.Mutex
	now time.Time
}

type envOpt struct {
	noPrivate bool // the outbound client may not reach loopback (as serve without --allow-private-fetch)
}

func newEnv(t *testing.T, opts ...envOpt) *env {
	t.Helper()
	var o envOpt
	if len(opts) > 0 {
		o = opts[0]
	}
	st := storetest.New(t)
	ctx := context.Background()
	if err := st.SaveSettings(ctx, map[string]string{site.KeyTitle: "The Sales Hunter", site.KeyBaseURL: baseURL,
		site.KeyTimeZone: "UTC", site.KeyPermalink: blog.PermalinkDay}); err != nil {
		t.Fatal(err)
	}
	owner := &blog.User{Login: "ann", Email: "ann@example.com", Name: "Ann", Role: blog.RoleOwner, PasswordHash: "x"}
	if err := st.CreateUser(ctx, owner); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, st: st, now: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), logs: &logBuffer{}}
	e.app = apptest.New(t, st, apptest.Options{Now: e.clock, AllowPrivate: !o.noPrivate, TrustedProxies: "192.0.2.1",
		Logger: slog.New(slog.NewTextHandler(io.MultiWriter(e.logs, testLog{t}), nil))})
	e.h = e.app.Handler
	e.post = e.newPost("What Business Are You In?", "what-business-are-you-in", nil)
	e.src = newSources(t)
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

// advance moves the site's clock on.
func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// newPost saves a post published on 1 May 2024.
func (e *env) newPost(title, slug string, mod func(*blog.Post)) *blog.Post {
	e.t.Helper()
	p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: title, Slug: slug,
		Body: "Words.", BodyHTML: "<p>Words.</p>", PublishedAt: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
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

// do serves req as a request from ip (through the trusted proxy).
func (e *env) do(req *http.Request, ip string) resp {
	e.t.Helper()
	if ip != "" {
		req.Header.Set("X-Forwarded-For", ip)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return resp{code: rec.Code, hdr: rec.Header(), body: string(b)}
}

// webmention POSTs a webmention from ip.
func (e *env) webmention(ip, source, tgt string) resp {
	e.t.Helper()
	form := url.Values{"source": {source}, "target": {tgt}}
	req := httptest.NewRequest("POST", "/webmention", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return e.do(req, ip)
}

// ping calls pingback.ping from ip and returns its value or fault.
func (e *env) ping(ip, source, tgt string) (any, *xmlrpc.Fault) {
	e.t.Helper()
	body, err := xmlrpc.EncodeCall("pingback.ping", source, tgt)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.call(ip, body)
}

// call POSTs an XML-RPC body to /xmlrpc.php.
func (e *env) call(ip string, body []byte) (any, *xmlrpc.Fault) {
	e.t.Helper()
	req := httptest.NewRequest("POST", "/xmlrpc.php", bytes.NewReader(body))
	req.Header.Set("Content-Type", "text/xml")
	r := e.do(req, ip)
	if r.code != http.StatusOK {
		e.t.Fatalf("xmlrpc: status %d: %s", r.code, r.body)
	}
	v, err := xmlrpc.ReadResponse(strings.NewReader(r.body))
	if f, ok := err.(*xmlrpc.Fault); ok {
		return nil, f
	}
	if err != nil {
		e.t.Fatalf("xmlrpc response %q: %v", r.body, err)
	}
	return v, nil
}

// wantFault checks a pingback's fault code.
func wantFault(t *testing.T, what string, v any, f *xmlrpc.Fault, code int) {
	t.Helper()
	if f == nil {
		t.Errorf("%s: %v, want fault %d", what, v, code)
		return
	}
	if f.Code != code {
		t.Errorf("%s: fault %d %q, want %d", what, f.Code, f.Message, code)
	}
}

// linkbacks returns the post's comments of every status.
func (e *env) linkbacks(postID int64) []blog.Comment {
	e.t.Helper()
	cs, err := e.st.PostComments(context.Background(), postID, blog.CommentApproved, blog.CommentPending,
		blog.CommentSpam, blog.CommentTrash)
	if err != nil {
		e.t.Fatal(err)
	}
	return cs
}

// settle runs the queue until every webmention job written so far has
// ended (completed, or given up), and returns their states.
func (e *env) settle() []string {
	e.t.Helper()
	e.app.StartQueue()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var states []string
		waiting := 0
		for _, j := range e.app.Jobs(jobs.KindVerifyWebmention) {
			states = append(states, j.State)
			if j.State != "completed" && j.State != "cancelled" && j.State != "discarded" {
				waiting++
			}
		}
		if waiting == 0 {
			return states
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("webmention jobs still waiting: %v", states)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sources is a site on loopback serving the pages a test writes, counting
// requests.
type sources struct {
	srv   *httptest.Server
	mu    sync.Mutex
	pages map[string]srcPage
	hits  atomic.Int64
}

type srcPage struct {
	status int
	ctype  string
	body   string
	header http.Header
}

func newSources(t *testing.T) *sources {
	s := &sources{pages: map[string]srcPage{}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		p, ok := s.pages[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		for k, v := range p.header {
			w.Header()[k] = v
		}
		if p.ctype == "" {
			p.ctype = "text/html; charset=utf-8"
		}
		w.Header().Set("Content-Type", p.ctype)
		if p.status == 0 {
			p.status = 200
		}
		w.WriteHeader(p.status)
		io.WriteString(w, p.body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// set serves body (HTML) at path, and returns the page's URL.
func (s *sources) set(path, body string) string {
	return s.setPage(path, srcPage{body: body})
}

func (s *sources) setPage(path string, p srcPage) string {
	s.mu.Lock()
	s.pages[path] = p
	s.mu.Unlock()
	return s.srv.URL + path
}

// linking is a page titled title whose paragraph links to tgt.
func linking(title, tgt string) string {
	return `<!doctype html><html><head><title>` + title + `</title></head><body>
<p>Before the link, some words of context. Read <a href="` + tgt + `">what business are you in</a> and think.</p>
</body></html>`
}

// logBuffer keeps the site's log.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// count returns how many log lines hold every one of words.
func (l *logBuffer) count(words ...string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range strings.Split(l.b.String(), "\n") {
		all := line != ""
		for _, w := range words {
			all = all && strings.Contains(line, w)
		}
		if all {
			n++
		}
	}
	return n
}

type testLog struct{ t testing.TB }

func (l testLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}
