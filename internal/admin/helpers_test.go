package admin_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/quirehq/quire/internal/admin"
	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/server"
	"github.com/quirehq/quire/internal/session"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
	"github.com/quirehq/quire/internal/theme"
	"github.com/quirehq/quire/internal/web"
)

// fakeMailer keeps the messages it is asked to send, or fails with err.
type fakeMailer struct {
	mu   sync.Mutex
	sent []mail.Message
	err  error
}

func (f *fakeMailer) Send(ctx context.Context, m mail.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.sent = append(f.sent, m)
	return nil
}

func (f *fakeMailer) messages() []mail.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]mail.Message(nil), f.sent...)
}

// scheduled is one SchedulePublish call.
type scheduled struct {
	id int64
	at time.Time
}

// fakeJobs records the publishing jobs it is given, and works mail jobs at
// once, as the queue would later: it builds each message with the admin's
// composers and hands it to mailer. It fails with err when set, and
// refuses a publishing job written outside the post's transaction.
type fakeJobs struct {
	mu        sync.Mutex
	calls     []scheduled
	mails     []jobs.MailJob
	composers map[string]jobs.Composer
	mailer    mail.Sender
	err       error
}

func (f *fakeJobs) SchedulePublish(ctx context.Context, tx *store.Store, id int64, at time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if tx.Tx() == nil {
		return errors.New("a publishing job written outside the post's transaction")
	}
	if f.err != nil {
		return f.err
	}
	f.calls = append(f.calls, scheduled{id, at})
	return nil
}

func (f *fakeJobs) Mail(ctx context.Context, tx *store.Store, js ...jobs.MailJob) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	for _, j := range js {
		f.mails = append(f.mails, j)
		compose := f.composers[j.Mail]
		if compose == nil || f.mailer == nil {
			continue
		}
		m, err := compose(ctx, j)
		if errors.Is(err, jobs.ErrNothingToSend) {
			continue
		}
		if err != nil {
			return err
		}
		if err := f.mailer.Send(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// env is a running site on a real migrated database, served by the
// handler quire serve builds (server.Handler), so the admin is tested
// behind its real middleware.
type env struct {
	t         *testing.T
	st        *store.Store
	site      *site.Site
	srv       *httptest.Server
	mailer    *fakeMailer
	mailTest  *fakeMailer
	jobs      *fakeJobs
	passwords *auth.Hasher
	sessions  *scs.SessionManager
}

func newEnv(t *testing.T) *env {
	return newEnvWith(t, site.Overrides{})
}

func newEnvWith(t *testing.T, o site.Overrides) *env {
	t.Helper()
	st := storetest.New(t)
	e := &env{t: t, st: st, site: site.New(st, o), mailer: &fakeMailer{}, mailTest: &fakeMailer{},
		passwords: auth.NewHasher(0, time.Minute)}
	e.jobs = &fakeJobs{composers: admin.MailComposers(st, e.site), mailer: e.mailer}
	e.start(nil)
	return e
}

// start serves the site (again) with notify told of approvals.
func (e *env) start(notify admin.CommentNotifier) {
	e.t.Helper()
	if e.srv != nil {
		e.srv.Close()
	}
	th, err := theme.Load("")
	if err != nil {
		e.t.Fatal(err)
	}
	// The test client connects from loopback, trusted as a proxy, so a
	// client can speak for any address with X-Forwarded-For (client.from).
	res, err := clientip.NewResolver("127.0.0.1")
	if err != nil {
		e.t.Fatal(err)
	}
	e.sessions = session.New(e.st)
	logger := slog.New(slog.DiscardHandler)
	e.srv = httptest.NewServer(server.Handler(server.Options{
		Store: e.st,
		Web:   web.Deps{Store: e.st, Site: e.site, Theme: th, Logger: logger, Sessions: e.sessions},
		Admin: admin.Deps{Store: e.st, Site: e.site, Sessions: e.sessions, Mailer: e.mailer, Jobs: e.jobs,
			MailTest: e.mailTest, Notify: notify, Logger: logger, Passwords: e.passwords},
		Sessions: e.sessions,
		ClientIP: res,
		Logger:   logger,
	}))
	e.t.Cleanup(e.srv.Close)
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
