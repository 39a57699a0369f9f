package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// postRestore takes a post out of the trash, back to the status it had. A
// post that was scheduled gets its publishing job again.
func (h *Handler) postRestore(w http.ResponseWriter, r *http.Request, u *blog.User) {
	p, err := h.editablePost(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Store.Restore(r.Context(), p.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	restored, err := h.Store.Post(r.Context(), p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	msg := "“" + p.Title + "” restored as " + statusLabel(restored.Status) + "."
	if restored.Status == blog.StatusScheduled {
		if err := h.Jobs.SchedulePublish(r.Context(), p.ID, restored.PublishedAt); err != nil {
			h.logError(r, err)
			h.setFlashErr(r, msg+" Its publishing job could not be scheduled: "+err.Error())
			http.Redirect(w, r, listURL(p.Type, blog.StatusTrash), http.StatusSeeOther)
			return
		}
	}
	h.setFlash(r, msg)
	http.Redirect(w, r, listURL(p.Type, blog.StatusTrash), http.StatusSeeOther)
}
