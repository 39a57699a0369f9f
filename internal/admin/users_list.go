package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// userForm is the add-user form as typed.
type userForm struct {
	Name  string
	Email string
	Role  string
}

// usersData is what the users page shows.
type usersData struct {
	Users []blog.User
	Roles []blog.Role
	Form  userForm
}

// allRoles lists roles as the forms offer them.
var allRoles = []blog.Role{blog.RoleAuthor, blog.RoleEditor, blog.RoleOwner}

// usersList lists accounts with the form to add one.
func (h *Handler) usersList(w http.ResponseWriter, r *http.Request, u *blog.User) {
	h.showUsers(w, r, http.StatusOK, userForm{Role: string(blog.RoleAuthor)}, nil)
}

// showUsers renders the users page with the add form f.
func (h *Handler) showUsers(w http.ResponseWriter, r *http.Request, status int, f userForm, fe blog.FieldErrors) {
	users, err := h.Store.Users(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "users_list", &view{Title: "Users", Section: "users", Errors: fe,
		D: usersData{Users: users, Roles: allRoles, Form: f}})
}
