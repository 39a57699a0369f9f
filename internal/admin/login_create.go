package admin

import (
	"errors"
	"net/http"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/site"
)

// newDeviceMessage refuses a login from a new browser when the account's
// budget of such logins is spent. It reads the same for unknown emails.
const newDeviceMessage = "There have been too many failed logins to this account from browsers it does not know. " +
	"Log in from a browser you have used here before, or use “Lost your password?” to get a one-time login link by email. "

// loginCreate checks an email and password and starts a session. The
// cheap refusals come first, and only then the costly password check, in
// one of a few hashing slots. Attempts are limited per client address, per
// account from that address (or from that known browser), and per account
// from new browsers (see ratelimit.go); the answer never says whether the
// email has an account.
func (h *Handler) loginCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	email := blog.NormalizeEmail(r.PostFormValue("email"))
	pw := r.PostFormValue("password")
	form := loginForm{Email: email, Next: localNext(r.PostFormValue("next"))}
	show := func(status int, msg string) {
		form.Error = msg
		h.render(w, r, status, "login", &view{Title: "Log in", D: form})
	}
	tooMany := func(wait time.Duration, msg string) {
		setRetryAfter(w, wait)
		show(http.StatusTooManyRequests, msg+tooManyMessage(wait))
	}
	addr := clientip.BucketFrom(r)
	wait, err := h.allow(ctx, loginPerIP, addr)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if wait > 0 {
		tooMany(wait, "")
		return
	}
	if email == "" || pw == "" {
		show(http.StatusUnprocessableEntity, "Enter your email address and password.")
		return
	}
	u, err := h.Store.UserByEmail(ctx, email)
	if errors.Is(err, blog.ErrNotFound) {
		u, err = nil, nil
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	acct, err := h.accountKey(ctx, email)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	device, err := h.knownDevice(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if device != "" {
		wait, err = h.allow(ctx, loginPerDevice, acct+":"+device)
	} else {
		wait, err = h.allow(ctx, loginPerAccountAddress, acct+":"+addr)
		if err == nil && wait == 0 {
			if wait, err = h.allow(ctx, loginPerAccountNew, acct); err == nil && wait > 0 {
				tooMany(wait, newDeviceMessage)
				return
			}
		}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if wait > 0 {
		tooMany(wait, "")
		return
	}

	// Only now the costly part: Argon2id, in a slot.
	ok := false
	if u == nil {
		err = h.Passwords.BurnTime(ctx, pw)
	} else {
		ok, err = h.Passwords.Check(ctx, u.PasswordHash, pw)
	}
	if hashBusy(w, err) {
		show(http.StatusServiceUnavailable, busyMessage)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !ok {
		show(http.StatusUnauthorized, "The email address or password is not right.")
		return
	}
	// The right password: this address and browser start afresh.
	for _, b := range []string{loginPerAccountAddress.prefix + acct + ":" + addr, loginPerDevice.prefix + acct + ":" + device,
		loginPerAccountNew.prefix + acct} {
		if err := h.Store.ResetRate(ctx, b); err != nil {
			h.fail(w, r, err)
			return
		}
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
	if err := h.rememberDevice(w, r, set, u, device); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, site.PathFor(r, form.Next), http.StatusSeeOther)
}
