package deliver_test

import (
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/newsletter"
)

// TestIssueToEverySubscriber sends an issue to 25 subscribers in batches
// of 7 over the pool, and checks every message's headers exactly, its
// parts and its links, on an https and an http site.
func TestIssueToEverySubscriber(t *testing.T) {
	for _, base := range []string{"https://coach.example.com", "http://coach.example.com"} {
		t.Run(base[:strings.Index(base, ":")], func(t *testing.T) {
			f := newFixture(t, fixtureOpts{base: base})
			ctx := context.Background()
			subs := f.subscribers(25)
			// One who left before the issue gets nothing.
			if _, _, err := f.st.ChangeSubscriber(ctx, subs[3].ID, storeUnsub()); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			is := f.send("What business are you in?")
			f.waitIssue(is.ID)

			got := byRecipient(f.smtp.Received())
			if len(got) != 24 {
				t.Fatalf("%d recipients, want 24", len(got))
			}
			if _, ok := got[subs[3].Email]; ok {
				t.Error("a subscriber who had left got the issue")
			}
			set, _, err := f.as.Site.Current(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i, sub := range subs {
				if i == 3 {
					continue
				}
				msgs := got[sub.Email]
				if len(msgs) != 1 {
					t.Fatalf("%s got %d messages", sub.Email, len(msgs))
				}
				m := msgs[0]
				unsub, err := f.n.UnsubscribeURL(ctx, set, sub.ID, is.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(unsub, base+newsletter.UnsubscribePath) {
					t.Fatalf("unsubscribe URL %s is not on %s", unsub, base)
				}
				want := map[string]string{
					"List-Id":               `"Sales Coach weekly tip" <newsletter.coach.example.com>`,
					"List-Unsubscribe":      "<" + unsub + ">",
					"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
					"Message-Id":            fmt.Sprintf("<newsletter.%d.%d@coach.example.com>", is.ID, sub.ID),
					"From":                  "<tips@coach.example.com>",
					"Reply-To":              "coach@example.com",
					"To":                    "<" + sub.Email + ">",
					"Subject":               "What business are you in?",
					"Mime-Version":          "1.0",
				}
				for k, v := range want {
					if g := m.Header.Get(k); g != v {
						t.Errorf("%s: %s: %q, want %q", sub.Email, k, g, v)
					}
				}
				date, err := m.Header.Date()
				if err != nil || date.Before(start.Add(-2*time.Second)) || date.After(time.Now().Add(2*time.Second)) {
					t.Errorf("%s: Date %q (%v)", sub.Email, m.Header.Get("Date"), err)
				}
				text, html := parts(t, m)
				if !strings.Contains(text, unsub) || !strings.Contains(html, `href="`+unsub+`"`) {
					t.Errorf("%s: the visible unsubscribe link is not theirs", sub.Email)
				}
				if !strings.Contains(html, `href="`+base+`/2011/01/what-business/"`) || !strings.Contains(text, base+"/2011/01/what-business/") {
					t.Errorf("%s: the body's link is not absolute on %s:\n%s", sub.Email, base, html)
				}
				if !strings.Contains(text, "1 Main Street") {
					t.Errorf("%s: no postal address", sub.Email)
				}
			}
			// One delivery each, recorded sent with the Message-ID sent.
			c, err := f.st.DeliveryCounts(ctx, is.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.Recipients != 24 || c.Sent != 24 {
				t.Errorf("deliveries: %+v", c)
			}
			// The connections were reused: four at most, for 24 messages.
			if total, open := f.smtp.Sessions(); total > 4 || open > 4 {
				t.Errorf("%d SMTP sessions, %d at once; want at most 4", total, open)
			}
			p, err := f.e.Status(ctx, is.ID)
			if err != nil {
				t.Fatal(err)
			}
			if p.Batches != 4 || p.BatchesDone != 4 || !strings.HasPrefix(p.Summary(nil), "Sent to 24 of 24") {
				t.Errorf("status: %+v %q", p, p.Summary(nil))
			}
		})
	}
}

// parts returns the plain-text and HTML parts of m.
func parts(t *testing.T, m *netmail.Message) (text, html string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		t.Fatalf("Content-Type %q: %v", m.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return text, html
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p) // quoted-printable is decoded by NextPart
		if err != nil {
			t.Fatal(err)
		}
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	}
}

func storeUnsub() storeChange {
	return storeChange{Status: blog.SubscriberUnsubscribed, Event: blog.SubscriberEvent{Kind: blog.EventUnsubscribed}}
}
