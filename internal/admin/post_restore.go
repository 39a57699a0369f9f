package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/linkback/send"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// postRestore takes a post out of the trash, back to the status it had. A
// post that was scheduled gets its publishing job again; a published one
// announces its links again.
func (h *Handler) postRestore(w http.ResponseWriter, r *http.Request, u *blog.User) {
	p, err := h.editablePost(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Restored and, when it was scheduled, its job again: one write.
	var restored *blog.Post
	err = h.Store.InTx(r.Context(), func(tx *store.Store) error {
		if err := tx.Restore(r.Context(), p.ID); err != nil {
			return err
		}
		var err error
		if restored, err = tx.Post(r.Context(), p.ID); err != nil {
			return err
		}
		if restored.Status == blog.StatusScheduled {
			if err := h.Jobs.SchedulePublish(r.Context(), tx, p.ID, restored.PublishedAt); err != nil {
				return err
			}
		}
		// A post back in public announces its links again.
		return h.postChanged(r.Context(), tx, p.ID, send.Change{Content: true})
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "“"+p.Title+"” restored as "+statusLabel(restored.Status)+".")
	http.Redirect(w, r, site.PathFor(r, listURL(p.Type, blog.StatusTrash)), http.StatusSeeOther)
}
