package notify_test

import (
	"context"
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
	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

const base = "https://coach.example.com"

// capture is a mail.Sender that keeps what it is asked to send; it checks
// each message as the queue would.
type capture struct {
	mu   sync.Mutex
	msgs []mail.Message
}

func (c *capture) Send(_ context.Context, m mail.Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, m)
	return nil
}

func (c *capture) take() []mail.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.msgs
	c.msgs = nil
	return out
}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// fixture is a site with an owner, an author and one published post by
// the author, whose comment mail goes through a running queue to sent.
type fixture struct {
	t      *testing.T
	st     *store.Store
	site   *site.Site
	sent   *capture
	clock  *clock
	n      *notify.Notifier
	owner  *blog.User
	author *blog.User
	post   *blog.Post
	srv    *httptest.Server
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixtureWith(t, &capture{})
	return f
}

// newFixtureWith is newFixture with the queue sending through sender
// (f.sent is then unused).
func newFixtureWith(t *testing.T, sender mail.Sender) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.New(t)
	f := &fixture{t: t, st: st, site: site.New(st, site.Overrides{BaseURL: base}), sent: &capture{},
		clock: &clock{now: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}}
	if c, ok := sender.(*capture); ok {
		f.sent = c
	}
	if err := st.SaveSettings(ctx, map[string]string{site.KeyTitle: "Sales Coach"}); err != nil {
		t.Fatal(err)
	}
	f.owner = &blog.User{Email: "owner@example.com", Name: "Olive Owner", Role: blog.RoleOwner}
	f.author = &blog.User{Email: "writer@example.com", Name: "Walt Writer", Role: blog.RoleAuthor}
	for _, u := range []*blog.User{f.owner, f.author} {
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	f.post = f.newPost("What Business Are You In?", f.author.ID)
	// The site as serve wires it: the notifier's pages behind the server's
	// middleware, its mail through the running queue to sender.
	as := apptest.New(t, st, apptest.Options{Overrides: site.Overrides{BaseURL: base}, Now: f.clock.Now, Mail: sender})
	as.StartQueue()
	f.site, f.n = as.Site, as.App.Notifier
	f.srv = httptest.NewServer(as.Handler)
	t.Cleanup(f.srv.Close)
	return f
}

// stored tells the notifier of comment c in a transaction of its own, as
// the comment form does in the one that stores it.
func (f *fixture) stored(c *blog.Comment, subscribe bool) error {
	return f.st.InTx(context.Background(), func(tx *store.Store) error {
		return f.n.CommentStored(context.Background(), tx, c, subscribe)
	})
}

// approved tells the notifier that c became approved.
func (f *fixture) approved(c *blog.Comment) error {
	return f.st.InTx(context.Background(), func(tx *store.Store) error {
		return f.n.CommentApproved(context.Background(), tx, c)
	})
}

// subscribe asks for follow-ups of postID by email.
func (f *fixture) subscribe(postID int64, email string) error {
	return f.st.InTx(context.Background(), func(tx *store.Store) error {
		return f.n.Subscribe(context.Background(), tx, postID, email)
	})
}

// take waits until the queue has worked every mail job, and returns what
// it sent since the last take.
func (f *fixture) take() []mail.Message {
	f.t.Helper()
	waitJobs(f.t, f.st)
	return f.sent.take()
}

// waitJobs waits until the queue has no mail job left to run.
func waitJobs(t *testing.T, st *store.Store) {
	t.Helper()
	q := "SELECT count(*) FROM river_job WHERE kind IN ('mail', 'send_mail') AND state NOT IN ('completed', 'cancelled', 'discarded')"
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := st.DB().QueryRowContext(context.Background(), q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mail jobs still waiting", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (f *fixture) newPost(title string, authorID int64) *blog.Post {
	f.t.Helper()
	p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: title, Body: "Text.", AuthorID: authorID,
		PublishedAt: time.Date(2011, 1, 5, 12, 0, 0, 0, time.UTC)}
	if _, err := f.st.SavePost(context.Background(), p); err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) comment(status blog.CommentStatus, name, email, text string) *blog.Comment {
	f.t.Helper()
	c := &blog.Comment{PostID: f.post.ID, Status: status, AuthorName: name, AuthorEmail: email,
		AuthorURL: "https://ann.example.org/", AuthorIP: "192.0.2.7", Content: text, ContentHTML: "<p>x</p>"}
	if err := f.st.CreateComment(context.Background(), c); err != nil {
		f.t.Fatal(err)
	}
	return c
}

// confirmed subscribes email to the fixture's post and confirms it through
// the store, as if the confirmation page had been used.
func (f *fixture) confirmed(email string) *store.CommentSubscription {
	f.t.Helper()
	ctx := context.Background()
	sub, _, err := f.st.AddCommentSubscription(ctx, f.post.ID, email, f.clock.Now())
	if err != nil {
		f.t.Fatal(err)
	}
	if sub, err = f.st.ConfirmCommentSubscriber(ctx, sub.Token, f.clock.Now()); err != nil {
		f.t.Fatal(err)
	}
	return sub
}

func (f *fixture) active(postID int64) []string {
	f.t.Helper()
	subs, err := f.st.ActiveCommentSubscriptions(context.Background(), postID)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, s := range subs {
		out = append(out, s.Email)
	}
	return out
}

// local turns an absolute site URL from a mail into one on the test
// server.
func (f *fixture) local(abs string) string {
	f.t.Helper()
	if !strings.HasPrefix(abs, base+"/") {
		f.t.Fatalf("link %q is not on the site %s", abs, base)
	}
	return f.srv.URL + strings.TrimPrefix(abs, base)
}

type response struct {
	code int
	body string
	hdr  http.Header
}

func (f *fixture) do(method, u string, form url.Values, hdr map[string]string) response {
	f.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
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

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// links returns the URLs in text that contain part.
func links(text, part string) []string {
	var out []string
	for _, u := range linkRE.FindAllString(text, -1) {
		if strings.Contains(u, part) {
			out = append(out, u)
		}
	}
	return out
}

// oneLink returns the only URL in text containing part.
func oneLink(t *testing.T, text, part string) string {
	t.Helper()
	got := links(text, part)
	if len(got) != 1 {
		t.Fatalf("links containing %q: %v, want one\n%s", part, got, text)
	}
	return got[0]
}
