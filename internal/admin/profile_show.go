package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// profileForm is the profile form as typed.
type profileForm struct {
	Name  string
	Email string
}

// profileShow shows the form where a user changes their own name, email
// and password.
func (h *Handler) profileShow(w http.ResponseWriter, r *http.Request, u *blog.User) {
	h.render(w, r, http.StatusOK, "profile", &view{Title: "Your profile", Section: "profile",
		D: profileForm{Name: u.Name, Email: u.Email}})
}
