package admin

import (
	"errors"
	"net/http"

	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
)

// loginCreate checks an email and password and starts a session. Attempts
// are limited per client IP and per account; the answer never says whether
// the email has an account.
func (h *Handler) loginCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	email := blog.NormalizeEmail(r.PostFormValue("email"))
	pw := r.PostFormValue("password")
	form := loginForm{Email: email, Next: localNext(r.PostFormValue("next"))}
	show := func(status int, msg string) {
		form.Error = msg
		h.render(w, r, status, "login", &view{Title: "Log in", D: form})
	}
	wait, err := h.allow(ctx, loginPerIP, clientip.From(r))
	if err == nil && wait == 0 && email != "" {
		wait, err = h.allow(ctx, loginPerAccount, email)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if wait > 0 {
		setRetryAfter(w, wait)
		show(http.StatusTooManyRequests, tooManyMessage(wait))
		return
	}
	if email == "" || pw == "" {
		show(http.StatusUnprocessableEntity, "Enter your email address and password.")
		return
	}
	u, err := h.Store.UserByEmail(ctx, email)
	if errors.Is(err, blog.ErrNotFound) {
		auth.BurnTime(pw)
		show(http.StatusUnauthorized, "The email address or password is not right.")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !auth.CheckPassword(u.PasswordHash, pw) {
		show(http.StatusUnauthorized, "The email address or password is not right.")
		return
	}
	if err := h.Store.ResetRate(ctx, loginPerAccount.prefix+email); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.logIn(ctx, u); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, form.Next, http.StatusSeeOther)
}
