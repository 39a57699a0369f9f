// Package admin serves the admin at /admin/: setup, login, posts and pages,
// media, categories and tags, comments, users, settings, privacy tools, the
// newsletter (issues, the tip queue, subscribers) and the mail outbox.
package admin

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/linkback/send"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/media"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/newsletter/deliver"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Jobs writes durable jobs in the transaction of tx, so they are stored
// with the rows they follow from, or not at all: the job that publishes a
// scheduled post, and mail, named by IDs and built when the job runs.
type Jobs interface {
	SchedulePublish(ctx context.Context, tx *store.Store, postID int64, at time.Time) error
	Mail(ctx context.Context, tx *store.Store, jobs ...jobs.MailJob) error
}

// OutboundLinks is told, in the transaction that changes a post, what
// changed, so the linkback jobs that follow (announcing the post's links,
// withdrawing removed ones, trackbacks) are written with the change, or
// not at all (send.Sender).
type OutboundLinks interface {
	PostChanged(ctx context.Context, tx *store.Store, postID int64, ch send.Change) error
	PostDeleting(ctx context.Context, tx *store.Store, postID int64) error
}

// CommentNotifier is told, in the transaction tx that changes it, when a
// comment becomes approved in the admin (approved, marked not spam, or a
// reply as the post's author), so follow-up subscribers hear of it: the
// approval and the mail jobs are one write.
type CommentNotifier interface {
	CommentApproved(ctx context.Context, tx *store.Store, c *blog.Comment) error
}

// Deps is what the admin needs.
type Deps struct {
	Store    *store.Store
	Site     *site.Site
	Sessions *scs.SessionManager
	Mailer   mail.Sender // sends through the durable job queue
	Jobs     Jobs
	Logger   *slog.Logger
	Now      func() time.Time
	// MailTest sends one message directly (not queued) so "send test email"
	// can show the mail server's own error.
	MailTest mail.Sender
	// Notify hears of comments approved in the admin; nil tells no one.
	Notify CommentNotifier
	// Links hears of every change to a post; nil sends no linkbacks.
	Links OutboundLinks
	// Passwords runs every Argon2id hash and check, a few at once; nil
	// makes one with about one slot per core. Share one per process.
	Passwords *auth.Hasher
	// Media checks and resizes uploads a few at a time; nil = one with
	// media.DefaultBudget.
	Media *media.Processor
	// Newsletter is the weekly tip: its issues, subscribers and
	// settings, and the editor's "Also send this post by email".
	Newsletter *newsletter.Service
	// Delivery is the delivery engine, read for how an issue's sending
	// stands (Status) and what the weekly schedule sends next and did last
	// (NextSend); nil says nothing of either.
	Delivery *deliver.Engine
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
	if d.Passwords == nil {
		d.Passwords = auth.NewHasher(0, 0)
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
