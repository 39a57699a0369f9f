package admin

import (
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// settingsKeys are the settings the form edits.
var settingsKeys = []string{
	site.KeyTitle, site.KeyDescription, site.KeyBaseURL, site.KeyTimeZone, site.KeyPermalink,
	site.KeyPostsPerPage, site.KeyFeedItems, site.KeyFeedFullText, site.KeyMailFrom,
}

// settingsSave checks and stores the site settings. Settings fixed by a
// flag or environment variable are neither checked nor stored.
func (h *Handler) settingsSave(w http.ResponseWriter, r *http.Request, u *blog.User) {
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	over := h.Site.Overridden()
	typed := map[string]string{}
	save := map[string]string{}
	for _, k := range settingsKeys {
		v := strings.TrimSpace(r.PostFormValue(k))
		if k == site.KeyFeedFullText && v != "1" {
			v = "0"
		}
		typed[k] = v
		if !over[k] {
			save[k] = v
		}
	}
	// Show overridden fields with the value in force, as the form does.
	for k, v := range settingsValues(set) {
		if over[k] {
			typed[k] = v
		}
	}
	if err := site.Validate(save); err != nil {
		fe, ok := blog.AsValidation(err)
		if !ok {
			h.fail(w, r, err)
			return
		}
		h.showSettings(w, r, http.StatusUnprocessableEntity, typed, fe)
		return
	}
	if v, ok := save[site.KeyBaseURL]; ok && v != "" {
		// Validate accepted it, so it normalises.
		save[site.KeyBaseURL], _ = site.NormalizeBaseURL(v)
	}
	if err := h.Store.SaveSettings(r.Context(), save); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "Settings saved.")
	// Under the prefix of the base URL now in force: a new path in the
	// base URL moves the admin too (the session cookie stays under the old
	// path, so the owner logs in again there).
	to := site.PathFor(r, "/admin/settings")
	if now, _, err := h.Site.Current(r.Context()); err == nil {
		to = now.Path("/admin/settings")
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
