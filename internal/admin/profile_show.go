package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// profileForm is the profile form as typed, and the user's active
// sessions shown below it.
type profileForm struct {
	Name     string
	Email    string
	Sessions []sessionRow
}

// sessionRow is one active session on the profile page. It never holds the
// token.
type sessionRow struct {
	store.Session
	Current bool // the session of this very browser
}

// profileShow shows the form where a user changes their own name, email
// and password, and their active sessions.
func (h *Handler) profileShow(w http.ResponseWriter, r *http.Request, u *blog.User) {
	h.showProfile(w, r, u, http.StatusOK, profileForm{Name: u.Name, Email: u.Email}, nil)
}

// showProfile renders the profile page with form f, its errors and u's
// sessions.
func (h *Handler) showProfile(w http.ResponseWriter, r *http.Request, u *blog.User, status int, f profileForm, fe blog.FieldErrors) {
	list, err := h.Store.UserSessions(r.Context(), u.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cur := store.SessionID(h.Sessions.Token(r.Context()))
	f.Sessions = f.Sessions[:0]
	for _, s := range list {
		f.Sessions = append(f.Sessions, sessionRow{Session: s, Current: s.ID == cur})
	}
	v := &view{Title: "Your profile", Section: "profile", Errors: fe, D: f}
	if status == http.StatusServiceUnavailable {
		v.Flash, v.FlashErr = busyMessage, true
	}
	h.render(w, r, status, "profile", v)
}
