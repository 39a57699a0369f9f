package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// issueConfirm is what a page asking to confirm an action on an issue
// shows.
type issueConfirm struct {
	Issue  *blog.Issue
	Action string // "send" or "delete"
	Active int    // active subscribers now
}

// issueSendConfirm asks before an issue goes to every active subscriber.
func (h *Handler) issueSendConfirm(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	is, err := h.Store.Issue(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !is.Editable() {
		http.Redirect(w, r, site.PathFor(r, issueURL(id)), http.StatusSeeOther)
		return
	}
	counts, err := h.Store.SubscriberCounts(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "newsletter_confirm", &view{Title: "Send this issue now?", Section: "newsletter",
		D: issueConfirm{Issue: is, Action: "send", Active: counts[blog.SubscriberActive]}})
}
