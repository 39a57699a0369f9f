package newsletter_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

const base = "https://coach.example.com"

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// fakeSender stands for the delivery engine: it records the issues it was
// handed, checks it was handed them inside a transaction, and fails when
// told to.
type fakeSender struct {
	mu     sync.Mutex
	issues []int64
	inTx   []bool
	err    error
}

func (f *fakeSender) Enqueue(ctx context.Context, tx *store.Store, issueID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	// What the engine would do: read the issue through tx, as it is there.
	is, err := tx.Issue(ctx, issueID)
	if err != nil {
		return err
	}
	if is.Status != blog.IssueSending {
		return errors.New("fake sender: the issue is not sending")
	}
	f.issues = append(f.issues, issueID)
	f.inTx = append(f.inTx, tx.Tx() != nil)
	return nil
}

func (f *fakeSender) handed() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int64(nil), f.issues...)
}

// fixture is a site as serve wires it, with a settable clock, a fake
// sending engine and a test server.
type fixture struct {
	t      *testing.T
	st     *store.Store
	as     *apptest.Site
	n      *newsletter.Service
	clock  *clock
	sender *fakeSender
	owner  *blog.User
	srv    *httptest.Server
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureAt(t, base)
}

func newFixtureAt(t *testing.T, baseURL string) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	f := &fixture{t: t, st: st, clock: &clock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}, sender: &fakeSender{}}
	if err := st.SaveSettings(ctx, map[string]string{site.KeyTitle: "Sales Coach",
		site.KeyNewsletterAddress: "Sales Coach Ltd\n1 Main Street\nSpringfield"}); err != nil {
		t.Fatal(err)
	}
	f.owner = &blog.User{Email: "owner@example.com", Name: "Olive Owner", Role: blog.RoleOwner, Login: "olive"}
	if err := st.CreateUser(ctx, f.owner); err != nil {
		t.Fatal(err)
	}
	f.as = apptest.New(t, st, apptest.Options{Overrides: site.Overrides{BaseURL: baseURL}, Now: f.clock.Now, Sender: f.sender,
		TrustedProxies: "127.0.0.1"})
	f.n = f.as.App.Newsletter
	f.srv = httptest.NewServer(f.as.Handler)
	t.Cleanup(f.srv.Close)
	return f
}

// mail waits until every mail job written so far has run, and returns the
// messages sent since the last call.
func (f *fixture) mail() []mail.Message {
	f.t.Helper()
	f.as.SentMail()
	return f.as.Mail.Take()
}

func (f *fixture) subscriber(email string) *blog.Subscriber {
	f.t.Helper()
	sub, err := f.st.SubscriberByEmail(context.Background(), email)
	if err != nil {
		f.t.Fatalf("subscriber %s: %v", email, err)
	}
	return sub
}

// active adds an active subscriber directly.
func (f *fixture) active(email string) *blog.Subscriber {
	f.t.Helper()
	sub := &blog.Subscriber{Email: email, Status: blog.SubscriberActive, Source: blog.SourceAdmin, CreatedAt: f.clock.Now()}
	if _, err := f.st.AddSubscriber(context.Background(), sub, blog.SubscriberEvent{Kind: blog.EventAdded}); err != nil {
		f.t.Fatal(err)
	}
	return sub
}

// local turns an absolute site URL from a mail into one on the test
// server.
func (f *fixture) local(abs string) string {
	f.t.Helper()
	i := strings.Index(abs, "://")
	j := strings.Index(abs[i+3:], "/")
	if i < 0 || j < 0 {
		f.t.Fatalf("%q is not an absolute URL", abs)
	}
	return f.srv.URL + abs[i+3+j:]
}

type response struct {
	code int
	body string
	hdr  http.Header
}

// do sends a request as a mail program or a browser would: no cookie,
// the headers given.
func (f *fixture) do(method, u string, form url.Values, hdr map[string]string) response {
	f.t.Helper()
	body := strings.NewReader("")
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		f.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return response{code: resp.StatusCode, body: string(b), hdr: resp.Header}
}

// browser are the headers of a same-origin form post from a page.
func (f *fixture) browser() map[string]string {
	return map[string]string{"Origin": f.srv.URL, "Sec-Fetch-Site": "same-origin"}
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// oneLink returns the only URL in text containing part.
func oneLink(t *testing.T, text, part string) string {
	t.Helper()
	var got []string
	for _, u := range linkRE.FindAllString(text, -1) {
		if strings.Contains(u, part) {
			got = append(got, u)
		}
	}
	if len(got) != 1 {
		t.Fatalf("links containing %q: %v, want one\n%s", part, got, text)
	}
	return got[0]
}

var tokenRE = regexp.MustCompile(`name="signup_token" value="([^"]+)"`)

// signupToken reads the signup box's token from a page.
func signupToken(t *testing.T, body string) string {
	t.Helper()
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no signup token in the page:\n%s", body)
	}
	return m[1]
}

// signup sends the box's form as a reader would: read a page, wait, post.
func (f *fixture) signup(email, name string, hdr map[string]string) response {
	f.t.Helper()
	page := f.do(http.MethodGet, f.srv.URL+"/", nil, nil)
	tok := signupToken(f.t, page.body)
	f.clock.add(5 * time.Second)
	h := f.browser()
	for k, v := range hdr {
		h[k] = v
	}
	return f.do(http.MethodPost, f.srv.URL+"/subscribe/", url.Values{"email": {email}, "name": {name},
		"signup_token": {tok}, "signup_hp": {""}, "source": {"box"}}, h)
}

func kinds(t *testing.T, st *store.Store, id int64) string {
	t.Helper()
	evs, err := st.SubscriberEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		out = append(out, string(ev.Kind))
	}
	return strings.Join(out, " ")
}
