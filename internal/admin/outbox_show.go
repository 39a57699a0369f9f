package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// outboxShow shows one kept email: its text in full, and its HTML as
// source (never rendered in the admin's origin).
func (h *Handler) outboxShow(w http.ResponseWriter, r *http.Request, u *blog.User) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m, err := h.Store.OutboxMessage(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "outbox_show", &view{Title: m.Subject, Section: "outbox", D: m})
}
