package admin

import (
	"errors"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// setupForm is what the setup form holds, kept to show again on errors.
type setupForm struct {
	Token string
	Name  string
	Email string
}

// setupShow shows the form that creates the owner's account, when the
// setup link is valid and nobody has an account yet.
func (h *Handler) setupShow(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if ok := h.setupOpen(w, r, tok); !ok {
		return
	}
	h.render(w, r, http.StatusOK, "setup", &view{Title: "Welcome to Quire", D: setupForm{Token: tok}})
}

// setupOpen reports whether setup may go on with tok; when not, it has
// answered already.
func (h *Handler) setupOpen(w http.ResponseWriter, r *http.Request, tok string) bool {
	done, err := h.Store.HasOwner(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return false
	}
	if done {
		h.message(w, r, http.StatusGone, "Already set up",
			"This site already has an owner. Log in at /admin/login instead.")
		return false
	}
	if _, err := h.Store.CheckToken(r.Context(), store.TokenSetup, tok); err != nil {
		if errors.Is(err, blog.ErrNotFound) {
			h.message(w, r, http.StatusNotFound, "Setup link not valid",
				"This setup link is not valid: it was used already, has expired, or was replaced by a newer one. "+
					"Restart quire serve to print a new link.")
			return false
		}
		h.fail(w, r, err)
		return false
	}
	return true
}
