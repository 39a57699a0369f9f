package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/quirehq/quire/internal/admin"
	"github.com/quirehq/quire/internal/app"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/config"
	"github.com/quirehq/quire/internal/demo"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/safehttp"
	"github.com/quirehq/quire/internal/server"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/theme"
)

// serveConfig is everything quire serve can be told.
type serveConfig struct {
	db             dbFlags
	addr           string
	baseURL        string
	logLevel       string
	theme          string
	smtpURL        string
	mailFrom       string
	dkimKey        string
	dkimSelector   string
	metricsAddr    string
	trustedProxies string
	allowPrivate   bool
	demo           bool
	demoPosts      int
	demoComments   int
	demoTags       int
	demoImages     int
}

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.db.register(fs)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "`host:port` to listen on")
	fs.StringVar(&c.baseURL, "base-url", "", "public `URL` of the site, e.g. https://example.com (default: the admin setting, else http://ADDR)")
	fs.StringVar(&c.logLevel, "log-level", "info", "log `level`: debug, info, warn or error")
	fs.StringVar(&c.theme, "theme", "", "`directory` whose templates and static files override the default theme's")
	fs.StringVar(&c.smtpURL, "smtp-url", "", "send mail through this `server`: smtp://user:pass@host:587 (STARTTLS) or smtps://… (TLS); without it mail goes to the admin's Outbox")
	fs.StringVar(&c.mailFrom, "mail-from", "", "`address` mail is sent from (default: the admin setting)")
	fs.StringVar(&c.dkimKey, "dkim-key", "", "sign every mail sent over SMTP with DKIM, with this PEM private key `file` (RSA or Ed25519; the d= domain is the From address's)")
	fs.StringVar(&c.dkimSelector, "dkim-selector", "", "the DKIM `selector` whose TXT record holds the key's public half (with --dkim-key)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", "", "serve Prometheus /metrics on this `host:port` only")
	fs.StringVar(&c.trustedProxies, "trusted-proxies", "", "comma-separated `IPs or CIDRs` of proxies whose X-Forwarded-For is believed")
	fs.BoolVar(&c.allowPrivate, "allow-private-fetch", false, "let outbound requests (linkbacks, spam checks) reach private and loopback addresses: only for a site on an intranet")
	fs.BoolVar(&c.demo, "demo", false, "fill an empty site with sample posts, a page, tags, categories and an image")
	fs.IntVar(&c.demoPosts, "demo-posts", 0, "with --demo, also generate this many extra `posts` (for benchmarks)")
	fs.IntVar(&c.demoComments, "demo-comments", 0, "with --demo, also generate this many `comments` over the posts (for benchmarks)")
	fs.IntVar(&c.demoTags, "demo-tags", 0, "with --demo, the generated posts share this many `tags` (default: four)")
	fs.IntVar(&c.demoImages, "demo-images", 0, "with --demo, also add this many `images`, featured in turn on the generated posts")
	if err := parseFlags(fs, args, getenv, stdout, "Usage: quire serve [flags]\n\nRuns the site."); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return config.Usagef("serve takes no arguments, got %q", fs.Arg(0))
	}

	// Check every setting before touching anything.
	level, err := parseLevel(c.logLevel)
	if err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		return config.Usagef("--addr %q must be host:port, like 127.0.0.1:8080", c.addr)
	}
	if c.baseURL != "" {
		if c.baseURL, err = site.NormalizeBaseURL(c.baseURL); err != nil {
			return config.Usagef("--base-url: %v", err)
		}
	}
	var smtpCfg mail.SMTPConfig
	if c.smtpURL != "" {
		if smtpCfg, err = mail.ParseSMTPURL(c.smtpURL); err != nil {
			return config.Usagef("--smtp-url: %v", err)
		}
	}
	if (c.dkimKey == "") != (c.dkimSelector == "") {
		return config.Usagef("--dkim-key and --dkim-selector go together: give both, or neither")
	}
	if c.dkimKey != "" {
		if c.smtpURL == "" {
			return config.Usagef("--dkim-key signs mail sent over SMTP: give --smtp-url too")
		}
		d, err := mail.LoadDKIM(c.dkimKey, c.dkimSelector)
		if err != nil {
			return config.Usagef("--dkim-key: %v", err)
		}
		smtpCfg.DKIM = d
	}
	if c.mailFrom != "" && !strings.Contains(c.mailFrom, "@") {
		return config.Usagef("--mail-from %q is not an email address", c.mailFrom)
	}
	if c.metricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.metricsAddr); err != nil {
			return config.Usagef("--metrics-addr %q must be host:port", c.metricsAddr)
		}
	}
	resolver, err := clientip.NewResolver(c.trustedProxies)
	if err != nil {
		return config.Usagef("--trusted-proxies: %v", err)
	}
	if c.demoPosts < 0 || c.demoPosts > 100000 {
		return config.Usagef("--demo-posts must be between 0 and 100000")
	}
	if c.demoComments < 0 || c.demoComments > 1000000 {
		return config.Usagef("--demo-comments must be between 0 and 1000000")
	}
	if c.demoTags < 0 || c.demoTags > 10000 {
		return config.Usagef("--demo-tags must be between 0 and 10000")
	}
	if c.demoImages < 0 || c.demoImages > 10000 {
		return config.Usagef("--demo-images must be between 0 and 10000")
	}
	th, err := theme.Load(c.theme)
	if err != nil {
		return config.Usagef("--theme: %v", err)
	}
	// The log (one line per request at info) is written every 100 ms
	// rather than line by line; what is left is written when serve stops.
	logOut := server.NewLogWriter(stderr, 100*time.Millisecond)
	defer logOut.Close()
	logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))

	c.db.log = stderr
	st, err := c.db.open(ctx, true)
	if err != nil {
		return err
	}
	defer st.Close()

	// Listen before anything prints, so port 0 resolves to the real one.
	ln, err := server.Listen(c.addr)
	if err != nil {
		return fmt.Errorf("%w (is another program using it?)", err)
	}
	defer ln.Close()
	defaultBase := "http://" + ln.Addr().String()
	s := site.New(st, site.Overrides{BaseURL: c.baseURL, MailFrom: c.mailFrom, DefaultBaseURL: defaultBase})
	if c.demo {
		n, err := demo.SeedWith(ctx, st, demo.Options{Posts: c.demoPosts, Comments: c.demoComments,
			Tags: c.demoTags, Images: c.demoImages})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if n > 0 {
			fmt.Fprintf(stdout, "Demo content added: %d posts and pages.\n", n)
		}
	}

	var direct mail.Sender = mail.NewOutbox(st)
	var bulk *mail.Pool
	if c.smtpURL != "" {
		from := func(ctx context.Context) string {
			set, _, err := s.Current(ctx)
			if err != nil {
				return c.mailFrom
			}
			return set.MailFrom
		}
		direct = mail.NewSMTP(smtpCfg, from)
		// Newsletter issues go over a few connections kept open (the
		// newsletter's connections setting, 4 by default).
		if bulk, err = mail.NewPool(smtpCfg, from, 0); err != nil {
			return err
		}
		defer bulk.Close()
	}
	var metrics *server.Metrics
	if c.metricsAddr != "" {
		metrics = server.NewMetrics()
	}
	if c.allowPrivate {
		logger.Warn("--allow-private-fetch is on: linkback and other outbound requests may reach private and loopback addresses, so anyone who can send a pingback or webmention can make this server fetch inside your network")
	}
	cfg := app.Config{Store: st, Site: s, Theme: th, Mail: direct, Logger: logger,
		ClientIP: resolver, Metrics: metrics, Outbound: safehttp.Options{AllowPrivate: c.allowPrivate}}
	if bulk != nil {
		cfg.Bulk = bulk
	}
	a, err := app.New(cfg)
	if err != nil {
		return err
	}
	if err := a.Start(ctx); err != nil {
		return err
	}
	h := a.Handler
	queue := a.Queue

	set, _, err := s.Current(ctx)
	if err != nil {
		return err
	}
	link, err := admin.SetupLink(ctx, st, set.BaseURL)
	if err != nil {
		return err
	}
	// The start message in one write, so whoever reads the banner has
	// the lines after it too.
	var start strings.Builder
	fmt.Fprintln(&start, banner(set.BaseURL, ln.Addr().String()))
	if link != "" {
		fmt.Fprintf(&start, "Create the owner's account (the link works once): %s\n", link)
	}
	if c.smtpURL == "" {
		fmt.Fprintf(&start, "Mail is kept in the admin's Outbox (%s); set --smtp-url to send it.\n", set.Path("/admin/outbox"))
	}
	io.WriteString(stdout, start.String())
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return server.Serve(gctx, ln, h, logger) })
	if metrics != nil {
		g.Go(func() error { return server.ServeMetrics(gctx, c.metricsAddr, metrics.Registry, logger) })
	}
	err = g.Wait()
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if qerr := queue.Stop(sctx); qerr != nil && err == nil {
		err = qerr
	}
	if err != nil {
		return err
	}
	logger.Info("stopped cleanly")
	return nil
}

// banner is the line serve prints when it listens on addr for the site
// whose public address is base: one address when they are the same, both
// said apart when a proxy or a setting puts the site elsewhere.
func banner(base, addr string) string {
	listen := "http://" + addr + "/"
	if base+"/" == listen {
		return "Quire is serving the site on " + listen
	}
	return "Quire is listening on " + listen + " for the site at " + base + "/"
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, config.Usagef("--log-level %q: use debug, info, warn or error", s)
	}
	return l, nil
}
