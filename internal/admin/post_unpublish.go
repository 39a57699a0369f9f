package admin

import (
	"net/http"
	"strconv"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/linkback/send"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// postUnpublish takes a published or scheduled post back to draft, and
// tells the pages it linked to that the links are gone.
func (h *Handler) postUnpublish(w http.ResponseWriter, r *http.Request, u *blog.User) {
	p, err := h.editablePost(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Unpublished and its links withdrawn (jobs telling each page the link
	// is gone): one write.
	err = h.Store.InTx(r.Context(), func(tx *store.Store) error {
		if err := tx.SetStatus(r.Context(), p.ID, blog.StatusDraft); err != nil {
			return err
		}
		return h.postChanged(r.Context(), tx, p.ID, send.Change{Content: true})
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "“"+p.Title+"” is a draft again; readers no longer see it.")
	http.Redirect(w, r, site.PathFor(r, "/admin/posts/"+strconv.FormatInt(p.ID, 10)), http.StatusSeeOther)
}
