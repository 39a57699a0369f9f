package admin

import (
	"errors"
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/demo"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// setupCreate creates the owner's account, uses up the setup token and logs
// the owner in.
func (h *Handler) setupCreate(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if ok := h.setupOpen(w, r, tok); !ok {
		return
	}
	form := setupForm{Token: tok, Name: strings.TrimSpace(r.PostFormValue("name")), Email: blog.NormalizeEmail(r.PostFormValue("email"))}
	pw := r.PostFormValue("password")
	u := &blog.User{Name: form.Name, Email: form.Email, Role: blog.RoleOwner}
	fe := blog.FieldErrors{}
	if verr := blog.ValidateNewUser(u, pw); verr != nil {
		fe, _ = blog.AsValidation(verr)
	}
	if pw != r.PostFormValue("password2") {
		fe.Add("password2", "The two passwords differ. Type the same password twice.")
	}
	if len(fe) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, "setup", &view{Title: "Welcome to Quire", Errors: fe, D: form})
		return
	}
	hash, err := h.Passwords.Hash(r.Context(), pw)
	if hashBusy(w, err) {
		h.render(w, r, http.StatusServiceUnavailable, "setup", &view{Title: "Welcome to Quire", Flash: busyMessage, FlashErr: true, D: form})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u.PasswordHash = hash
	err = h.Store.UseToken(r.Context(), store.TokenSetup, tok, func(tx *store.Store, _ int64) error {
		return demo.AddUser(r.Context(), tx, u) // takes over the demo's author, if any
	})
	if errors.Is(err, blog.ErrNotFound) {
		// Someone else used the link between the check and now.
		h.message(w, r, http.StatusNotFound, "Setup link not valid", "This setup link was used already.")
		return
	}
	if fe, ok := blog.AsValidation(err); ok {
		h.render(w, r, http.StatusUnprocessableEntity, "setup", &view{Title: "Welcome to Quire", Errors: fe, D: form})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.logIn(r.Context(), u); err != nil {
		h.fail(w, r, err)
		return
	}
	// The browser the site was set up in is known to the owner's account.
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.rememberDevice(w, r, set, u, ""); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "Welcome, "+u.Name+". Your account is ready.")
	http.Redirect(w, r, site.PathFor(r, "/admin/"), http.StatusSeeOther)
}
