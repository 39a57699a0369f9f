// Package admin serves the admin at /admin/: setup, login, posts and pages,
// media, categories and tags, comments, users, settings, privacy tools and
// the mail outbox.
package admin

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/media"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Scheduler enqueues the durable job that publishes a scheduled post.
type Scheduler interface {
	SchedulePublish(ctx context.Context, postID int64, at time.Time) error
}

// CommentNotifier is told when a comment becomes approved in the admin
// (approved, marked not spam, or a reply as the post's author), so
// follow-up subscribers hear of it.
type CommentNotifier interface {
	CommentApproved(ctx context.Context, c *blog.Comment) error
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
	// Notify hears of comments approved in the admin; nil tells no one.
	Notify CommentNotifier
	// Media checks and resizes uploads a few at a time; nil = one with
	// media.DefaultBudget.
	Media *media.Processor
}

// Handler serves the admin.
type Handler struct {
	Deps
	pages map[string]*pageTemplate
}

// New returns the admin handler.
func New(d Deps) *Handler {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Media == nil {
		d.Media = media.NewProcessor(0)
	}
	return &Handler{Deps: d, pages: mustParsePages()}
}

// now is the current time from the injected clock.
func (h *Handler) now() time.Time { return h.Now() }

// errorMessage is what a person sees when something unexpected failed.
const errorMessage = "Something went wrong on our side. The error was logged; please try again."

// logError logs an internal error with the request it happened in.
func (h *Handler) logError(r *http.Request, err error) {
	h.Logger.ErrorContext(r.Context(), "admin: request failed", "method", r.Method, "path", redactPath(r.URL.Path), "err", err)
}
