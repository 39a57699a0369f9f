package admin

import (
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// newsletterFlags are the newsletter settings the form shows as boxes.
var newsletterFlags = []string{site.KeyNewsletterWeekly, site.KeyNewsletterArchive, site.KeyNewsletterTracking}

// newsletterTexts are the newsletter settings typed as text or numbers.
var newsletterTexts = []string{
	site.KeyNewsletterHeading, site.KeyNewsletterText, site.KeyNewsletterButton, site.KeyNewsletterWelcome,
	site.KeyNewsletterWeekday, site.KeyNewsletterTime, site.KeyNewsletterTimeZone, site.KeyNewsletterReplyTo,
	site.KeyNewsletterAddress, site.KeyNewsletterUnsubMail, site.KeyNewsletterWebhook, site.KeyNewsletterRate,
	site.KeyNewsletterConnections, site.KeyNewsletterBounces, site.KeyNewsletterSignupsIP, site.KeyNewsletterConfirms,
}

// newsletterSettingsSave checks and stores the newsletter settings,
// showing the form again with every problem beside its field and the
// values as typed.
func (h *Handler) newsletterSettingsSave(w http.ResponseWriter, r *http.Request, u *blog.User) {
	v := map[string]string{}
	for _, k := range newsletterFlags {
		v[k] = boolValue(r.PostFormValue(k))
	}
	for _, k := range newsletterTexts {
		v[k] = strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(k), "\r\n", "\n"))
	}
	if err := site.Validate(v); err != nil {
		fe, ok := blog.AsValidation(err)
		if !ok {
			h.fail(w, r, err)
			return
		}
		h.showNewsletterSettings(w, r, http.StatusUnprocessableEntity, v, fe)
		return
	}
	if err := h.Store.SaveSettings(r.Context(), v); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "Newsletter settings saved.")
	http.Redirect(w, r, site.PathFor(r, "/admin/newsletter/settings"), http.StatusSeeOther)
}
