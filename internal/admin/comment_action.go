package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// commentAct handles one row action on one comment: approve, unapprove,
// spam, not spam, trash, restore or delete permanently.
func (h *Handler) commentAct(w http.ResponseWriter, r *http.Request, u *blog.User) {
	act, ok := commentActions[r.PathValue("action")]
	if !ok {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	c, err := h.moderatableComment(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.moderate(r, u, act, []int64{c.ID})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, doneMessage(act, n))
	back := commentsBack(r)
	if act.To == "" && back == commentURL(c.ID) {
		// The comment's own page is gone with it.
		back = "/admin/comments/"
	}
	http.Redirect(w, r, site.PathFor(r, back), http.StatusSeeOther)
}
