package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// postDelete removes a post for good. Only posts in the trash can be
// deleted, so nothing is lost by one wrong click.
func (h *Handler) postDelete(w http.ResponseWriter, r *http.Request, u *blog.User) {
	p, err := h.editablePost(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if p.Status != blog.StatusTrash {
		h.message(w, r, http.StatusConflict, "Not in the trash",
			"Move “"+p.Title+"” to the trash first; only posts in the trash can be deleted for good.")
		return
	}
	// Deleted, and the pages it still links to told it is gone: one write.
	err = h.Store.InTx(r.Context(), func(tx *store.Store) error {
		if err := h.postDeleting(r.Context(), tx, p.ID); err != nil {
			return err
		}
		return tx.DeletePost(r.Context(), p.ID)
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "“"+p.Title+"” deleted for good.")
	http.Redirect(w, r, site.PathFor(r, listURL(p.Type, blog.StatusTrash)), http.StatusSeeOther)
}
