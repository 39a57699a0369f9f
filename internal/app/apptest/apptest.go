// Package apptest builds whole sites for tests through app.New, the wiring
// quire serve runs: the handler with every middleware, the real notifier,
// comment service, sessions and job queue. Only what a test must control
// is its own: the clock, the mail sender at the end of the queue, and
// which proxies are believed.
package apptest

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app"
	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/newsletter/deliver"
	"github.com/quirehq/quire/internal/safehttp"
	"github.com/quirehq/quire/internal/server"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/theme"
)

// Options are what a test may choose; zero values are serve's defaults.
type Options struct {
	Overrides site.Overrides
	// Now is the site's clock; nil is time.Now.
	Now func() time.Time
	// TrustedProxies is as --trusted-proxies: "127.0.0.1" lets a test
	// client speak for any address with X-Forwarded-For.
	TrustedProxies string
	// AllowPrivate lets the outbound client reach loopback test servers.
	AllowPrivate bool
	// Theme replaces the default theme.
	Theme *theme.Theme
	// Logger receives the site's logs; nil discards them.
	Logger *slog.Logger
	// Passwords replaces the hasher (tests of bounded hashing).
	Passwords *auth.Hasher
	// Metrics, when set, counts the site's requests.
	Metrics *server.Metrics
	// Mail replaces the capturing sender (a real SMTP client, say);
	// Site.Mail is then nil.
	Mail mail.Sender
	// Sender replaces the delivery engine (a fake, say); nil is the real
	// engine, as app.New wires it.
	Sender newsletter.Sender
	// Bulk is where the engine sends issues (a real SMTP pool); nil: the
	// capturing sender. Delivery tunes the engine; NewsletterTick is its
	// periodic tick's interval (0: off, tests call Tick themselves).
	Bulk           mail.Sender
	Delivery       deliver.Options
	NewsletterTick time.Duration
}

// Site is a wired site on a test's store.
type Site struct {
	t       testing.TB
	Store   *store.Store
	Site    *site.Site
	App     *app.App
	Handler http.Handler
	// Mail is the sender at the end of the queue (and of "send test
	// email"): what it holds was really sent.
	Mail *Capture

	startOnce sync.Once
}

// New wires a site on st (a storetest store), migrating River's tables.
// Its queue takes jobs at once but works them only after StartQueue.
func New(t testing.TB, st *store.Store, o Options) *Site {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, st); err != nil {
		t.Fatal(err)
	}
	th := o.Theme
	if th == nil {
		var err error
		if th, err = theme.Load(""); err != nil {
			t.Fatal(err)
		}
	}
	res, err := clientip.NewResolver(o.TrustedProxies)
	if err != nil {
		t.Fatal(err)
	}
	s := &Site{t: t, Store: st, Site: site.New(st, o.Overrides)}
	tick := o.NewsletterTick
	if tick == 0 {
		tick = -1
	}
	sender := o.Mail
	if sender == nil {
		s.Mail = &Capture{}
		sender = s.Mail
	}
	s.App, err = app.New(app.Config{Store: st, Site: s.Site, Theme: th, Mail: sender, Logger: o.Logger, Now: o.Now,
		ClientIP: res, Metrics: o.Metrics, Outbound: safehttp.Options{AllowPrivate: o.AllowPrivate}, Passwords: o.Passwords, Sender: o.Sender,
		Bulk: o.Bulk, Delivery: o.Delivery,
		Queue: jobs.Config{FetchPollInterval: 20 * time.Millisecond, FetchCooldown: 5 * time.Millisecond, NewsletterTick: tick,
			SafetyNetInterval: -1, CleanupInterval: -1, ForgetIPsInterval: -1,
			MailRetryDelay:     func(int) time.Duration { return 10 * time.Millisecond },
			LinkbackRetryDelay: func(int) time.Duration { return 10 * time.Millisecond }}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.App.Stop(sctx)
	})
	s.Handler = s.App.Handler
	return s
}

// StartQueue makes the queue work jobs (send mail, publish posts), as
// serve does; calling it again does nothing.
func (s *Site) StartQueue() {
	s.t.Helper()
	s.startOnce.Do(func() {
		if err := s.App.Start(context.Background()); err != nil {
			s.t.Fatal(err)
		}
	})
}

// WaitMail starts the queue and waits (up to 20 seconds) until n messages
// were sent, then returns every message sent so far. Fewer than n fails
// the test.
func (s *Site) WaitMail(n int) []mail.Message {
	s.t.Helper()
	s.StartQueue()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := s.Mail.Messages()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%d messages sent, want %d: %+v", len(got), n, got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// SentMail starts the queue, waits (up to 20 seconds) until every mail
// job written so far has finished — sent, or found to have nothing to
// send — and returns every message sent.
func (s *Site) SentMail() []mail.Message {
	s.t.Helper()
	s.StartQueue()
	deadline := time.Now().Add(20 * time.Second)
	for {
		waiting := 0
		for _, j := range s.Jobs(jobs.KindMail) {
			if j.State != "completed" && j.State != "cancelled" && j.State != "discarded" {
				waiting++
			}
		}
		if waiting == 0 {
			return s.Mail.Messages()
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%d mail jobs still waiting", waiting)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Job is one row of River's job table, as tests read it.
type Job struct {
	Kind  string
	State string
	Args  map[string]any
	At    time.Time // scheduled_at
}

// Jobs returns the jobs of kind (every kind when empty), oldest first.
func (s *Site) Jobs(kind string) []Job {
	s.t.Helper()
	argsCol := "args::text" // River keeps args as jsonb on PostgreSQL
	if s.Store.Engine() == "sqlite" {
		argsCol = "json(args)" // and as SQLite's binary JSON
	}
	rows, err := s.Store.DB().QueryContext(context.Background(),
		"SELECT kind, state, "+argsCol+", scheduled_at FROM river_job ORDER BY id")
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		var args []byte
		var at any
		if err := rows.Scan(&j.Kind, &j.State, &args, &at); err != nil {
			s.t.Fatal(err)
		}
		if kind != "" && j.Kind != kind {
			continue
		}
		if err := json.Unmarshal(args, &j.Args); err != nil {
			s.t.Fatalf("job args %s: %v", args, err)
		}
		j.At = asTime(at)
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// asTime reads scheduled_at as each engine's driver returns it.
func asTime(v any) time.Time {
	switch x := v.(type) {
	case time.Time:
		return x.UTC()
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999"} {
			if t, err := time.Parse(layout, x); err == nil {
				return t.UTC()
			}
		}
	}
	return time.Time{}
}

// FailJobInserts makes every insert into River's job table fail, as a
// crash or a full disk between a row and its jobs would, until the
// returned function undoes it.
func FailJobInserts(t testing.TB, st *store.Store) (restore func()) {
	t.Helper()
	ctx := context.Background()
	create := []string{`CREATE TRIGGER quire_test_fail BEFORE INSERT ON river_job
		BEGIN SELECT RAISE(ABORT, 'injected fault: no job can be written'); END`}
	drop := []string{"DROP TRIGGER quire_test_fail"}
	if st.Engine() == "postgres" {
		create = []string{`CREATE FUNCTION quire_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'injected fault: no job can be written'; END $$`,
			`CREATE TRIGGER quire_test_fail BEFORE INSERT ON river_job FOR EACH ROW EXECUTE FUNCTION quire_test_fail()`}
		drop = []string{"DROP TRIGGER quire_test_fail ON river_job", "DROP FUNCTION quire_test_fail()"}
	}
	for _, q := range create {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		t.Helper()
		for _, q := range drop {
			if _, err := st.DB().ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Capture is a mail.Sender that keeps what it is asked to send, after
// checking each message as a mail server would; after SetErr it fails.
type Capture struct {
	mu   sync.Mutex
	msgs []mail.Message
	err  error
}

// Send keeps m.
func (c *Capture) Send(_ context.Context, m mail.Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	c.msgs = append(c.msgs, m)
	return nil
}

// SetErr makes Send fail with err (nil: succeed again).
func (c *Capture) SetErr(err error) {
	c.mu.Lock()
	c.err = err
	c.mu.Unlock()
}

// Messages returns what was sent so far.
func (c *Capture) Messages() []mail.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]mail.Message(nil), c.msgs...)
}

// Take returns what was sent so far and forgets it.
func (c *Capture) Take() []mail.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.msgs
	c.msgs = nil
	return out
}
