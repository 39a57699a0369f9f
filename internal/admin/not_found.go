package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// notFound answers any admin address that does not exist.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.fail(w, r, blog.ErrNotFound)
}
