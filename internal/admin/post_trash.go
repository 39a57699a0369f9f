package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// postTrash moves a post or page to the trash, from where it can be restored.
func (h *Handler) postTrash(w http.ResponseWriter, r *http.Request, u *blog.User) {
	p, err := h.editablePost(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Store.SetStatus(r.Context(), p.ID, blog.StatusTrash); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "“"+p.Title+"” moved to the trash.")
	http.Redirect(w, r, listURL(p.Type, ""), http.StatusSeeOther)
}

// listURL is the admin list of posts or pages, optionally of one status.
func listURL(typ blog.PostType, status blog.Status) string {
	u := "/admin/posts/"
	if typ == blog.TypePage {
		u = "/admin/pages/"
	}
	if status != "" {
		u += "?status=" + string(status)
	}
	return u
}
