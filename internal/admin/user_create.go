package admin

import (
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// userCreate adds an account with a role and a first password.
func (h *Handler) userCreate(w http.ResponseWriter, r *http.Request, u *blog.User) {
	f := userForm{
		Name:  strings.TrimSpace(r.PostFormValue("name")),
		Email: blog.NormalizeEmail(r.PostFormValue("email")),
		Role:  r.PostFormValue("role"),
	}
	pw := r.PostFormValue("password")
	nu := &blog.User{Name: f.Name, Email: f.Email, Role: blog.Role(f.Role)}
	if err := blog.ValidateNewUser(nu, pw); err != nil {
		fe, _ := blog.AsValidation(err)
		h.showUsers(w, r, http.StatusUnprocessableEntity, f, fe)
		return
	}
	hash, err := h.Passwords.Hash(r.Context(), pw)
	if hashBusy(w, err) {
		h.showUsers(w, r, http.StatusServiceUnavailable, f, blog.FieldErrors{"password": busyMessage})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	nu.PasswordHash = hash
	err = h.Store.CreateUser(r.Context(), nu)
	if fe, ok := blog.AsValidation(err); ok {
		h.showUsers(w, r, http.StatusUnprocessableEntity, f, fe)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "Added "+nu.Name+" as "+string(nu.Role)+". Give them their password; they can change it under Profile.")
	http.Redirect(w, r, site.PathFor(r, "/admin/users/"), http.StatusSeeOther)
}
