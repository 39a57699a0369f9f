package admin

import (
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
)

// postNew shows an empty editor for a post or a page, its "Allow
// pingbacks & trackbacks" box ticked as the site's default says.
func (h *Handler) postNew(w http.ResponseWriter, r *http.Request, u *blog.User) {
	typ := blog.TypePost
	if strings.HasPrefix(r.URL.Path, "/admin/pages/") {
		typ = blog.TypePage
	}
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// New posts take linkbacks as the discussion settings say (WordPress's
	// "Allow link notifications from other blogs").
	h.showPostForm(w, r, http.StatusOK, &postForm{Type: typ, Status: string(blog.StatusDraft),
		PingsClosed: !set.Discussion.PingsOpen}, nil)
}
