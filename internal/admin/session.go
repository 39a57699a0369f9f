package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Session keys: the logged-in user's ID, and their session epoch when they
// logged in (a session of an older epoch was ended by a password change or
// "Log out everywhere else").
const (
	sessionUserKey  = store.SessionUserKey
	sessionEpochKey = store.SessionEpochKey
)

// roleRank orders roles so a handler can ask for "at least editor".
func roleRank(r blog.Role) int {
	switch r {
	case blog.RoleOwner:
		return 3
	case blog.RoleEditor:
		return 2
	case blog.RoleAuthor:
		return 1
	}
	return 0
}

// userHandler is a handler that runs for a logged-in user.
type userHandler func(w http.ResponseWriter, r *http.Request, u *blog.User)

// needs wraps fn so it runs only for a logged-in user whose role is at least
// min. Others are sent to the login page (or told they may not).
func (h *Handler) needs(min blog.Role, fn userHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := h.sessionUser(r.Context())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if u == nil {
			target := "/admin/login"
			if r.Method == http.MethodGet && r.URL.Path != "/admin/" {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, site.PathFor(r, target), http.StatusSeeOther)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), userKey{}, u))
		if roleRank(u.Role) < roleRank(min) {
			h.fail(w, r, errForbidden)
			return
		}
		fn(w, r, u)
	}
}

// sessionUser returns the user the session belongs to, or nil.
func (h *Handler) sessionUser(ctx context.Context) (*blog.User, error) {
	id := h.Sessions.GetInt64(ctx, sessionUserKey)
	if id == 0 {
		return nil, nil
	}
	u, err := h.Store.User(ctx, id)
	if errors.Is(err, blog.ErrNotFound) {
		// The account was removed: forget the session.
		return nil, h.Sessions.Destroy(ctx)
	}
	if err != nil {
		return nil, err
	}
	if h.Sessions.GetInt64(ctx, sessionEpochKey) != u.SessionEpoch {
		// Ended by a password change or "Log out everywhere else" (a
		// request in flight may have saved it again since).
		return nil, h.Sessions.Destroy(ctx)
	}
	return u, nil
}

// logIn starts a fresh session for u: a new session token, so one planted
// before login is worthless after.
func (h *Handler) logIn(ctx context.Context, u *blog.User) error {
	if err := h.Sessions.RenewToken(ctx); err != nil {
		return err
	}
	h.Sessions.Put(ctx, sessionUserKey, u.ID)
	h.Sessions.Put(ctx, sessionEpochKey, u.SessionEpoch)
	return nil
}

// localNext returns next when it is a path inside the admin, else /admin/.
// It keeps the login form from sending people to another site.
func localNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/admin/") || strings.ContainsAny(next, "\\\r\n") {
		return "/admin/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || strings.HasPrefix(next, "//") {
		return "/admin/"
	}
	if clean := u.Path; strings.Contains(clean, "/../") || strings.HasSuffix(clean, "/..") {
		return "/admin/"
	}
	return next
}

// canEdit reports whether u may edit p.
func canEdit(u *blog.User, p *blog.Post) bool {
	if u.CanEditOthers() {
		return true
	}
	return p.AuthorID == u.ID && p.Type == blog.TypePost
}
