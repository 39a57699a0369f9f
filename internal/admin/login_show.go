package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/site"
)

// loginForm is what the login form holds.
type loginForm struct {
	Email string
	Next  string
	Error string // a problem with the form as a whole
}

// loginShow shows the login form, or sends a logged-in user on.
func (h *Handler) loginShow(w http.ResponseWriter, r *http.Request) {
	next := localNext(r.URL.Query().Get("next"))
	u, err := h.sessionUser(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if u != nil {
		http.Redirect(w, r, site.PathFor(r, next), http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "login", &view{Title: "Log in", D: loginForm{Next: next}})
}
