package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// issueNew shows an empty issue editor.
func (h *Handler) issueNew(w http.ResponseWriter, r *http.Request, u *blog.User) {
	h.showIssueForm(w, r, http.StatusOK, &issueForm{}, nil)
}
