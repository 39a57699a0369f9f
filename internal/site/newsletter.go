package site

import (
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// Newsletter setting names.
const (
	KeyNewsletterHeading     = "newsletter_heading"       // the signup box's heading; empty: NewsletterHeading's default
	KeyNewsletterText        = "newsletter_text"          // the sentence under it
	KeyNewsletterButton      = "newsletter_button"        // its button
	KeyNewsletterWelcome     = "newsletter_welcome"       // the welcome mail's text (Markdown-free, paragraphs)
	KeyNewsletterWeekday     = "newsletter_weekday"       // 0 (Sunday) … 6: the day of the weekly send
	KeyNewsletterTime        = "newsletter_time"          // "09:00": its time of day
	KeyNewsletterTimeZone    = "newsletter_timezone"      // its time zone; empty: the site's
	KeyNewsletterWeekly      = "newsletter_weekly"        // "1": send the weekly tip (queue, else a digest)
	KeyNewsletterArchive     = "newsletter_archive"       // "1": past issues at /newsletter/
	KeyNewsletterReplyTo     = "newsletter_reply_to"      // Reply-To of issues
	KeyNewsletterAddress     = "newsletter_address"       // the postal address in every issue (CAN-SPAM)
	KeyNewsletterUnsubMail   = "newsletter_unsub_mailbox" // a mailbox someone reads: adds a mailto: List-Unsubscribe
	KeyNewsletterWebhook     = "newsletter_webhook_secret"
	KeyNewsletterTracking    = "newsletter_tracking"     // "1": open and click tracking
	KeyNewsletterRate        = "newsletter_rate"         // messages a second at most; 0: no limit
	KeyNewsletterConnections = "newsletter_connections"  // SMTP connections at once
	KeyNewsletterBounces     = "newsletter_bounce_limit" // hard bounces before a subscriber is set bounced
	KeyNewsletterSignupsIP   = "newsletter_signups_ip"   // signups from one IP address an hour
	KeyNewsletterConfirms    = "newsletter_confirms_day" // confirmation mails to one address a day
)

// Newsletter is how the weekly tip is offered and sent.
type Newsletter struct {
	// Heading, Text and Button are the signup box's words; empty means
	// the defaults, which name the site (BoxHeading…).
	Heading, Text, Button string
	// Welcome is the welcome mail's text, sent once an address confirms;
	// empty means the default (WelcomeText).
	Welcome string
	// Weekly turns the weekly send on: at Weekday, Time (hh:mm) in Zone
	// (empty: the site's time zone) the next queued tip goes out, else a
	// digest of the posts published since the last issue.
	Weekly  bool
	Weekday time.Weekday
	Time    string
	Zone    string
	// Archive shows sent issues at /newsletter/.
	Archive bool
	// ReplyTo is the Reply-To of issues (empty: none).
	ReplyTo string
	// PostalAddress is printed at the foot of every issue.
	PostalAddress string
	// UnsubscribeMailbox, when set, is a mailbox someone reads: issues add
	// a mailto: to List-Unsubscribe. Empty: the https link only.
	UnsubscribeMailbox string
	// WebhookSecret is the bearer token of POST /newsletter/webhook
	// (bounces and complaints reported by a relay); empty turns it off.
	WebhookSecret string
	// Tracking turns on open and click tracking (off by default, and then
	// said so in the signup box's fine print).
	Tracking bool
	// RatePerSecond caps messages a second (0: no cap); Connections is how
	// many SMTP connections send at once; BounceLimit how many hard
	// bounces set a subscriber bounced.
	RatePerSecond int
	Connections   int
	BounceLimit   int
	// SignupsPerIP is how many signups one IP address (IPv6: its /64) may
	// make an hour; ConfirmsPerDay how many confirmation mails one address
	// may receive a day.
	SignupsPerIP   int
	ConfirmsPerDay int
}

// DefaultNewsletter returns the newsletter settings of a new site.
func DefaultNewsletter() Newsletter {
	return Newsletter{Weekly: true, Weekday: time.Tuesday, Time: "09:00", Archive: true,
		Connections: 4, BounceLimit: 1, SignupsPerIP: 10, ConfirmsPerDay: 3}
}

// BoxHeading is the signup box's heading for a site called title: a
// title that names a tip itself is the newsletter's name (“The Weekly
// Sales Tip”: Yes! I want a “Weekly Sales Tip”), any other names where
// the tip comes from (Yes! I want the weekly tip from Sales Coach).
func (n *Newsletter) BoxHeading(title string) string {
	if n.Heading != "" {
		return n.Heading
	}
	return "Yes! I want " + TipName(title)
}

// TipName names the weekly tip of a site called title, as the object of
// a sentence: a title whose last word is "tip" or "tips" is the tip's own
// name, quoted without its leading article (a “Weekly Sales Tip”,
// “Sales Tips”); any other title is where it comes from (the weekly tip
// from Sales Coach); no title is just the weekly tip.
func TipName(title string) string {
	words := strings.Fields(title)
	if len(words) == 0 {
		return "the weekly tip"
	}
	last := strings.ToLower(strings.Trim(words[len(words)-1], ".!?:;,\"'”’"))
	if last != "tip" && last != "tips" {
		return "the weekly tip from " + strings.Join(words, " ")
	}
	if len(words) > 1 {
		switch strings.ToLower(words[0]) {
		case "the", "a", "an", "our", "your", "my":
			words = words[1:]
		}
	}
	name := "“" + strings.Join(words, " ") + "”"
	if last == "tips" {
		return name
	}
	if strings.ContainsRune("AEIOUaeiou", []rune(words[0])[0]) {
		return "an " + name
	}
	return "a " + name
}

// BoxText is the sentence under the heading.
func (n *Newsletter) BoxText(title string) string {
	if n.Text != "" {
		return n.Text
	}
	return "One short, useful tip from " + title + " in your inbox every week. Free, and you can leave with one click."
}

// BoxButton is the signup button's label.
func (n *Newsletter) BoxButton() string {
	if n.Button != "" {
		return n.Button
	}
	return "Send me the weekly tip"
}

// WelcomeText is the welcome mail's text for a site called title.
func (n *Newsletter) WelcomeText(title string) string {
	if n.Welcome != "" {
		return n.Welcome
	}
	return "Thank you for confirming: you will get " + TipName(title) + ".\n\n" +
		"Each one is short and practical. Reply to any of them to tell us what you would like to read about."
}

// Location returns the time zone of the weekly send: Zone, else site.
func (n *Newsletter) Location(site *time.Location) *time.Location {
	if n.Zone != "" {
		if loc, err := time.LoadLocation(n.Zone); err == nil {
			return loc
		}
	}
	if site == nil {
		return time.UTC
	}
	return site
}

// Clock returns the hour and minute of the weekly send.
func (n *Newsletter) Clock() (hour, minute int) {
	h, m, ok := parseClock(n.Time)
	if !ok {
		return 9, 0
	}
	return h, m
}

// NextSend returns the first weekly slot strictly after t, in loc (see
// Location): the wall-clock day and time the settings name, whatever the
// offset is that day, so a daylight-saving change keeps "Tuesday at
// 09:00". A time that does not exist that day (skipped by a change) is
// moved forward as time.Date moves it.
func (n *Newsletter) NextSend(t time.Time, loc *time.Location) time.Time {
	h, m := n.Clock()
	local := t.In(loc)
	for i := 0; i <= 7; i++ {
		d := local.AddDate(0, 0, i)
		if d.Weekday() != n.Weekday {
			continue
		}
		slot := time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
		if slot.After(t) {
			return slot
		}
	}
	d := local.AddDate(0, 0, 7)
	return time.Date(d.Year(), d.Month(), d.Day(), h, m, 0, 0, loc)
}

// MailDomain returns the domain of the site's From address, for
// Message-IDs.
func (s *Settings) MailDomain() string {
	addr := s.MailFrom
	if a, err := mail.ParseAddress(addr); err == nil {
		addr = a.Address
	}
	if i := strings.LastIndex(addr, "@"); i >= 0 && i < len(addr)-1 {
		return addr[i+1:]
	}
	return "localhost"
}

func parseClock(s string) (hour, minute int, ok bool) {
	hh, mm, found := strings.Cut(strings.TrimSpace(s), ":")
	if !found {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 || len(mm) != 2 {
		return 0, 0, false
	}
	return h, m, true
}

func applyNewsletter(n *Newsletter, v map[string]string) {
	flag := func(k string, dst *bool) {
		if x, ok := v[k]; ok {
			*dst = x == "1" || x == "true"
		}
	}
	num := func(k string, dst *int, lo, hi int) {
		if x, err := strconv.Atoi(v[k]); err == nil && x >= lo && x <= hi {
			*dst = x
		}
	}
	n.Heading = strings.TrimSpace(v[KeyNewsletterHeading])
	n.Text = strings.TrimSpace(v[KeyNewsletterText])
	n.Button = strings.TrimSpace(v[KeyNewsletterButton])
	n.Welcome = strings.TrimSpace(v[KeyNewsletterWelcome])
	flag(KeyNewsletterWeekly, &n.Weekly)
	flag(KeyNewsletterArchive, &n.Archive)
	flag(KeyNewsletterTracking, &n.Tracking)
	if x, err := strconv.Atoi(v[KeyNewsletterWeekday]); err == nil && x >= 0 && x <= 6 {
		n.Weekday = time.Weekday(x)
	}
	if _, _, ok := parseClock(v[KeyNewsletterTime]); ok {
		n.Time = strings.TrimSpace(v[KeyNewsletterTime])
	}
	if z := strings.TrimSpace(v[KeyNewsletterTimeZone]); z != "" {
		if _, err := time.LoadLocation(z); err == nil {
			n.Zone = z
		}
	}
	n.ReplyTo = strings.TrimSpace(v[KeyNewsletterReplyTo])
	n.PostalAddress = strings.TrimSpace(v[KeyNewsletterAddress])
	n.UnsubscribeMailbox = strings.TrimSpace(v[KeyNewsletterUnsubMail])
	n.WebhookSecret = strings.TrimSpace(v[KeyNewsletterWebhook])
	num(KeyNewsletterRate, &n.RatePerSecond, 0, 100000)
	num(KeyNewsletterConnections, &n.Connections, 1, 64)
	num(KeyNewsletterBounces, &n.BounceLimit, 1, 100)
	num(KeyNewsletterSignupsIP, &n.SignupsPerIP, 1, 10000)
	num(KeyNewsletterConfirms, &n.ConfirmsPerDay, 1, 100)
}

// validateNewsletter adds the problems of newsletter settings to fe.
func validateNewsletter(fe blog.FieldErrors, v map[string]string) {
	ranges := map[string][2]int{
		KeyNewsletterWeekday: {0, 6}, KeyNewsletterRate: {0, 100000}, KeyNewsletterConnections: {1, 64},
		KeyNewsletterBounces: {1, 100}, KeyNewsletterSignupsIP: {1, 10000}, KeyNewsletterConfirms: {1, 100},
	}
	for k, r := range ranges {
		if s, ok := v[k]; ok {
			if n, err := strconv.Atoi(strings.TrimSpace(s)); err != nil || n < r[0] || n > r[1] {
				fe.Add(k, "Enter a number from "+strconv.Itoa(r[0])+" to "+strconv.Itoa(r[1])+".")
			}
		}
	}
	if s, ok := v[KeyNewsletterTime]; ok {
		if _, _, ok := parseClock(s); !ok {
			fe.Add(KeyNewsletterTime, "Enter a time of day like 09:00 (24-hour clock).")
		}
	}
	if z, ok := v[KeyNewsletterTimeZone]; ok && strings.TrimSpace(z) != "" {
		if _, err := time.LoadLocation(strings.TrimSpace(z)); err != nil {
			fe.Add(KeyNewsletterTimeZone, "Choose a time zone such as America/Chicago, or leave it empty for the site's.")
		}
	}
	for _, k := range []string{KeyNewsletterReplyTo, KeyNewsletterUnsubMail} {
		if m, ok := v[k]; ok && strings.TrimSpace(m) != "" && !blog.ValidEmail(strings.TrimSpace(m)) {
			fe.Add(k, "Enter a valid email address, like news@example.com, or leave it empty.")
		}
	}
	if s, ok := v[KeyNewsletterWebhook]; ok {
		if s = strings.TrimSpace(s); s != "" && (len(s) < 16 || strings.ContainsAny(s, " \t\r\n")) {
			fe.Add(KeyNewsletterWebhook, "Use at least 16 characters without spaces, or leave it empty to turn the webhook off.")
		}
	}
	for k, max := range map[string]int{KeyNewsletterHeading: 200, KeyNewsletterText: 500, KeyNewsletterButton: 60,
		KeyNewsletterWelcome: 5000, KeyNewsletterAddress: 500} {
		if s, ok := v[k]; ok && len([]rune(s)) > max {
			fe.Add(k, "Keep it under "+strconv.Itoa(max)+" characters.")
		}
	}
}
