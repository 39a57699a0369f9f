package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// termUpdate saves changes to a category or tag.
func (h *Handler) termUpdate(w http.ResponseWriter, r *http.Request, u *blog.User) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	old, err := h.Store.Term(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := termFromRequest(r, old.Taxonomy)
	f.ID = old.ID
	t := f.toTerm()
	err = h.Store.SaveTerm(r.Context(), t)
	if fe, ok := blog.AsValidation(err); ok {
		h.showTermEdit(w, r, http.StatusUnprocessableEntity, f, fe)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	noun, _, listURL := termNouns(old.Taxonomy)
	h.setFlash(r, "Saved the "+noun+" “"+t.Name+"”.")
	http.Redirect(w, r, site.PathFor(r, listURL), http.StatusSeeOther)
}
