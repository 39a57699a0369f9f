package admin

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// profileSave changes the user's own name, email and, when asked, password.
// Changing the email or password needs the current password, whose tries
// are limited per user. A new password ends every other session of the
// user and voids their outstanding reset links.
func (h *Handler) profileSave(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	f := profileForm{Name: strings.TrimSpace(r.PostFormValue("name")), Email: blog.NormalizeEmail(r.PostFormValue("email"))}
	current, pw, pw2 := r.PostFormValue("current_password"), r.PostFormValue("new_password"), r.PostFormValue("new_password2")
	fe := blog.FieldErrors{}
	if f.Name == "" {
		fe.Add("name", "Enter a name.")
	} else if utf8.RuneCountInString(f.Name) > 100 {
		fe.Add("name", "The name is longer than 100 characters.")
	}
	if !blog.ValidEmail(f.Email) {
		fe.Add("email", "Enter a valid email address, like name@example.com.")
	}
	if pw != "" {
		if msg := blog.PasswordProblem(pw); msg != "" {
			fe.Add("new_password", msg)
		}
		if pw != pw2 {
			fe.Add("new_password2", "The two passwords differ. Type the same password twice.")
		}
	}
	busy := func() { h.showProfile(w, r, u, http.StatusServiceUnavailable, f, fe) }
	if pw != "" || f.Email != u.Email {
		wait, err := h.allow(ctx, passwordPerUser, strconv.FormatInt(u.ID, 10))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		switch {
		case wait > 0:
			setRetryAfter(w, wait)
			fe.Add("current_password", "You have tried your current password too often. "+tooManyMessage(wait))
		case current == "":
			fe.Add("current_password", "Enter your current password to change your email address or password.")
		default:
			ok, err := h.Passwords.Check(ctx, u.PasswordHash, current)
			if hashBusy(w, err) {
				busy()
				return
			}
			if err != nil {
				h.fail(w, r, err)
				return
			}
			if !ok {
				fe.Add("current_password", "Enter your current password to change your email address or password.")
			}
		}
	}
	if len(fe) > 0 {
		h.showProfile(w, r, u, http.StatusUnprocessableEntity, f, fe)
		return
	}
	var hash string
	if pw != "" {
		var err error
		hash, err = h.Passwords.Hash(ctx, pw)
		if hashBusy(w, err) {
			busy()
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	upd := *u
	upd.Name, upd.Email = f.Name, f.Email
	if err := h.Store.UpdateUser(ctx, &upd); err != nil {
		if vfe, ok := blog.AsValidation(err); ok {
			h.showProfile(w, r, u, http.StatusUnprocessableEntity, f, vfe)
			return
		}
		h.fail(w, r, err)
		return
	}
	msg := "Profile saved."
	if pw != "" {
		device, err := h.knownDevice(r, u)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		epoch, err := h.Store.ChangePassword(ctx, u.ID, hash, h.Sessions.Token(ctx))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		// A fresh session token, so any copy of the old one is useless,
		// under the new epoch; this browser stays known.
		if err := h.Sessions.RenewToken(ctx); err != nil {
			h.fail(w, r, err)
			return
		}
		h.Sessions.Put(ctx, sessionEpochKey, epoch)
		upd.SessionEpoch = epoch
		if err := h.keepDevice(w, r, &upd, device); err != nil {
			h.fail(w, r, err)
			return
		}
		msg = "Profile and password saved. Every other session of your account was ended."
	}
	h.setFlash(r, msg)
	http.Redirect(w, r, site.PathFor(r, "/admin/profile"), http.StatusSeeOther)
}
