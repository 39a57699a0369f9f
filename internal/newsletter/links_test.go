package newsletter_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// confirmLink signs up email and returns the link of its confirmation
// mail.
func (f *fixture) confirmLink(email string) string {
	f.t.Helper()
	if r := f.signup(email, "", nil); r.code != http.StatusOK {
		f.t.Fatalf("signup: %d", r.code)
	}
	msgs := f.mail()
	if len(msgs) != 1 {
		f.t.Fatalf("confirmation mail: %+v", msgs)
	}
	return f.local(oneLink(f.t, msgs[0].Text, "/newsletter/confirm/"))
}

func TestConfirmLinksForgedAndExpired(t *testing.T) {
	f := newFixture(t)
	link := f.confirmLink("ann@example.org")
	tok := link[strings.LastIndex(link, "/")+1:]
	enc, sig, _ := strings.Cut(tok, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(enc)
	// Another subscriber's number with this signature; a changed
	// signature; the token cut short; an unsubscribe token used to
	// confirm.
	other := strings.Replace(string(payload), "1.", "2.", 1)
	f.active("bob@example.org")
	unsub, err := f.n.UnsubscribeURL(context.Background(), mustSettings(t, f), f.subscriber("ann@example.org").ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"forged payload":   base64.RawURLEncoding.EncodeToString([]byte(other)) + "." + sig,
		"forged signature": enc + "." + strings.Repeat("A", len(sig)),
		"cut short":        tok[:len(tok)-5],
		"other purpose":    unsub[strings.LastIndex(unsub, "/")+1:],
	} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			r := f.do(method, f.srv.URL+"/newsletter/confirm/"+bad, url.Values{}, f.browser())
			if r.code != http.StatusNotFound || !strings.Contains(r.body, "This link does not work") || !strings.Contains(r.body, "Nothing was changed") {
				t.Errorf("%s %s: %d\n%s", name, method, r.code, r.body)
			}
		}
	}
	if got := f.subscriber("ann@example.org"); got.Status != blog.SubscriberPending {
		t.Errorf("a forged link changed the subscriber: %+v", got)
	}

	// Eight days later the link has expired: a clear page, no change, and a
	// button for a new mail.
	f.clock.add(8 * 24 * time.Hour)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		r := f.do(method, link, url.Values{}, f.browser())
		if r.code != http.StatusGone || !strings.Contains(r.body, "This link has expired") || !strings.Contains(r.body, "Send me a new link") {
			t.Errorf("expired %s: %d\n%s", method, r.code, r.body)
		}
	}
	if got := f.subscriber("ann@example.org"); got.Status != blog.SubscriberPending {
		t.Fatalf("an expired link confirmed: %+v", got)
	}
	r := f.do(http.MethodPost, link, url.Values{"renew": {"1"}}, f.browser())
	if r.code != http.StatusOK || !strings.Contains(r.body, "We sent you a new confirmation link") {
		t.Fatalf("renew: %d\n%s", r.code, r.body)
	}
	msgs := f.mail()
	if len(msgs) != 1 {
		t.Fatalf("renewed mail: %+v", msgs)
	}
	fresh := f.local(oneLink(t, msgs[0].Text, "/newsletter/confirm/"))
	if fresh == link {
		t.Error("the new link is the expired one")
	}
	if r := f.do(http.MethodPost, fresh, url.Values{}, f.browser()); r.code != http.StatusOK {
		t.Fatalf("confirming with the new link: %d\n%s", r.code, r.body)
	}
	if got := f.subscriber("ann@example.org"); got.Status != blog.SubscriberActive {
		t.Errorf("after the new link: %+v", got)
	}
}

// TestOldConfirmLinkAfterUnsubscribing checks a confirmation link mailed
// before the subscriber left cannot put them back.
func TestOldConfirmLinkAfterUnsubscribing(t *testing.T) {
	f := newFixture(t)
	link := f.confirmLink("ann@example.org")
	if r := f.do(http.MethodPost, link, url.Values{}, f.browser()); r.code != http.StatusOK {
		t.Fatal(r.code)
	}
	f.mail()
	f.clock.add(time.Minute)
	if _, err := f.n.SetStatus(context.Background(), f.subscriber("ann@example.org").ID, blog.SubscriberUnsubscribed); err != nil {
		t.Fatal(err)
	}
	f.clock.add(time.Minute)
	if r := f.do(http.MethodPost, link, url.Values{}, f.browser()); r.code != http.StatusGone {
		t.Errorf("old link after leaving: %d\n%s", r.code, r.body)
	}
	if got := f.subscriber("ann@example.org"); got.Status != blog.SubscriberUnsubscribed {
		t.Errorf("an old link resubscribed: %+v", got)
	}
}

func mustSettings(t *testing.T, f *fixture) *site.Settings {
	t.Helper()
	set, _, err := f.as.Site.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestOneClickUnsubscribe(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sub := f.active("ann@example.org")
	is, err := f.n.SaveIssue(ctx, 0, newIssue("Tip 1"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.n.IssueMessage(ctx, mustSettings(t, f), is, sub)
	if err != nil {
		t.Fatal(err)
	}
	unsub := oneLink(t, m.Text, "/newsletter/unsubscribe/")
	if m.Headers["List-Unsubscribe"] != "<"+unsub+">" || !strings.HasPrefix(unsub, "https://coach.example.com/newsletter/unsubscribe/") {
		t.Fatalf("List-Unsubscribe %q, visible link %q", m.Headers["List-Unsubscribe"], unsub)
	}
	if strings.Contains(unsub, "ann") {
		t.Errorf("the link shows the address: %s", unsub)
	}

	// A scanner's GET: a page with a button, saying what it stops; no
	// change.
	g := f.do(http.MethodGet, f.local(unsub), nil, nil)
	if g.code != http.StatusOK || !strings.Contains(g.body, ">Unsubscribe</button>") || !strings.Contains(g.body, "comments you follow are a separate list") {
		t.Fatalf("unsubscribe page: %d\n%s", g.code, g.body)
	}
	if got := f.subscriber("ann@example.org"); got.Status != blog.SubscriberActive {
		t.Fatalf("a GET unsubscribed: %+v", got)
	}

	// RFC 8058: a POST from the mail provider, no cookie, no Origin, the
	// one-click body. 200, and again 200 with nothing more changed.
	for i := 0; i < 2; i++ {
		req, _ := http.NewRequest(http.MethodPost, f.local(unsub), strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("one-click POST %d: %d", i, resp.StatusCode)
		}
	}
	got := f.subscriber("ann@example.org")
	if got.Status != blog.SubscriberUnsubscribed {
		t.Fatalf("after one-click: %+v", got)
	}
	if h := kinds(t, f.st, sub.ID); h != "added unsubscribed" {
		t.Errorf("history: %s", h)
	}
	c, err := f.st.DeliveryCounts(ctx, is.ID)
	if err != nil || c.Unsubscribed != 1 {
		t.Errorf("the issue's unsubscribes: %+v, %v", c, err)
	}

	// The page now offers signing up again, which needs no new
	// confirmation: the link was mailed to them.
	g = f.do(http.MethodGet, f.local(unsub), nil, nil)
	if !strings.Contains(g.body, "Sign up again") || !strings.Contains(g.body, `action="/newsletter/resubscribe/`) {
		t.Fatalf("unsubscribe page after leaving:\n%s", g.body)
	}
	resub := strings.Replace(f.local(unsub), "/unsubscribe/", "/resubscribe/", 1)
	if r := f.do(http.MethodGet, resub, nil, nil); r.code != http.StatusOK || f.subscriber("ann@example.org").Status != blog.SubscriberUnsubscribed {
		t.Errorf("GET resubscribe changed something: %d", r.code)
	}
	r := f.do(http.MethodPost, resub, url.Values{}, f.browser())
	if r.code != http.StatusOK || !strings.Contains(r.body, "Welcome back") {
		t.Fatalf("resubscribe: %d\n%s", r.code, r.body)
	}
	if got := f.subscriber("ann@example.org"); got.Status != blog.SubscriberActive || got.ConsentSource != "signed up again on the unsubscribe page" {
		t.Errorf("after signing up again: %+v", got)
	}

	// Forged: 404, nothing changed.
	bad := f.local(unsub)
	bad = bad[:len(bad)-3] + "AAA"
	if r := f.do(http.MethodPost, bad, url.Values{"List-Unsubscribe": {"One-Click"}}, nil); r.code != http.StatusNotFound {
		t.Errorf("forged one-click: %d", r.code)
	}
	if got := f.subscriber("ann@example.org"); got.Status != blog.SubscriberActive {
		t.Errorf("a forged link unsubscribed: %+v", got)
	}
}

func TestListHeadersFollowTheBaseURL(t *testing.T) {
	f := newFixtureAt(t, "http://127.0.0.1:8080")
	ctx := context.Background()
	if err := f.st.SaveSettings(ctx, map[string]string{site.KeyNewsletterUnsubMail: "leave@example.com",
		site.KeyNewsletterReplyTo: "coach@example.com"}); err != nil {
		t.Fatal(err)
	}
	sub := f.active("ann@example.org")
	is, err := f.n.SaveIssue(ctx, 0, newIssue("Tip"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.n.IssueMessage(ctx, mustSettings(t, f), is, sub)
	if err != nil {
		t.Fatal(err)
	}
	lu := m.Headers["List-Unsubscribe"]
	if !strings.HasPrefix(lu, "<http://127.0.0.1:8080/newsletter/unsubscribe/") || !strings.Contains(lu, ">, <mailto:leave@example.com?subject=unsubscribe%20") {
		t.Errorf("List-Unsubscribe = %q", lu)
	}
	if m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" || m.Headers["Reply-To"] != "coach@example.com" ||
		m.Headers["List-Id"] != `"Sales Coach weekly tip" <newsletter.127.0.0.1>` {
		t.Errorf("headers = %v", m.Headers)
	}
	if err := m.Validate(); err != nil {
		t.Error(err)
	}
}
