package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// subscriberStatus sets a subscriber's status by the admin's hand,
// recorded in their history.
func (h *Handler) subscriberStatus(w http.ResponseWriter, r *http.Request, u *blog.User) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sub, err := h.Newsletter.SetStatus(r.Context(), id, blog.SubscriberStatus(r.PostFormValue("status")))
	if verrs, ok := blog.AsValidation(err); ok {
		h.showSubscriber(w, r, http.StatusUnprocessableEntity, id, "", verrs)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "Status set to "+string(sub.Status)+".")
	http.Redirect(w, r, site.PathFor(r, subscriberURL(id)), http.StatusSeeOther)
}
