package admin_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// env is a running site on a real migrated database, wired as quire serve
// wires it (app.New: server.Handler's middleware, the real job queue,
// notifier and mail composers), so the admin is tested as it runs. Mail
// goes through the queue to mail, which holds what was really sent.
type env struct {
	t         *testing.T
	st        *store.Store
	site      *site.Site
	srv       *httptest.Server
	app       *apptest.Site
	mail      *apptest.Capture
	passwords *auth.Hasher
	sessions  *scs.SessionManager
	overrides site.Overrides
	fan       string // subscribed to follow-ups of every post addPost makes
	sender    newsletter.Sender
	// bulk is where the delivery engine sends issues (nil: the capture),
	// now the site's clock (nil: time.Now).
	bulk mail.Sender
	now  func() time.Time
}

func newEnv(t *testing.T) *env {
	return newEnvWith(t, site.Overrides{})
}

func newEnvWith(t *testing.T, o site.Overrides) *env {
	t.Helper()
	e := &env{t: t, st: storetest.New(t), passwords: auth.NewHasher(0, time.Minute), overrides: o}
	e.start()
	return e
}

// start serves the site (again, with e.passwords as it is now).
func (e *env) start() {
	e.t.Helper()
	if e.srv != nil {
		e.srv.Close()
	}
	// The test client connects from loopback, trusted as a proxy, so a
	// client can speak for any address with X-Forwarded-For (client.from).
	e.app = apptest.New(e.t, e.st, apptest.Options{Overrides: e.overrides, TrustedProxies: "127.0.0.1", Passwords: e.passwords,
		Sender: e.sender, Bulk: e.bulk, Now: e.now})
	e.site, e.mail, e.sessions = e.app.Site, e.app.Mail, e.app.App.Sessions
	e.srv = httptest.NewServer(e.app.Handler)
	e.t.Cleanup(e.srv.Close)
}

// scheduled is one publishing job: the post and when.
type scheduled struct {
	id int64
	at time.Time
}

// publishJobs returns the publishing jobs written so far.
func (e *env) publishJobs() []scheduled {
	e.t.Helper()
	var out []scheduled
	for _, j := range e.app.Jobs(jobs.KindPublishPost) {
		id, _ := j.Args["post_id"].(float64)
		at, _ := time.Parse(time.RFC3339, fmt.Sprint(j.Args["at"]))
		out = append(out, scheduled{int64(id), at})
	}
	return out
}

// mailJobs returns the mail jobs written so far, each as the mail it
// names ("password_reset"…).
func (e *env) mailJobs() []string {
	e.t.Helper()
	var out []string
	for _, j := range e.app.Jobs(jobs.KindMail) {
		job, _ := j.Args["job"].(map[string]any)
		out = append(out, fmt.Sprint(job["mail"]))
	}
	return out
}

// client is a browser: it keeps cookies and does not follow redirects, so
// tests can see where they point.
type client struct {
	e    *env
	hc   *http.Client
	addr string // the client's address, when not loopback
	ua   string // its User-Agent, when set
}

// from makes c's requests come from addr (as a trusted proxy says).
func (c *client) from(addr string) *client {
	c.addr = addr
	return c
}

func (e *env) client() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &client{e: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// response is what a request returned.
type response struct {
	status   int
	body     string
	location string
	header   http.Header
}

func (c *client) do(method, path string, form url.Values) response {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.send(req)
}

func (c *client) send(req *http.Request) response {
	c.e.t.Helper()
	if c.addr != "" {
		req.Header.Set("X-Forwarded-For", c.addr)
	}
	if c.ua != "" {
		req.Header.Set("User-Agent", c.ua)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return response{status: resp.StatusCode, body: string(b), location: resp.Header.Get("Location"), header: resp.Header}
}

func (c *client) get(path string) response { return c.do(http.MethodGet, path, nil) }

func (c *client) post(path string, form url.Values) response {
	if form == nil {
		form = url.Values{}
	}
	return c.do(http.MethodPost, path, form)
}

// addUser creates an account directly in the store.
func (e *env) addUser(role blog.Role, name, email, pw string) *blog.User {
	e.t.Helper()
	hash, err := auth.HashPassword(pw)
	if err != nil {
		e.t.Fatal(err)
	}
	u := &blog.User{Name: name, Email: email, Role: role, PasswordHash: hash}
	if err := e.st.CreateUser(context.Background(), u); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// loginAs returns a client logged in with email and pw.
func (e *env) loginAs(email, pw string) *client {
	e.t.Helper()
	c := e.client()
	r := c.post("/admin/login", url.Values{"email": {email}, "password": {pw}})
	if r.status != http.StatusSeeOther {
		e.t.Fatalf("login as %s: status %d, body %s", email, r.status, r.body)
	}
	return c
}

// owner creates an owner and returns a client logged in as them.
func (e *env) owner() (*client, *blog.User) {
	e.t.Helper()
	u := e.addUser(blog.RoleOwner, "Olive Owner", "olive@example.com", "olive-password-1")
	return e.loginAs(u.Email, "olive-password-1"), u
}

func mustContain(t *testing.T, r response, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			t.Errorf("response (status %d) does not contain %q:\n%s", r.status, p, r.body)
		}
	}
}

func mustStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d; body:\n%s", r.status, want, r.body)
	}
}

var errRelay = errors.New("550 5.7.1 Relaying denied for test@example.net")
