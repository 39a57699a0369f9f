package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// userRole changes the role of an account. The last owner cannot stop
// being one, so the site always has someone who can run it.
func (h *Handler) userRole(w http.ResponseWriter, r *http.Request, u *blog.User) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	target, err := h.Store.User(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	role := blog.Role(r.PostFormValue("role"))
	if !blog.ValidRole(role) {
		h.setFlashErr(r, "Choose owner, editor or author.")
		http.Redirect(w, r, site.PathFor(r, "/admin/users/"), http.StatusSeeOther)
		return
	}
	if target.Role == blog.RoleOwner && role != blog.RoleOwner {
		users, err := h.Store.Users(r.Context())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		owners := 0
		for _, x := range users {
			if x.Role == blog.RoleOwner {
				owners++
			}
		}
		if owners <= 1 {
			h.setFlashErr(r, target.Name+" is the only owner; make someone else an owner first.")
			http.Redirect(w, r, site.PathFor(r, "/admin/users/"), http.StatusSeeOther)
			return
		}
	}
	target.Role = role
	if err := h.Store.UpdateUser(r.Context(), target); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, target.Name+" is now "+string(role)+".")
	http.Redirect(w, r, site.PathFor(r, "/admin/users/"), http.StatusSeeOther)
}
