package admin

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
)

// subscribersImport adds the subscribers of an uploaded CSV, all or
// nothing, in one transaction: a bad row is shown with its line number
// and why, and then nothing is imported.
func (h *Handler) subscribersImport(w http.ResponseWriter, r *http.Request, u *blog.User) {
	// The server's body limit has read the form, in memory and bounded
	// (MaxSubscribersCSV), or answered 413.
	file, _, err := r.FormFile("file")
	if err != nil {
		h.showSubscribers(w, r, http.StatusUnprocessableEntity, subscribersData{},
			blog.FieldErrors{"file": "Choose a CSV file to import."})
		return
	}
	defer file.Close()
	res, err := h.Newsletter.Import(r.Context(), file)
	var bad newsletter.ImportErrors
	if errors.As(err, &bad) {
		h.showSubscribers(w, r, http.StatusUnprocessableEntity, subscribersData{ImportErrors: bad},
			blog.FieldErrors{"file": "Nothing was imported: the file has " + counted(len(bad), "bad row") + ", listed below."})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	msg := "Imported: " + counted(res.Added, "new subscriber")
	if res.Confirm > 0 {
		msg += " (" + strconv.Itoa(res.Confirm) + " sent a confirmation mail)"
	}
	if res.Unchanged > 0 {
		msg += "; " + counted(res.Unchanged, "address") + " already on the list left as they were"
	}
	h.setFlash(r, msg+".")
	http.Redirect(w, r, site.PathFor(r, "/admin/subscribers/"), http.StatusSeeOther)
}
