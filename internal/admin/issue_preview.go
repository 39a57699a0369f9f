package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/mail"
)

// issuePreviewData is the preview of an issue as mailed.
type issuePreviewData struct {
	Issue   *blog.Issue
	Message mail.Message
	From    string
}

// issuePreview shows an issue as subscribers will receive it: the subject,
// the plain text part, and the HTML part in a sandboxed frame
// (issueMailHTML).
func (h *Handler) issuePreview(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	is, m, ok := h.issueMessage(w, r)
	if !ok {
		return
	}
	set, _, err := h.Site.Current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "newsletter_preview", &view{Title: "Preview: " + is.Subject, Section: "newsletter",
		D: issuePreviewData{Issue: is, Message: m, From: set.MailFrom}})
}

// issueMessage loads the issue the path names and builds its mail as a
// preview (to no subscriber), or answers the request itself.
func (h *Handler) issueMessage(w http.ResponseWriter, r *http.Request) (*blog.Issue, mail.Message, bool) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return nil, mail.Message{}, false
	}
	is, err := h.Store.Issue(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return nil, mail.Message{}, false
	}
	set, _, err := h.Site.Current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return nil, mail.Message{}, false
	}
	m, err := h.Newsletter.IssueMessage(ctx, set, is, nil)
	if err != nil {
		h.fail(w, r, err)
		return nil, mail.Message{}, false
	}
	return is, m, true
}
