package admin

import (
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
)

// postNew shows an empty editor for a post or a page.
func (h *Handler) postNew(w http.ResponseWriter, r *http.Request, u *blog.User) {
	typ := blog.TypePost
	if strings.HasPrefix(r.URL.Path, "/admin/pages/") {
		typ = blog.TypePage
	}
	h.showPostForm(w, r, http.StatusOK, &postForm{Type: typ, Status: string(blog.StatusDraft)}, nil)
}
