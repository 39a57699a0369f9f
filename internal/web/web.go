// Package web serves the reader's pages: home, posts, pages, archives,
// search, feeds, sitemap, media and the 404 page.
package web

import (
	"log/slog"
	"net/http"
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
}

// Handler serves reader pages.
type Handler struct {
	Deps
}

// New returns the reader-page handler.
func New(d Deps) *Handler { return &Handler{Deps: d} }

// Routes registers the reader pages on mux. The catch-all "/" goes through
// the permalink resolver.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("Quire")) })
}
