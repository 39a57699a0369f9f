package admin

import (
	"errors"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// resetLogin uses a reset link as a one-time login link: the person proved
// they read the account's email, so they are logged in without changing
// their password. It is how the owner gets in from a new browser while
// strangers' failed guesses hold new browsers back (see ratelimit.go).
func (h *Handler) resetLogin(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	var u *blog.User
	err := h.Store.UseToken(r.Context(), store.TokenPasswordReset, tok, func(tx *store.Store, uid int64) error {
		var err error
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
	h.linkLogIn(w, r, u, "You are logged in with the link from your email.")
}

// linkLogIn logs u in after they used a link mailed to them: this browser
// becomes known to the account, and the account's budget of logins from
// new browsers starts afresh.
func (h *Handler) linkLogIn(w http.ResponseWriter, r *http.Request, u *blog.User, msg string) {
	ctx := r.Context()
	acct, err := h.accountKey(ctx, u.Email)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Store.ResetRate(ctx, loginPerAccountNew.prefix+acct); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.logIn(ctx, u); err != nil {
		h.fail(w, r, err)
		return
	}
	set, _, err := h.Site.Current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.rememberDevice(w, r, set, u, ""); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, msg)
	http.Redirect(w, r, site.PathFor(r, "/admin/"), http.StatusSeeOther)
}
