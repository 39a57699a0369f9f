package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// termDelete removes a category or tag; its posts keep their other terms.
func (h *Handler) termDelete(w http.ResponseWriter, r *http.Request, u *blog.User) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	t, err := h.Store.Term(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Store.DeleteTerm(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	noun, _, listURL := termNouns(t.Taxonomy)
	h.setFlash(r, "Deleted the "+noun+" “"+t.Name+"”.")
	http.Redirect(w, r, site.PathFor(r, listURL), http.StatusSeeOther)
}
