package admin

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// mediaAlt saves the alternative text of an image.
func (h *Handler) mediaAlt(w http.ResponseWriter, r *http.Request, u *blog.User) {
	m, err := h.editableMedia(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	alt := strings.Join(strings.Fields(r.PostFormValue("alt")), " ")
	if utf8.RuneCountInString(alt) > 500 {
		h.setFlashErr(r, "The alternative text of "+m.Filename+" is longer than 500 characters; it was not saved.")
		http.Redirect(w, r, site.PathFor(r, "/admin/media/"), http.StatusSeeOther)
		return
	}
	if err := h.Store.SetMediaAlt(r.Context(), m.ID, alt); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "Saved the alternative text of "+m.Filename+".")
	http.Redirect(w, r, site.PathFor(r, "/admin/media/"), http.StatusSeeOther)
}

// editableMedia loads the image named in the path and checks u may change
// it: editors any image, authors their own.
func (h *Handler) editableMedia(r *http.Request, u *blog.User) (*blog.Media, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	m, err := h.Store.Media(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !u.CanEditOthers() && m.AuthorID != u.ID {
		return nil, errForbidden
	}
	return m, nil
}
