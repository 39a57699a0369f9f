package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// sandboxPolicy makes the browser treat a kept email's HTML as a page from
// nowhere: no scripts, no forms, no cookies of the admin, nothing fetched
// except inline styles and data: images.
const sandboxPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'"

// outboxHTML shows the HTML part of a kept email as its reader would see
// it, in a sandbox that keeps it from acting in the admin's name.
func (h *Handler) outboxHTML(w http.ResponseWriter, r *http.Request, u *blog.User) {
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
	if m.HTML == "" {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", sandboxPolicy)
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write([]byte(m.HTML))
}
