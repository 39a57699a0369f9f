package site

import (
	"strings"
	"testing"
	"time"
)

func TestNewsletterSettings(t *testing.T) {
	s := Defaults()
	apply(&s, map[string]string{KeyNewsletterWeekday: "2", KeyNewsletterTime: "09:00", KeyNewsletterTimeZone: "America/Chicago",
		KeyNewsletterArchive: "0", KeyNewsletterReplyTo: "tips@example.com", KeyNewsletterConnections: "999"})
	n := s.Newsletter
	if n.Weekday != time.Tuesday || n.Time != "09:00" || n.Zone != "America/Chicago" || n.Archive || n.ReplyTo != "tips@example.com" ||
		n.Connections != 4 || n.Tracking || !n.Weekly {
		t.Errorf("applied = %+v", n)
	}
	for title, want := range map[string]string{
		"The Weekly Sales Tip": "Yes! I want a “Weekly Sales Tip”", // the demo site, as the reference page reads
		"Sales Coach":          "Yes! I want the weekly tip from Sales Coach",
		"Sales Tips":           "Yes! I want “Sales Tips”",
		"Our Tips":             "Yes! I want “Tips”",
		"Inbound Tip":          "Yes! I want an “Inbound Tip”",
		"Tip":                  "Yes! I want a “Tip”",
		"  ":                   "Yes! I want the weekly tip",
		"The Tipping Point":    "Yes! I want the weekly tip from The Tipping Point",
	} {
		if h := n.BoxHeading(title); h != want {
			t.Errorf("default heading of %q = %q, want %q", title, h, want)
		}
	}
	if h := (&Newsletter{Heading: "Get the tip"}).BoxHeading("Sales Coach"); h != "Get the tip" {
		t.Errorf("heading set = %q", h)
	}
	err := Validate(map[string]string{KeyNewsletterTime: "9", KeyNewsletterTimeZone: "Mars/Base", KeyNewsletterWeekday: "7",
		KeyNewsletterReplyTo: "not an address", KeyNewsletterWebhook: "short", KeyNewsletterRate: "-1"})
	for _, k := range []string{KeyNewsletterTime, KeyNewsletterTimeZone, KeyNewsletterWeekday, KeyNewsletterReplyTo,
		KeyNewsletterWebhook, KeyNewsletterRate} {
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s not reported: %v", k, err)
		}
	}
}

// TestNextSendAcrossDaylightSaving checks that "every Tuesday at 09:00,
// America/Chicago" stays at 09:00 local time when the clocks change.
func TestNextSendAcrossDaylightSaving(t *testing.T) {
	chicago, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	n := Newsletter{Weekday: time.Tuesday, Time: "09:00"}
	// US daylight saving time began on Sunday 8 March 2026.
	before := time.Date(2026, 3, 3, 9, 0, 0, 0, chicago) // a Tuesday, at the slot
	next := n.NextSend(before, chicago)
	if want := time.Date(2026, 3, 10, 9, 0, 0, 0, chicago); !next.Equal(want) || next.UTC().Hour() != 14 {
		t.Errorf("after the slot of 3 March: %v (UTC %v), want %v (14:00 UTC)", next, next.UTC(), want)
	}
	if before.UTC().Hour() != 15 {
		t.Errorf("3 March 09:00 CST is %v UTC", before.UTC())
	}
	if got := n.NextSend(before.Add(-time.Minute), chicago); !got.Equal(before) {
		t.Errorf("a minute before the slot: %v, want %v", got, before)
	}
	// Ending: Sunday 1 November 2026.
	if got := n.NextSend(time.Date(2026, 10, 28, 0, 0, 0, 0, chicago), chicago); !got.Equal(time.Date(2026, 11, 3, 9, 0, 0, 0, chicago)) || got.UTC().Hour() != 15 {
		t.Errorf("across the end of DST: %v (UTC %v)", got, got.UTC())
	}
	// A Wednesday finds the next Tuesday.
	if got := n.NextSend(time.Date(2026, 3, 4, 12, 0, 0, 0, chicago), chicago); got.Weekday() != time.Tuesday || got.Day() != 10 {
		t.Errorf("from a Wednesday: %v", got)
	}
}
