package admin

import "net/http"

// lostForm is what the lost-password form holds.
type lostForm struct {
	Email string
	Sent  bool
	Error string
}

// lostShow shows the form asking for the email address of a lost account.
func (h *Handler) lostShow(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "lost", &view{Title: "Lost your password?", D: lostForm{}})
}
