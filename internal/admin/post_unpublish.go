package admin

import (
	"net/http"
	"strconv"

	"github.com/quirehq/quire/internal/blog"
)

// postUnpublish takes a published or scheduled post back to draft.
func (h *Handler) postUnpublish(w http.ResponseWriter, r *http.Request, u *blog.User) {
	p, err := h.editablePost(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Store.SetStatus(r.Context(), p.ID, blog.StatusDraft); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "“"+p.Title+"” is a draft again; readers no longer see it.")
	http.Redirect(w, r, "/admin/posts/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
}
