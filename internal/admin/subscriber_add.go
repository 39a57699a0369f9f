package admin

import (
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// subscriberAdd puts an address on the list by hand: as having consented
// elsewhere (active at once, sent nothing), or to confirm by email (sent
// the confirmation mail).
func (h *Handler) subscriberAdd(w http.ResponseWriter, r *http.Request, u *blog.User) {
	form := subscriberAddForm{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Confirmed: r.PostFormValue("confirmed") == "1"}
	sub, err := h.Newsletter.Add(r.Context(), blog.NormalizeEmail(form.Email), form.Name, form.Confirmed, blog.SourceAdmin)
	if verrs, ok := blog.AsValidation(err); ok {
		h.showSubscribers(w, r, http.StatusUnprocessableEntity, subscribersData{Add: form}, verrs)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	msg := sub.Email + " added as active."
	if !form.Confirmed {
		msg = sub.Email + " added: a confirmation mail is on its way, and they receive nothing else until they confirm."
	}
	h.setFlash(r, msg)
	http.Redirect(w, r, site.PathFor(r, subscriberURL(sub.ID)), http.StatusSeeOther)
}
