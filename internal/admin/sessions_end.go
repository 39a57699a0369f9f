package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// sessionsEnd ends every session of the user but this one ("Log out
// everywhere else"): other browsers are logged out on their next request,
// and their known-device cookies stop counting.
func (h *Handler) sessionsEnd(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	device, err := h.knownDevice(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	epoch, err := h.Store.EndOtherSessions(ctx, u.ID, h.Sessions.Token(ctx))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.Sessions.Put(ctx, sessionEpochKey, epoch)
	upd := *u
	upd.SessionEpoch = epoch
	if err := h.keepDevice(w, r, &upd, device); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "You were logged out everywhere else.")
	http.Redirect(w, r, site.PathFor(r, "/admin/profile"), http.StatusSeeOther)
}

// keepDevice signs this browser's known-device cookie again for u's new
// session epoch, when it had a valid one (device is its ID).
func (h *Handler) keepDevice(w http.ResponseWriter, r *http.Request, u *blog.User, device string) error {
	if device == "" {
		return nil
	}
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		return err
	}
	return h.rememberDevice(w, r, set, u, device)
}
