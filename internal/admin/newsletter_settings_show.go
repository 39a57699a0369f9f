package admin

import (
	"net/http"
	"strconv"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// newsletterSettingsData is what the newsletter settings form shows.
type newsletterSettingsData struct {
	V        map[string]string // values as typed or stored, by site.KeyNewsletter*
	Weekdays []weekdayChoice
	SiteZone string
	// Defaults are the words the box and the welcome mail use while
	// their settings are empty.
	DefaultHeading, DefaultText, DefaultButton, DefaultWelcome string
}

// weekdayChoice is a day offered for the weekly send.
type weekdayChoice struct{ Value, Label string }

// newsletterSettingsShow shows the newsletter settings in force.
func (h *Handler) newsletterSettingsShow(w http.ResponseWriter, r *http.Request, u *blog.User) {
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showNewsletterSettings(w, r, http.StatusOK, newsletterValues(set.Newsletter), nil)
}

// newsletterValues turns newsletter settings in force into form values.
func newsletterValues(n site.Newsletter) map[string]string {
	flag := func(b bool) string {
		if b {
			return "1"
		}
		return "0"
	}
	return map[string]string{
		site.KeyNewsletterHeading: n.Heading, site.KeyNewsletterText: n.Text, site.KeyNewsletterButton: n.Button,
		site.KeyNewsletterWelcome: n.Welcome, site.KeyNewsletterWeekly: flag(n.Weekly),
		site.KeyNewsletterWeekday: strconv.Itoa(int(n.Weekday)), site.KeyNewsletterTime: n.Time,
		site.KeyNewsletterTimeZone: n.Zone, site.KeyNewsletterArchive: flag(n.Archive),
		site.KeyNewsletterReplyTo: n.ReplyTo, site.KeyNewsletterAddress: n.PostalAddress,
		site.KeyNewsletterUnsubMail: n.UnsubscribeMailbox, site.KeyNewsletterWebhook: n.WebhookSecret,
		site.KeyNewsletterTracking: flag(n.Tracking), site.KeyNewsletterRate: strconv.Itoa(n.RatePerSecond),
		site.KeyNewsletterConnections: strconv.Itoa(n.Connections), site.KeyNewsletterBounces: strconv.Itoa(n.BounceLimit),
		site.KeyNewsletterSignupsIP: strconv.Itoa(n.SignupsPerIP), site.KeyNewsletterConfirms: strconv.Itoa(n.ConfirmsPerDay),
	}
}

// showNewsletterSettings renders the newsletter settings form with values
// v.
func (h *Handler) showNewsletterSettings(w http.ResponseWriter, r *http.Request, status int, v map[string]string, fe blog.FieldErrors) {
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := newsletterSettingsData{V: v, SiteZone: set.TimeZone}
	for day := time.Sunday; day <= time.Saturday; day++ {
		d.Weekdays = append(d.Weekdays, weekdayChoice{Value: strconv.Itoa(int(day)), Label: day.String()})
	}
	empty := site.Newsletter{}
	d.DefaultHeading, d.DefaultText = empty.BoxHeading(set.Title), empty.BoxText(set.Title)
	d.DefaultButton, d.DefaultWelcome = empty.BoxButton(), empty.WelcomeText(set.Title)
	h.render(w, r, status, "newsletter_settings", &view{Title: "Newsletter settings", Section: "newsletter-settings", Errors: fe, D: d})
}
