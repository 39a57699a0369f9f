package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// mediaDelete removes an image; posts that featured it lose their image.
func (h *Handler) mediaDelete(w http.ResponseWriter, r *http.Request, u *blog.User) {
	m, err := h.editableMedia(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Store.DeleteMedia(r.Context(), m.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "Deleted "+m.Filename+".")
	http.Redirect(w, r, site.PathFor(r, "/admin/media/"), http.StatusSeeOther)
}
