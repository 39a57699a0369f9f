package admin

import (
	"net/http"
	"strconv"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// privacyErase erases what is held for an email address, after a
// confirmation step: "anonymize" does what WordPress's eraser does (the
// name becomes "Anonymous"; email, website, IP address and browser are
// cleared; the text stays), "delete" deletes the comments themselves. Both
// drop every follow-up subscription of the address.
func (h *Handler) privacyErase(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	email, fe := privacyEmail(r)
	mode := r.PostFormValue("mode")
	if mode != "anonymize" && mode != "delete" {
		fe.Add("mode", "Choose whether to anonymize or delete the comments.")
	}
	if len(fe) > 0 {
		h.render(w, r, http.StatusUnprocessableEntity, "privacy", &view{Title: "Privacy", Section: "privacy", Errors: fe,
			D: &privacyData{Email: r.PostFormValue("email")}})
		return
	}
	if r.PostFormValue("confirm") != "1" {
		d, err := h.privacyRecords(ctx, email)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Confirm = mode
		h.render(w, r, http.StatusOK, "privacy", &view{Title: "Privacy", Section: "privacy", D: d})
		return
	}
	var comments, subs int
	err := h.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if mode == "delete" {
			comments, err = tx.DeleteCommentsByEmail(ctx, email)
		} else {
			comments, err = tx.AnonymizeCommentsByEmail(ctx, email)
		}
		if err != nil {
			return err
		}
		subs, err = tx.ErasePrivacySubscriptions(ctx, email)
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
	h.setFlash(r, "Erased what was held for that address: "+counted(comments, "comment")+" "+done+", "+
		counted(subs, "follow-up record")+" removed.")
	http.Redirect(w, r, site.PathFor(r, "/admin/privacy"), http.StatusSeeOther)
}

// counted says "1 comment" or "3 comments".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
