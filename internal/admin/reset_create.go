package admin

import (
	"errors"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// resetCreate sets a new password with a reset token, using the token up.
// Every session of the account ends and every other reset link stops
// working; the person who reset it is logged in afresh.
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
	show := func(status int, v *view) {
		v.Title, v.D = "Choose a new password", resetForm{Token: tok}
		h.render(w, r, status, "reset", v)
	}
	if len(fe) > 0 {
		show(http.StatusUnprocessableEntity, &view{Errors: fe})
		return
	}
	hash, err := h.Passwords.Hash(r.Context(), pw)
	if hashBusy(w, err) {
		show(http.StatusServiceUnavailable, &view{Flash: busyMessage, FlashErr: true})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var u *blog.User
	err = h.Store.UseToken(r.Context(), store.TokenPasswordReset, tok, func(tx *store.Store, uid int64) error {
		if _, err := tx.ChangePassword(r.Context(), uid, hash, ""); err != nil {
			return err
		}
		u, err = tx.User(r.Context(), uid)
		return err
	})
	if errors.Is(err, blog.ErrNotFound) {
		h.resetGone(w, r)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.linkLogIn(w, r, u, "Your password was changed, and every other session of your account was ended.")
}
