// Package web serves the reader's pages: home, posts, pages, archives,
// search, feeds, sitemap, media and the 404 page.
package web

import (
	"log/slog"
	"sync"
	"time"

	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/theme"
)

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
}

// Handler serves reader pages.
type Handler struct {
	Deps

	chromeMu sync.Mutex
	chrome   *chrome // navigation and sidebar, cached per content version

	posts postCache // posts by slug and their neighbours, per content version

	secretMu sync.Mutex
	secret   []byte // key for post-password cookies, loaded on first use

	pages pageCache // whole public responses, per content version
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
