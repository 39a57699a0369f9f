package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// issueSend starts sending an issue to every active subscriber now: the
// issue becomes "sending" and the sending engine's jobs are written in
// the same transaction.
func (h *Handler) issueSend(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Newsletter.SendNow(ctx, id); err != nil {
		if msg, ok := issueProblem(err); ok {
			h.setFlashErr(r, msg)
			http.Redirect(w, r, site.PathFor(r, issueURL(id)), http.StatusSeeOther)
			return
		}
		h.fail(w, r, err)
		return
	}
	c, err := h.Store.DeliveryCounts(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	msg := "Sending: the issue is going out to " + counted(c.Recipients, "subscriber") + "."
	if c.Recipients == 0 {
		msg = "Sending started. The counts below fill in as it goes out."
	}
	h.setFlash(r, msg)
	http.Redirect(w, r, site.PathFor(r, issueURL(id)), http.StatusSeeOther)
}
