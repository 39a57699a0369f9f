package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store/storetest"
)

var (
	openImage = regexp.MustCompile(`<img src="https?://[^/"]+(/newsletter/open/[^"]+)" width="1" height="1" alt=""`)
	clickLink = regexp.MustCompile(`href="https?://[^/"]+(/newsletter/click/[^"]+)"`)
)

// trackingBody links to a page of the site, to another site (with a
// query), and to a mailbox, which is not tracked.
const trackingBody = "Ask one question.\n\n[The post](/2011/01/what-business/)\n\n" +
	"[Elsewhere](https://example.org/page?a=1&b=2)\n\n[Write to me](mailto:coach@example.com)"

// sendTracked writes an issue with trackingBody, sends it now through the
// real engine and returns it with the messages sent, by recipient.
func sendTracked(t *testing.T, e *env, c *client, subs int) (int64, map[string]mail.Message) {
	t.Helper()
	e.addSubscribers(subs, blog.SubscriberActive)
	r := c.post("/admin/newsletter/new", url.Values{"subject": {"Ask one question"}, "body": {trackingBody}, "action": {"save"}})
	m := issueIDPath.FindStringSubmatch(r.location)
	if m == nil {
		t.Fatalf("new issue: %d %s", r.status, r.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	mustStatus(t, c.post("/admin/newsletter/"+m[1]+"/send", nil), http.StatusSeeOther)
	got := map[string]mail.Message{}
	for _, msg := range e.app.WaitMail(subs) {
		if msg.Subject == "Ask one question" {
			got[msg.To] = msg
		}
	}
	if len(got) != subs {
		t.Fatalf("%d recipients, want %d", len(got), subs)
	}
	return id, got
}

func newTrackingEnv(t *testing.T, tracking string) (*env, *client) {
	t.Helper()
	e := &env{t: t, st: storetest.New(t), passwords: auth.NewHasher(0, time.Minute)}
	if err := e.st.SaveSettings(context.Background(), map[string]string{site.KeyTitle: "Sales Coach",
		site.KeyNewsletterTracking: tracking}); err != nil {
		t.Fatal(err)
	}
	e.start()
	c, _ := e.owner()
	return e, c
}

// TestTrackingOff: by default an issue carries no open image and its links
// are the author's own; the issue's page says nothing of opens.
func TestTrackingOff(t *testing.T) {
	e, c := newTrackingEnv(t, "0")
	id, msgs := sendTracked(t, e, c, 2)
	for to, m := range msgs {
		if strings.Contains(m.HTML, newsletter.OpenPath) || strings.Contains(m.HTML, newsletter.ClickPath) ||
			strings.Contains(m.Text, newsletter.ClickPath) {
			t.Errorf("%s: tracking while off:\n%s", to, m.HTML)
		}
		if !strings.Contains(m.HTML, `/2011/01/what-business/"`) || !strings.Contains(m.HTML, `href="https://example.org/page?a=1&amp;b=2"`) {
			t.Errorf("%s: links changed:\n%s", to, m.HTML)
		}
	}
	r := c.get("/admin/newsletter/" + strconv.FormatInt(id, 10))
	mustStatus(t, r, http.StatusOK)
	if strings.Contains(r.body, "Opens and clicks") {
		t.Error("the issue's page shows tracking while it is off")
	}
}

// TestTrackingOn: with the setting on each subscriber's HTML carries their
// own open image and click links (the plain text is untouched); an open
// or a click is recorded once per subscriber (and link), with no cookie;
// a click goes where the issue links, whatever the URL says, and a token
// not made here, or naming a link the issue does not have, is refused;
// the issue's page counts unique opens and clicks, and clicks per link.
func TestTrackingOn(t *testing.T) {
	e, c := newTrackingEnv(t, "1")
	ctx := context.Background()
	id, msgs := sendTracked(t, e, c, 3)
	set, _, err := e.site.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type tracked struct {
		open   string
		clicks []string
	}
	by := map[string]tracked{}
	for to, m := range msgs {
		o := openImage.FindStringSubmatch(m.HTML)
		cl := clickLink.FindAllStringSubmatch(m.HTML, -1)
		if o == nil || len(cl) != 2 {
			t.Fatalf("%s: open image %v, %d click links:\n%s", to, o, len(cl), m.HTML)
		}
		if !strings.Contains(m.HTML, `href="mailto:coach@example.com"`) || !strings.Contains(m.HTML, newsletter.UnsubscribePath) ||
			strings.Contains(m.HTML, "example.org/page") {
			t.Errorf("%s: a link that is not tracked changed, or a tracked one shows:\n%s", to, m.HTML)
		}
		if !strings.Contains(m.Text, set.BaseURL+"/2011/01/what-business/") || !strings.Contains(m.Text, "https://example.org/page?a=1&b=2") ||
			strings.Contains(m.Text, newsletter.ClickPath) || strings.Contains(m.Text, newsletter.OpenPath) {
			t.Errorf("%s: the plain text changed:\n%s", to, m.Text)
		}
		by[to] = tracked{open: o[1], clicks: []string{cl[0][1], cl[1][1]}}
	}
	var a, b tracked
	for to, tr := range by {
		if strings.HasPrefix(to, "reader0-") {
			a = tr
		} else if strings.HasPrefix(to, "reader1-") {
			b = tr
		}
	}
	if a.open == b.open || a.clicks[1] == b.clicks[1] {
		t.Fatal("two subscribers share tracking tokens")
	}

	reader := e.client()
	for range 2 {
		r := reader.get(a.open)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "image/gif" || r.header.Get("Set-Cookie") != "" ||
			!strings.Contains(r.header.Get("Cache-Control"), "no-store") {
			t.Fatalf("open image: %d %v", r.status, r.header)
		}
	}
	for range 2 {
		r := reader.get(a.clicks[1] + "?to=https://evil.example/")
		if r.status != http.StatusFound || r.location != "https://example.org/page?a=1&b=2" || r.header.Get("Set-Cookie") != "" {
			t.Fatalf("click: %d %q %v", r.status, r.location, r.header)
		}
	}
	if r := reader.get(b.clicks[0]); r.status != http.StatusFound || r.location != set.BaseURL+"/2011/01/what-business/" {
		t.Fatalf("click on the site's link: %d %q", r.status, r.location)
	}
	reader.get(b.clicks[1])
	tr, err := e.st.IssueTracking(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	// b's click counts as their open too.
	if tr.Opens != 2 || tr.Clickers != 2 || tr.LinkClicks[0] != 1 || tr.LinkClicks[1] != 2 {
		t.Errorf("recorded: %+v", tr)
	}

	// Refused, with nothing recorded: a tampered token, an open token used
	// as a click, and a genuine token naming a link the issue has not.
	tampered := a.clicks[0][:len(a.clicks[0])-3] + "AAA"
	var subC int64
	for to := range msgs {
		if strings.HasPrefix(to, "reader2-") {
			s, err := e.st.SubscriberByEmail(ctx, to)
			if err != nil {
				t.Fatal(err)
			}
			subC = s.ID
		}
	}
	beyond, err := notify.Signer{Site: e.site}.Seal(ctx, "newsletter-click", time.Time{}, strconv.FormatInt(id, 10),
		strconv.FormatInt(subC, 10), "2")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{tampered, newsletter.ClickPath + strings.TrimPrefix(a.open, newsletter.OpenPath),
		newsletter.ClickPath + beyond, newsletter.OpenPath + "nonsense"} {
		if r := reader.get(p); r.status != http.StatusNotFound || r.location != "" {
			t.Errorf("%s: %d %q", p, r.status, r.location)
		}
	}
	if tr2, _ := e.st.IssueTracking(ctx, id); tr2.Opens != tr.Opens || tr2.Clickers != tr.Clickers {
		t.Errorf("a refused request was recorded: %+v", tr2)
	}

	r := c.get("/admin/newsletter/" + strconv.FormatInt(id, 10))
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Opens and clicks", "Opened by 2 of 3 subscribers it was sent to; links followed by 2.",
		`https://example.org/page?a=1&amp;b=2</a></td><td>2</td>`, `/2011/01/what-business/</a></td><td>1</td>`)

	// Turned off, links still lead on, but nothing more is recorded.
	if err := e.st.SaveSettings(ctx, map[string]string{site.KeyNewsletterTracking: "0"}); err != nil {
		t.Fatal(err)
	}
	if r := reader.get(a.clicks[0]); r.status != http.StatusFound {
		t.Errorf("a click with tracking off: %d", r.status)
	}
	if tr2, _ := e.st.IssueTracking(ctx, id); tr2.LinkClicks[0] != 1 {
		t.Errorf("recorded with tracking off: %+v", tr2)
	}
	mustContain(t, c.get("/admin/newsletter/"+strconv.FormatInt(id, 10)), "Tracking is off now")
}
