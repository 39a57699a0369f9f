// Package server mounts the reader pages, the admin and the health and
// metrics endpoints behind Quire's middleware, and runs the HTTP server
// with a graceful stop.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/quirehq/quire/internal/admin"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/linkback"
	"github.com/quirehq/quire/internal/session"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/web"
)

// Options is everything the HTTP side needs.
type Options struct {
	Store    *store.Store
	Web      web.Deps
	Admin    admin.Deps
	Sessions *scs.SessionManager
	ClientIP *clientip.Resolver
	Logger   *slog.Logger
	Metrics  *Metrics // may be nil
	// Mounts add more reader-facing routes (follow-up and moderation
	// pages).
	Mounts []interface{ Routes(*http.ServeMux) }
}

// Handler returns the site's full HTTP handler.
func Handler(o Options) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", health(o.Store))
	web.New(o.Web).Routes(mux)
	for _, m := range o.Mounts {
		m.Routes(mux)
	}

	adminMux := http.NewServeMux()
	admin.New(o.Admin).Routes(adminMux)
	adminHandler := session.Handler(o.Sessions, o.Admin.Site, o.Logger, adminMux)
	for _, p := range []string{"/admin/", "/admin", "/wp-admin/", "/wp-admin", "/wp-login.php"} {
		mux.Handle(p, adminHandler)
	}

	// A trackback is a POST to a post's path and trackback/: one the mux
	// hands to the reader pages' resolver (pattern "/"), never an admin
	// address that happens to end so.
	trackback := func(r *http.Request) bool {
		if !linkback.IsTrackback(r) {
			return false
		}
		_, pattern := mux.Handler(r)
		return pattern == "/"
	}
	var h http.Handler = mux
	h = limitBodies(bodyLimits(trackback), h)
	h = crossOrigin(trackback, h)
	h = stripPrefix(o.Web.Site, h)
	h = securityHeaders(h)
	h = gzipHandler(h)
	h = observe(o.Logger, o.Metrics, h)
	h = recoverPanics(o.Logger, h)
	h = o.ClientIP.Middleware(h)
	return h
}

// Listen opens the listening socket, so that the real address (port 0
// picks a free one) is known before serving.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("server: listen on %s: %w", addr, err)
	}
	return ln, nil
}

// Serve serves h on ln until ctx is cancelled, then lets in-flight requests
// finish (up to 30 seconds).
func Serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}

// ServeMetrics serves Prometheus metrics on addr until ctx is cancelled.
func ServeMetrics(ctx context.Context, addr string, reg *prometheus.Registry, logger *slog.Logger) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	ln, err := Listen(addr)
	if err != nil {
		return err
	}
	return Serve(ctx, ln, mux, logger)
}

// crossOrigin refuses unsafe cross-origin requests from browsers
// (http.CrossOriginProtection), except at the linkback endpoints:
// Webmention, Pingback and Trackback are server-to-server by nature, and a
// webmention may come from a form on the linking site. They keep their
// own limits. A trackback's address is a post's path and trackback/, which
// no ServeMux pattern can name, so trackback recognises it.
func crossOrigin(trackback func(*http.Request) bool, next http.Handler) http.Handler {
	csrf := http.NewCrossOriginProtection()
	for _, p := range []string{linkback.WebmentionPath, linkback.PingbackPath} {
		csrf.AddInsecureBypassPattern(p)
	}
	checked := csrf.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if trackback(r) {
			next.ServeHTTP(w, r)
			return
		}
		checked.ServeHTTP(w, r)
	})
}

func health(st *store.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := st.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "database unavailable")
			return
		}
		fmt.Fprintln(w, "ok")
	})
}
