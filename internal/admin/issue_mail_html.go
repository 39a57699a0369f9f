package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// previewPolicy lets the HTML of an issue's preview show inside the
// admin's own frame and nowhere else, as a page from nowhere: no scripts,
// no forms, no cookies, only inline styles and images.
const previewPolicy = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data: https: http:; form-action 'none'; frame-ancestors 'self'"

// issueMailHTML is the HTML part of an issue's mail as subscribers will
// see it, for the preview's sandboxed frame.
func (h *Handler) issueMailHTML(w http.ResponseWriter, r *http.Request, u *blog.User) {
	_, m, ok := h.issueMessage(w, r)
	if !ok {
		return
	}
	hd := w.Header()
	hd.Set("Content-Security-Policy", previewPolicy)
	hd.Set("X-Frame-Options", "SAMEORIGIN")
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write([]byte(m.HTML))
}
