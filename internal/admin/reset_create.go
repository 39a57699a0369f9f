package admin

import (
	"errors"
	"net/http"

	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// resetCreate sets a new password with a reset token, using the token up.
func (h *Handler) resetCreate(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if !h.resetOpen(w, r, tok) {
		return
	}
	pw := r.PostFormValue("password")
	fe := blog.FieldErrors{}
	if msg := blog.PasswordProblem(pw); msg != "" {
		fe.Add("password", msg)
	}
	if pw != r.PostFormValue("password2") {
		fe.Add("password2", "The two passwords differ. Type the same password twice.")
	}
	if len(fe) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, "reset", &view{Title: "Choose a new password", Errors: fe, D: resetForm{Token: tok}})
		return
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var email string
	err = h.Store.UseToken(r.Context(), store.TokenPasswordReset, tok, func(tx *store.Store, uid int64) error {
		u, err := tx.User(r.Context(), uid)
		if err != nil {
			return err
		}
		email = u.Email
		return tx.SetPasswordHash(r.Context(), uid, hash)
	})
	if errors.Is(err, blog.ErrNotFound) {
		h.resetGone(w, r)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The account's owner proved who they are: let them log in at once.
	if err := h.Store.ResetRate(r.Context(), loginPerAccount.prefix+email); err != nil {
		h.logError(r, err)
	}
	h.setFlash(r, "Your password was changed. Log in with the new one.")
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}
