package admin

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/quirehq/quire/internal/site"
)

// logout ends the session and goes back to the login page, or to the
// reader page it was asked from (?next=/2011/01/05/slug/, a local path
// only: the comment form's "Log out?" comes back to its post).
func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.Sessions.Destroy(r.Context()); err != nil {
		h.fail(w, r, err)
		return
	}
	to := "/admin/login"
	if next := r.URL.Query().Get("next"); localPath(next) {
		to = next
	}
	http.Redirect(w, r, site.PathFor(r, to), http.StatusSeeOther)
}

// localPath reports whether s is a path on this site (not //host, not a
// URL with a scheme), safe to redirect to.
func localPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n") {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}
