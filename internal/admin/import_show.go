package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// importShow shows the form that uploads a WordPress export.
func (h *Handler) importShow(w http.ResponseWriter, r *http.Request, u *blog.User) {
	h.render(w, r, http.StatusOK, "import", &view{Title: "Import", Section: "import", User: u,
		D: struct{ MaxMB int64 }{MaxImportBody >> 20}})
}
