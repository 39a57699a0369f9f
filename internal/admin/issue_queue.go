package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// issueQueue puts an issue in the tip queue, or takes it out (back to a
// draft), from the newsletter's page.
func (h *Handler) issueQueue(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	msg := "Put at the end of the tip queue."
	if r.PostFormValue("action") == "unqueue" {
		err, msg = h.Newsletter.UnqueueIssue(ctx, id), "Taken out of the tip queue: it is a draft again."
	} else {
		err = h.Newsletter.QueueIssue(ctx, id)
	}
	if err != nil {
		if problem, ok := issueProblem(err); ok {
			h.setFlashErr(r, problem)
			http.Redirect(w, r, site.PathFor(r, issueURL(id)), http.StatusSeeOther)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, msg)
	http.Redirect(w, r, site.PathFor(r, "/admin/newsletter/"), http.StatusSeeOther)
}
