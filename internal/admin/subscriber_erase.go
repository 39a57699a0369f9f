package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// subscriberErase erases a subscriber after asking, through the privacy
// tools' erase (eraseEmail): their place on the list with its history and
// deliveries, their comments' personal data ("anonymize") or the comments
// themselves ("delete"), and their comment follow-ups, in one
// transaction.
func (h *Handler) subscriberErase(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	mode := r.PostFormValue("mode")
	if mode != "anonymize" && mode != "delete" {
		h.showSubscriber(w, r, http.StatusUnprocessableEntity, id, "",
			blog.FieldErrors{"mode": "Choose whether to anonymize or delete their comments."})
		return
	}
	if r.PostFormValue("confirm") != "1" {
		h.showSubscriber(w, r, http.StatusOK, id, mode, nil)
		return
	}
	sub, err := h.Store.Subscriber(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var comments, followUps int
	err = h.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		comments, followUps, _, err = eraseEmail(ctx, tx, sub.Email, mode)
		return err
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	done := "anonymized"
	if mode == "delete" {
		done = "deleted"
	}
	h.setFlash(r, "Erased "+sub.Email+": removed from the list with its history, "+counted(comments, "comment")+" "+done+", "+
		counted(followUps, "follow-up record")+" removed.")
	http.Redirect(w, r, site.PathFor(r, "/admin/subscribers/"), http.StatusSeeOther)
}
