package web

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// favicon serves the theme's icon (static/favicon.ico) at /favicon.ico,
// where browsers and feed readers look for it without a link. Pages link
// to it by its versioned /static/ address.
func (h *Handler) favicon(w http.ResponseWriter, r *http.Request) {
	f, ok := h.Theme.Static("favicon.ico")
	if !ok {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	h.serveStatic(w, r, f)
}
