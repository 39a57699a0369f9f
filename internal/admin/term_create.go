package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// termCreate adds a category or tag.
func (h *Handler) termCreate(w http.ResponseWriter, r *http.Request, u *blog.User) {
	tax := taxonomyOf(r)
	f := termFromRequest(r, tax)
	t := f.toTerm()
	err := h.Store.SaveTerm(r.Context(), t)
	if fe, ok := blog.AsValidation(err); ok {
		h.showTerms(w, r, http.StatusUnprocessableEntity, f, fe)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	noun, _, listURL := termNouns(tax)
	h.setFlash(r, "Added the "+noun+" “"+t.Name+"”.")
	http.Redirect(w, r, site.PathFor(r, listURL), http.StatusSeeOther)
}
