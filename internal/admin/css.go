package admin

import (
	"bytes"
	"net/http"
	"time"
)

// css serves the admin stylesheet. It is a file rather than inline styles so
// a strict Content-Security-Policy needs no exception.
func (h *Handler) css(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	http.ServeContent(w, r, "admin.css", time.Time{}, bytes.NewReader(adminCSS))
}
