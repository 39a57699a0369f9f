package admin

import (
	"net/http"
	"strconv"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// permalinkChoice is one permalink pattern with an example URL.
type permalinkChoice struct {
	Pattern, Example string
}

// settingsData is what the settings form shows.
type settingsData struct {
	V          map[string]string // values as typed or stored, by site.Key*
	Overridden map[string]bool   // fixed by a flag or environment variable
	Permalinks []permalinkChoice
	Zones      []string
}

// commonZones are suggested for the time zone field; any IANA name works.
var commonZones = []string{
	"UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Madrid", "Europe/Rome",
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
	"America/Toronto", "Asia/Tokyo", "Asia/Shanghai", "Asia/Kolkata", "Asia/Singapore", "Asia/Dubai",
	"Australia/Sydney", "Pacific/Auckland", "Africa/Johannesburg", "Africa/Lagos",
}

// settingsShow shows the site settings form filled with what is in force.
func (h *Handler) settingsShow(w http.ResponseWriter, r *http.Request, u *blog.User) {
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showSettings(w, r, http.StatusOK, settingsValues(set), nil)
}

// settingsValues turns settings in force into form values.
func settingsValues(s *site.Settings) map[string]string {
	full, curly := "0", "0"
	if s.FeedFullText {
		full = "1"
	}
	if s.Typography {
		curly = "1"
	}
	return map[string]string{
		site.KeyTitle: s.Title, site.KeyDescription: s.Description, site.KeyBaseURL: s.BaseURL,
		site.KeyTimeZone: s.TimeZone, site.KeyPermalink: s.Permalink,
		site.KeyPostsPerPage: strconv.Itoa(s.PostsPerPage), site.KeyFeedItems: strconv.Itoa(s.FeedItems),
		site.KeyFeedFullText: full, site.KeyMailFrom: s.MailFrom, site.KeyTypography: curly,
	}
}

// showSettings renders the settings form with values v.
func (h *Handler) showSettings(w http.ResponseWriter, r *http.Request, status int, v map[string]string, fe blog.FieldErrors) {
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := settingsData{V: v, Overridden: h.Site.Overridden(), Zones: commonZones}
	// Examples use the settings in force, with a fixed sample date.
	sample := time.Date(2011, 1, 4, 9, 0, 0, 0, set.Loc)
	for _, p := range blog.PermalinkPatterns {
		d.Permalinks = append(d.Permalinks, permalinkChoice{Pattern: p,
			Example: set.BaseURL + blog.PostPath(p, "what-business-are-you-in", sample, set.Loc)})
	}
	h.render(w, r, status, "settings", &view{Title: "Settings", Section: "settings", Errors: fe, D: d})
}
