package admin

import (
	"errors"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// issueDelete deletes an issue that has not gone out, after asking. A
// post's issue is withdrawn the same way as unticking "Also send this
// post by email". Sent issues stay: they are the archive and the record of
// what subscribers received.
func (h *Handler) issueDelete(w http.ResponseWriter, r *http.Request, u *blog.User) {
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
		h.setFlashErr(r, "An issue that went out is kept: it is the record of what subscribers received.")
		http.Redirect(w, r, site.PathFor(r, issueURL(id)), http.StatusSeeOther)
		return
	}
	if r.PostFormValue("confirm") != "1" {
		h.render(w, r, http.StatusOK, "newsletter_confirm", &view{Title: "Delete this issue?", Section: "newsletter",
			D: issueConfirm{Issue: is, Action: "delete"}})
		return
	}
	if err := h.Store.DeleteIssue(ctx, id); err != nil {
		if errors.Is(err, blog.ErrConflict) {
			h.setFlashErr(r, "The issue has started going out, so it was not deleted.")
			http.Redirect(w, r, site.PathFor(r, issueURL(id)), http.StatusSeeOther)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "Issue “"+is.Subject+"” deleted.")
	http.Redirect(w, r, site.PathFor(r, "/admin/newsletter/"), http.StatusSeeOther)
}
