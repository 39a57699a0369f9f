// Package app wires Quire's parts into one site: the job queue with every
// mail composer, the notifier, the comment service, the linkback
// receiver and sender, sessions, password hashing and the HTTP handler
// with all its middleware. quire serve runs
// exactly this, and the tests of the reader pages, the admin and the
// notification pages build their sites with it too, so a wire missing here
// fails a test.
package app

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/quirehq/quire/internal/admin"
	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/comments"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/linkback"
	"github.com/quirehq/quire/internal/linkback/send"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/newsletter/deliver"
	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/safehttp"
	"github.com/quirehq/quire/internal/server"
	"github.com/quirehq/quire/internal/session"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/theme"
	"github.com/quirehq/quire/internal/web"
)

// Config is what a process supplies; everything else is built by New.
type Config struct {
	Store *store.Store
	Site  *site.Site
	Theme *theme.Theme
	// Mail sends one message directly (the Outbox, or SMTP): the queue
	// sends through it, and "send test email" uses it as it is.
	Mail   mail.Sender
	Logger *slog.Logger
	// Now is the clock of pages and mail; nil is time.Now.
	Now func() time.Time
	// ClientIP says which proxies are believed; nil believes none.
	ClientIP *clientip.Resolver
	Metrics  *server.Metrics // nil: no metrics
	// Outbound is the options of the outbound client (spam checks,
	// Mastodon servers, linkbacks). Only tests, and serve
	// --allow-private-fetch, set AllowPrivate.
	Outbound safehttp.Options
	// Queue tunes the job queue (intervals, workers); its Store, Site,
	// Mail, Logger and Composers are set by New.
	Queue jobs.Config
	// Passwords runs Argon2id work; nil makes one slot per core.
	Passwords *auth.Hasher
	// Linkbacks are the limits of the linkback endpoints (per client,
	// fetches per source host); zero fields take the defaults.
	Linkbacks linkback.Limits
	// Sender starts sending newsletter issues; nil is the delivery engine
	// (internal/newsletter/deliver), which tests may replace.
	Sender newsletter.Sender
	// Bulk sends newsletter issues, one message per subscriber (a
	// *mail.Pool of SMTP connections); nil sends them through Mail.
	Bulk mail.Sender
	// Delivery tunes the delivery engine (batch size, lease, retries).
	Delivery deliver.Options
}

// App is a wired site. Its queue is not started: Start does that.
type App struct {
	Handler   http.Handler
	Queue     *jobs.Queue
	Notifier  *notify.Notifier
	Comments  *comments.Service
	Linkbacks *linkback.Receiver
	Links     *send.Sender
	// Newsletter is the weekly tip: signups, its pages, the author's
	// issues and subscribers.
	Newsletter *newsletter.Service
	// Delivery sends issues and runs the weekly schedule (nil when
	// Config.Sender replaced it): the admin reads its Status and NextSend.
	Delivery *deliver.Engine
	Sessions *scs.SessionManager
}

// New wires a site from c.
func New(c Config) (*App, error) {
	if c.Store == nil || c.Site == nil || c.Theme == nil || c.Mail == nil {
		return nil, errors.New("app: a store, site, theme and mail sender are needed")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.ClientIP == nil {
		c.ClientIP, _ = clientip.NewResolver("")
	}
	if c.Passwords == nil {
		c.Passwords = auth.NewHasher(0, 0) // about one hash per core at once
	}
	st, s, log := c.Store, c.Site, c.Logger
	// Every page asks for the content version (the page cache, the
	// settings): a site keeps it in memory, told of other processes'
	// writes (see store.ContentVersion), until the store is closed.
	if err := st.WatchContentVersion(context.Background(), log); err != nil {
		return nil, err
	}

	// Mail jobs name IDs; this process builds each message when its job
	// runs, with its own settings and base URL, whoever wrote the job.
	notifier := &notify.Notifier{Store: st, Site: s, Now: c.Now}
	news := &newsletter.Service{Store: st, Site: s, Now: c.Now, Sender: c.Sender}
	composers := notifier.Composers()
	maps.Copy(composers, admin.MailComposers(st, s))
	maps.Copy(composers, news.Composers())
	// The delivery engine: issues in batches of durable jobs under leases
	// of their own, over Bulk's connections, and the weekly schedule. The
	// admin reads its state (an issue's progress, the next weekly slot)
	// even when a test replaces it as the Sender.
	bulk := c.Bulk
	if bulk == nil {
		bulk = c.Mail
	}
	state := deliver.New(st, s, news, bulk, log, c.Now, c.Delivery)
	var engine *deliver.Engine
	if c.Sender == nil {
		engine = state
		news.Sender = engine
	}

	spamCheck := c.Outbound
	spamCheck.Timeout = 5 * time.Second
	discussion := &comments.Service{Store: st, Site: s, HTTP: safehttp.New(spamCheck), Now: c.Now}
	// Linkbacks: sources are fetched with the outbound client's address
	// checks, a 10-second limit (a pingback's sender waits) and a 1 MiB
	// cap; webmentions are verified by the queue.
	fetchSources := c.Outbound
	fetchSources.Timeout, fetchSources.MaxBody = 10*time.Second, 1<<20
	linkbacks := &linkback.Receiver{Store: st, Site: s, Fetch: safehttp.New(fetchSources), Comments: discussion,
		Notify: notifier, Logger: log, Now: c.Now, Limits: c.Linkbacks}

	qc := c.Queue
	qc.Store, qc.Site, qc.Mail, qc.Logger, qc.Composers = st, s, c.Mail, log, composers
	qc.Webmentions = linkbacks
	// Linkbacks sent: jobs written with the posts they follow from, sent
	// by this process's queue through the outbound client, source URLs
	// built from this process's base URL when each job runs.
	sendFetch := c.Outbound
	sendFetch.Timeout = 10 * time.Second
	links := &send.Sender{Store: st, Site: s, HTTP: safehttp.New(sendFetch), Logger: log, Now: c.Now}
	qc.Linkbacks = links
	// A scheduled post published by its job: its linkbacks, and its
	// issue when "Also send this post by email" was ticked, are written
	// in the job's transaction.
	qc.Published = func(ctx context.Context, tx *store.Store, postID int64) error {
		if err := links.Published(ctx, tx, postID); err != nil {
			return err
		}
		return news.PostPublished(ctx, tx, postID)
	}
	if engine != nil {
		qc.Newsletter = engine
	}
	queue, err := jobs.New(qc)
	if err != nil {
		return nil, err
	}
	notifier.Jobs = queue
	news.Jobs = queue
	linkbacks.Jobs = queue
	links.Jobs = queue
	mounts := []interface{ Routes(*http.ServeMux) }{notifier, linkbacks, news}
	if engine != nil {
		engine.Jobs = queue
		mounts = append(mounts, engine)
	}

	// The session cookie's flags follow the site's cookie policy on each
	// request (Secure when the base URL in effect is https).
	sessions := session.New(st)
	mastodon := c.Outbound
	mastodon.Timeout, mastodon.MaxBody = 3*time.Second, 256<<10
	h := server.Handler(server.Options{
		Store: st,
		Web: web.Deps{Store: st, Site: s, Theme: c.Theme, Logger: log, Now: c.Now,
			Comments: discussion, Notify: notifier, Sessions: sessions,
			Mastodon: web.NewMastodonServers(safehttp.New(mastodon)), Trackback: linkbacks.Trackback,
			Newsletter: news},
		Admin: admin.Deps{Store: st, Site: s, Sessions: sessions, Mailer: queue, Jobs: queue, Logger: log, Now: c.Now,
			MailTest: c.Mail, Notify: notifier, Passwords: c.Passwords, Links: links, Newsletter: news, Delivery: state},
		Mounts:   mounts,
		Sessions: sessions,
		ClientIP: c.ClientIP,
		Logger:   log,
		Metrics:  c.Metrics,
	})
	return &App{Handler: h, Queue: queue, Notifier: notifier, Comments: discussion, Linkbacks: linkbacks,
		Links: links, Newsletter: news, Delivery: engine, Sessions: sessions}, nil
}

// Start makes the queue work jobs.
func (a *App) Start(ctx context.Context) error { return a.Queue.Start(ctx) }

// Stop finishes running jobs (cancelling them when ctx ends) and releases
// the queue's connections.
func (a *App) Stop(ctx context.Context) error { return a.Queue.Stop(ctx) }
