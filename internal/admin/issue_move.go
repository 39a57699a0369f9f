package admin

import (
	"errors"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// issueMove moves a queued tip one place up (sooner) or down in the tip
// queue: plain buttons, so it works without JavaScript.
func (h *Handler) issueMove(w http.ResponseWriter, r *http.Request, u *blog.User) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	delta := 1
	switch r.PostFormValue("dir") {
	case "up":
		delta = -1
	case "down":
	default:
		h.message(w, r, http.StatusBadRequest, "Not moved", "Choose whether to move the tip up or down.")
		return
	}
	err = h.Store.MoveInTipQueue(r.Context(), id, delta)
	switch {
	case errors.Is(err, blog.ErrConflict):
		h.setFlashErr(r, "That issue is no longer in the tip queue.")
	case err != nil:
		h.fail(w, r, err)
		return
	default:
		h.setFlash(r, "Tip queue reordered.")
	}
	http.Redirect(w, r, site.PathFor(r, "/admin/newsletter/#queue-title"), http.StatusSeeOther)
}
