package admin

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
)

// profileSave changes the user's own name, email and, when asked, password.
// Changing the email or password needs the current password.
func (h *Handler) profileSave(w http.ResponseWriter, r *http.Request, u *blog.User) {
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
	if (pw != "" || f.Email != u.Email) && !auth.CheckPassword(u.PasswordHash, current) {
		fe.Add("current_password", "Enter your current password to change your email address or password.")
	}
	show := func(fe blog.FieldErrors) {
		h.render(w, r, http.StatusUnprocessableEntity, "profile", &view{Title: "Your profile", Section: "profile", Errors: fe, D: f})
	}
	if len(fe) > 0 {
		show(fe)
		return
	}
	upd := *u
	upd.Name, upd.Email = f.Name, f.Email
	if err := h.Store.UpdateUser(r.Context(), &upd); err != nil {
		if vfe, ok := blog.AsValidation(err); ok {
			show(vfe)
			return
		}
		h.fail(w, r, err)
		return
	}
	msg := "Profile saved."
	if pw != "" {
		hash, err := auth.HashPassword(pw)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if err := h.Store.SetPasswordHash(r.Context(), u.ID, hash); err != nil {
			h.fail(w, r, err)
			return
		}
		// A fresh session token: any copy of the old one is now useless.
		if err := h.Sessions.RenewToken(r.Context()); err != nil {
			h.fail(w, r, err)
			return
		}
		msg = "Profile and password saved."
	}
	h.setFlash(r, msg)
	http.Redirect(w, r, "/admin/profile", http.StatusSeeOther)
}
