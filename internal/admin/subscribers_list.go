package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// subscribersList lists the newsletter's subscribers of a status (every
// status by default) matching a search, a page at a time, with the forms
// to add one, import a CSV and export the list.
func (h *Handler) subscribersList(w http.ResponseWriter, r *http.Request, u *blog.User) {
	h.showSubscribers(w, r, http.StatusOK, subscribersData{}, nil)
}
