package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// privacyFind lists everything held for the email address typed, with the
// export and erase buttons.
func (h *Handler) privacyFind(w http.ResponseWriter, r *http.Request, u *blog.User) {
	email, fe := privacyEmail(r)
	if len(fe) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, "privacy", &view{Title: "Privacy", Section: "privacy", Errors: fe,
			D: &privacyData{Email: r.PostFormValue("email")}})
		return
	}
	d, err := h.privacyRecords(r.Context(), email)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "privacy", &view{Title: "Privacy", Section: "privacy", D: d})
}
