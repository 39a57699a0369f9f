package admin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/quirehq/quire/internal/blog"
)

// termForm is the add or edit form of a category or tag, as typed.
type termForm struct {
	ID          int64
	Taxonomy    blog.Taxonomy
	Name        string
	Slug        string
	ParentID    int64
	Description string
}

// termsData is what the categories or tags page shows.
type termsData struct {
	Taxonomy blog.Taxonomy
	Noun     string // "category" or "tag"
	Plural   string
	Terms    []blog.Term
	Parents  []blog.Term // categories a new one may hang under
	Form     termForm
	ListURL  string
}

// taxonomyOf tells categories from tags by the request path.
func taxonomyOf(r *http.Request) blog.Taxonomy {
	if strings.HasPrefix(r.URL.Path, "/admin/tags/") {
		return blog.Tag
	}
	return blog.Category
}

// termsList lists categories or tags with the form to add one.
func (h *Handler) termsList(w http.ResponseWriter, r *http.Request, u *blog.User) {
	tax := taxonomyOf(r)
	h.showTerms(w, r, http.StatusOK, termForm{Taxonomy: tax}, nil)
}

// showTerms renders the list page with the add form f.
func (h *Handler) showTerms(w http.ResponseWriter, r *http.Request, status int, f termForm, fe blog.FieldErrors) {
	terms, err := h.Store.Terms(r.Context(), f.Taxonomy)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := termsData{Taxonomy: f.Taxonomy, Terms: terms, Form: f}
	if f.Taxonomy == blog.Category {
		d.Parents = terms
	}
	d.Noun, d.Plural, d.ListURL = termNouns(f.Taxonomy)
	h.render(w, r, status, "terms_list", &view{Title: strings.ToUpper(d.Plural[:1]) + d.Plural[1:], Section: d.Plural, Errors: fe, D: d})
}

// termNouns names a taxonomy and its admin list.
func termNouns(tax blog.Taxonomy) (noun, plural, listURL string) {
	if tax == blog.Tag {
		return "tag", "tags", "/admin/tags/"
	}
	return "category", "categories", "/admin/categories/"
}

// termFromRequest reads the typed term form.
func termFromRequest(r *http.Request, tax blog.Taxonomy) termForm {
	f := termForm{
		Taxonomy:    tax,
		Name:        strings.TrimSpace(r.PostFormValue("name")),
		Slug:        strings.TrimSpace(r.PostFormValue("slug")),
		Description: strings.TrimSpace(r.PostFormValue("description")),
	}
	if tax == blog.Category {
		f.ParentID, _ = strconv.ParseInt(r.PostFormValue("parent"), 10, 64)
	}
	return f
}

// toTerm makes the term to save from the form; a typed slug is tidied the
// way titles are.
func (f termForm) toTerm() *blog.Term {
	slug := f.Slug
	if slug != "" {
		slug = blog.Slugify(slug)
	}
	return &blog.Term{ID: f.ID, Taxonomy: f.Taxonomy, Name: f.Name, Slug: slug, ParentID: f.ParentID, Description: f.Description}
}
