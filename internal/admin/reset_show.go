package admin

import (
	"errors"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// resetForm is what the new-password form holds.
type resetForm struct{ Token string }

// resetShow shows the form to choose a new password, when the link is valid.
func (h *Handler) resetShow(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if !h.resetOpen(w, r, tok) {
		return
	}
	h.render(w, r, http.StatusOK, "reset", &view{Title: "Choose a new password", D: resetForm{Token: tok}})
}

// resetOpen reports whether tok is a usable reset token; when not, it has
// answered already.
func (h *Handler) resetOpen(w http.ResponseWriter, r *http.Request, tok string) bool {
	_, err := h.Store.CheckToken(r.Context(), store.TokenPasswordReset, tok)
	if errors.Is(err, blog.ErrNotFound) {
		h.resetGone(w, r)
		return false
	}
	if err != nil {
		h.fail(w, r, err)
		return false
	}
	return true
}

// resetGone explains that a reset link no longer works.
func (h *Handler) resetGone(w http.ResponseWriter, r *http.Request) {
	h.message(w, r, http.StatusGone, "Link not valid",
		"This password-reset link has expired or was used already. Ask for a new one from the login page.")
}
