package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/linkback/send"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// postTrash moves a post or page to the trash, from where it can be restored.
func (h *Handler) postTrash(w http.ResponseWriter, r *http.Request, u *blog.User) {
	p, err := h.editablePost(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Trashed and its links withdrawn: one write.
	err = h.Store.InTx(r.Context(), func(tx *store.Store) error {
		if err := tx.SetStatus(r.Context(), p.ID, blog.StatusTrash); err != nil {
			return err
		}
		return h.postChanged(r.Context(), tx, p.ID, send.Change{Content: true})
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "“"+p.Title+"” moved to the trash.")
	http.Redirect(w, r, site.PathFor(r, listURL(p.Type, "")), http.StatusSeeOther)
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
