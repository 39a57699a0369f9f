// Package admin serves the admin at /admin/: setup, login, posts and pages,
// media, categories and tags, users, settings and the mail outbox.
package admin

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Scheduler enqueues the durable job that publishes a scheduled post.
type Scheduler interface {
	SchedulePublish(ctx context.Context, postID int64, at time.Time) error
}

// Deps is what the admin needs.
type Deps struct {
	Store    *store.Store
	Site     *site.Site
	Sessions *scs.SessionManager
	Mailer   mail.Sender // sends through the durable job queue
	Jobs     Scheduler
	Logger   *slog.Logger
	Now      func() time.Time
	// MailTest sends one message directly (not queued) so "send test email"
	// can show the mail server's own error.
	MailTest mail.Sender
}

// Handler serves the admin.
type Handler struct {
	Deps
}

// New returns the admin handler.
func New(d Deps) *Handler { return &Handler{Deps: d} }

// Routes registers the admin on mux.
func (h *Handler) Routes(mux *http.ServeMux) {}
