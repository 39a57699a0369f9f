package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// postEdit shows the editor filled with a stored post or page.
func (h *Handler) postEdit(w http.ResponseWriter, r *http.Request, u *blog.User) {
	p, err := h.editablePost(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showPostForm(w, r, http.StatusOK, formFromPost(p, set.Loc), nil)
}

// editablePost loads the post named in the path and checks u may change it.
func (h *Handler) editablePost(r *http.Request, u *blog.User) (*blog.Post, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Store.Post(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !canEdit(u, p) {
		return nil, errForbidden
	}
	return p, nil
}
