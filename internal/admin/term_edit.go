package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// termEditData is what the term edit page shows.
type termEditData struct {
	Form    termForm
	Noun    string
	ListURL string
	Parents []blog.Term // categories it may hang under
}

// termEdit shows the form to change a category or tag.
func (h *Handler) termEdit(w http.ResponseWriter, r *http.Request, u *blog.User) {
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
	f := termForm{ID: t.ID, Taxonomy: t.Taxonomy, Name: t.Name, Slug: t.Slug, ParentID: t.ParentID, Description: t.Description}
	h.showTermEdit(w, r, http.StatusOK, f, nil)
}

// showTermEdit renders the edit page with the form f.
func (h *Handler) showTermEdit(w http.ResponseWriter, r *http.Request, status int, f termForm, fe blog.FieldErrors) {
	d := termEditData{Form: f}
	d.Noun, _, d.ListURL = termNouns(f.Taxonomy)
	if f.Taxonomy == blog.Category {
		all, err := h.Store.Terms(r.Context(), blog.Category)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, c := range all {
			if c.ID != f.ID {
				d.Parents = append(d.Parents, c)
			}
		}
	}
	_, plural, _ := termNouns(f.Taxonomy)
	h.render(w, r, status, "term_edit", &view{Title: "Edit " + d.Noun, Section: plural, Errors: fe, D: d})
}
