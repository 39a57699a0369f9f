package deliver_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	netmail "net/mail"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/mail/mailtest"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/newsletter/deliver"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *clock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// fixture is a site as serve wires it, sending issues through a real SMTP
// pool to an SMTP server in process.
type fixture struct {
	t    *testing.T
	st   *store.Store
	as   *apptest.Site
	n    *newsletter.Service
	e    *deliver.Engine
	smtp *mailtest.Server
	pool *mail.Pool
	srv  *httptest.Server
}

type fixtureOpts struct {
	base     string
	now      func() time.Time
	delivery deliver.Options
	settings map[string]string
	// tick is the periodic tick's interval (0: off, tests call Tick).
	tick time.Duration
}

func newFixture(t *testing.T, o fixtureOpts) *fixture {
	t.Helper()
	ctx := context.Background()
	if o.base == "" {
		o.base = "https://coach.example.com"
	}
	st := storetest.New(t)
	set := map[string]string{site.KeyTitle: "Sales Coach", site.KeyMailFrom: "tips@coach.example.com",
		site.KeyNewsletterReplyTo: "coach@example.com", site.KeyNewsletterAddress: "Sales Coach Ltd\n1 Main Street"}
	for k, v := range o.settings {
		set[k] = v
	}
	if err := st.SaveSettings(ctx, set); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, st: st, smtp: mailtest.Start(t)}
	cfg, err := mail.ParseSMTPURL(f.smtp.URL())
	if err != nil {
		t.Fatal(err)
	}
	s := site.New(st, site.Overrides{})
	f.pool, err = mail.NewPool(cfg, func(ctx context.Context) string {
		cur, _, err := s.Current(ctx)
		if err != nil {
			return ""
		}
		return cur.MailFrom
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.pool.Close() })
	d := o.delivery
	if d.BatchSize == 0 {
		d.BatchSize = 7
	}
	if d.RetryDelay == nil {
		d.RetryDelay = func(int) time.Duration { return 20 * time.Millisecond }
	}
	f.as = apptest.New(t, st, apptest.Options{Overrides: site.Overrides{BaseURL: o.base}, Now: o.now, Bulk: f.pool, Delivery: d, NewsletterTick: o.tick})
	f.n, f.e = f.as.App.Newsletter, f.as.App.Delivery
	if f.e == nil {
		t.Fatal("app.New wired no delivery engine")
	}
	f.srv = httptest.NewServer(f.as.Handler)
	t.Cleanup(f.srv.Close)
	return f
}

// subscribers adds n active subscribers r000@example.org… and returns
// them in order.
func (f *fixture) subscribers(n int) []*blog.Subscriber {
	f.t.Helper()
	var out []*blog.Subscriber
	for i := range n {
		sub := &blog.Subscriber{Email: fmt.Sprintf("r%03d@example.org", i), Status: blog.SubscriberActive, Source: blog.SourceAdmin}
		if _, err := f.st.AddSubscriber(context.Background(), sub, blog.SubscriberEvent{Kind: blog.EventAdded}); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, sub)
	}
	return out
}

// issue writes an issue and starts sending it now.
func (f *fixture) send(subject string) *blog.Issue {
	f.t.Helper()
	ctx := context.Background()
	is, err := f.n.SaveIssue(ctx, 0, newsletter.IssueInput{Subject: subject, Preheader: "One idea for this week",
		Body: "Ask **what business** you are in.\n\n[The post](/2011/01/what-business/)\n"})
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.n.SendNow(ctx, is.ID); err != nil {
		f.t.Fatal(err)
	}
	return is
}

// waitIssue starts the queue and waits until issue id is sent.
func (f *fixture) waitIssue(id int64) *blog.Issue {
	f.t.Helper()
	f.as.StartQueue()
	deadline := time.Now().Add(30 * time.Second)
	for {
		is, err := f.st.Issue(context.Background(), id)
		if err != nil {
			f.t.Fatal(err)
		}
		if is.Status == blog.IssueSent {
			return is
		}
		if time.Now().After(deadline) {
			p, _ := f.e.Status(context.Background(), id)
			f.t.Fatalf("issue %d still %s: %+v", id, is.Status, p)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitFor polls cond for up to 30 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// byRecipient indexes received messages by their To address.
func byRecipient(msgs []*netmail.Message) map[string][]*netmail.Message {
	out := map[string][]*netmail.Message{}
	for _, m := range msgs {
		a, err := netmail.ParseAddress(m.Header.Get("To"))
		if err != nil {
			continue
		}
		out[a.Address] = append(out[a.Address], m)
	}
	return out
}

type storeChange = store.SubscriberChange

func storeFilter(statuses ...blog.IssueStatus) store.IssueFilter {
	return store.IssueFilter{Statuses: statuses}
}
