package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/site"
)

// wpRedirect sends WordPress admin and login addresses, and /admin without
// its slash, to the admin home.
func (h *Handler) wpRedirect(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, site.PathFor(r, "/admin/"), http.StatusMovedPermanently)
}
