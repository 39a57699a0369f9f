// Package web serves the reader's pages: home, posts, pages, archives,
// search, feeds, sitemap, media, comments and the 404 page.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/comments"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/theme"
)

// CommentNotifier hears of comments stored by the reader form, in the
// transaction tx that stores them: it writes the jobs that mail the
// moderators and the post's follow-up subscribers, and the follow-up
// subscription of a reader who asked for one. Its error stores nothing.
type CommentNotifier interface {
	CommentStored(ctx context.Context, tx *store.Store, c *blog.Comment, subscribe bool) error
}

// Deps is what the reader pages need.
type Deps struct {
	Store  *store.Store
	Site   *site.Site
	Theme  *theme.Theme
	Logger *slog.Logger
	Now    func() time.Time
	// NoPageCache renders every request afresh (benchmarks of the render
	// itself; debugging a theme).
	NoPageCache bool
	// Comments takes comments from the reply form. Nil shows threads but
	// no form (comments closed everywhere).
	Comments *comments.Service
	// Notify hears of stored comments; nil tells no one.
	Notify CommentNotifier
	// Sessions is the admin's session manager, read (never written) so a
	// logged-in user comments as themselves. Nil: everyone is a reader.
	Sessions *scs.SessionManager
	// Mastodon tells which hosts are Mastodon-compatible servers, the only
	// ones /share/mastodon redirects to. Nil redirects to none: the reader
	// is shown the link instead.
	Mastodon *MastodonServers
	// Newsletter takes signups (the box on every page, /subscribe/, the
	// comment form's "Yes! I want the weekly tip") and serves the archive
	// of sent issues. Nil: no box, no signups, no archive.
	Newsletter *newsletter.Service
	// Trackback takes a POST to a post's permalink followed by
	// trackback/ (linkback.IsTrackback), whatever the permalink pattern:
	// the resolver hands such a request over before anything else. Nil
	// answers it as any other POST to a reader page (405).
	Trackback http.HandlerFunc
}

// Handler serves reader pages.
type Handler struct {
	Deps

	chromeMu    sync.Mutex
	chrome      *chrome    // navigation and sidebar, cached per content version
	chromeBuild sync.Mutex // held by the one request building the chrome

	posts postCache // posts by slug and their neighbours, per content version

	pages pageCache // whole public responses, per content version

	threads threadCache // rendered comment pages, shared by every reader

	fragments fragmentCache // each comment with its replies, rendered, across versions

	statics sync.Map // *theme.StaticFile → *[2]*httpenc.Response, made on first use
}

// New returns the reader-page handler.
func New(d Deps) *Handler {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Handler{Deps: d}
}
