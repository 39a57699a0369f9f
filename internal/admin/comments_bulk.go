package admin

import (
	"net/http"
	"strconv"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// maxBulkComments bounds how many comments one bulk action may name.
const maxBulkComments = 500

// commentsBulk applies the action chosen in the list's menu to every ticked
// comment the user may moderate.
func (h *Handler) commentsBulk(w http.ResponseWriter, r *http.Request, u *blog.User) {
	back := commentsBack(r)
	act, ok := commentActions[r.PostFormValue("action")]
	if !ok {
		h.setFlashErr(r, "Choose an action to apply to the comments you ticked.")
		http.Redirect(w, r, site.PathFor(r, back), http.StatusSeeOther)
		return
	}
	var ids []int64
	for _, s := range r.PostForm["id"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		h.setFlashErr(r, "Tick at least one comment, then choose what to do with it.")
		http.Redirect(w, r, site.PathFor(r, back), http.StatusSeeOther)
		return
	}
	if len(ids) > maxBulkComments {
		h.setFlashErr(r, "Choose at most "+strconv.Itoa(maxBulkComments)+" comments at once.")
		http.Redirect(w, r, site.PathFor(r, back), http.StatusSeeOther)
		return
	}
	n, err := h.moderate(r, u, act, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if n == 0 {
		h.setFlashErr(r, doneMessage(act, n))
	} else {
		h.setFlash(r, doneMessage(act, n))
	}
	http.Redirect(w, r, site.PathFor(r, back), http.StatusSeeOther)
}
