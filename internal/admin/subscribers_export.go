package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// subscribersExport downloads the subscribers the list's filter selects as
// CSV, with an import's columns first (email, name, status, consent_date),
// so it can be imported elsewhere as it is.
func (h *Handler) subscribersExport(w http.ResponseWriter, r *http.Request, u *blog.User) {
	f := subscriberFilter(r.URL.Query())
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="subscribers-`+h.now().UTC().Format("2006-01-02")+`.csv"`)
	if err := h.Newsletter.Export(r.Context(), w, f); err != nil {
		// Part of the file may have gone: say so in the log; the download
		// ends short.
		h.logError(r, err)
	}
}
