package newsletter_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// TestSignupBoxKeepsPagesPublic checks the box is on every page, with the
// fields the issue names, and the page stays the same for everyone:
// cacheable, no cookie.
func TestSignupBoxKeepsPagesPublic(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/", "/no-such-page/", "/newsletter/"} {
		r := f.do(http.MethodGet, f.srv.URL+path, nil, nil)
		for _, want := range []string{`class="widget newsletter-box"`, `action="/subscribe/"`, `name="email" type="email"`,
			`name="name" type="text"`, `name="signup_hp"`, "Yes! I want the weekly tip from Sales Coach", "No tracking of opens or clicks",
			`src="/static/signup.js?v=`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("%s lacks %s", path, want)
			}
		}
		if len(r.hdr.Values("Set-Cookie")) != 0 || strings.Contains(r.hdr.Get("Cache-Control"), "private") ||
			(r.code == http.StatusOK && !strings.Contains(r.hdr.Get("Cache-Control"), "public")) {
			t.Errorf("%s is personal: Set-Cookie %v, Cache-Control %q", path, r.hdr.Values("Set-Cookie"), r.hdr.Get("Cache-Control"))
		}
	}
	// The words are settings.
	if err := f.st.SaveSettings(context.Background(), map[string]string{site.KeyNewsletterHeading: `Yes! I want a "Weekly Sales Tip"`,
		site.KeyNewsletterButton: "Sign me up", site.KeyNewsletterTracking: "1"}); err != nil {
		t.Fatal(err)
	}
	r := f.do(http.MethodGet, f.srv.URL+"/", nil, nil)
	for _, want := range []string{"Yes! I want a &#34;Weekly Sales Tip&#34;", ">Sign me up</button>", "record when they are opened"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("home lacks %s after the settings changed", want)
		}
	}
}

func TestSignupDoubleOptIn(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	r := f.signup(" Ann@Example.org ", "Ann", nil)
	if r.code != http.StatusOK || !strings.Contains(r.body, "Check your inbox to confirm") || strings.Contains(r.body, "signup_token") {
		t.Fatalf("signup without JavaScript: %d\n%s", r.code, r.body)
	}
	if r.hdr.Get("Cache-Control") != "no-store" {
		t.Errorf("signup answer Cache-Control %q", r.hdr.Get("Cache-Control"))
	}
	sub := f.subscriber("ann@example.org")
	if sub.Status != blog.SubscriberPending || sub.Name != "Ann" || sub.Source != blog.SourceBox || !sub.ConsentAt.IsZero() {
		t.Errorf("after signup: %+v", sub)
	}
	msgs := f.mail()
	if len(msgs) != 1 || msgs[0].To != "ann@example.org" || !strings.Contains(msgs[0].Subject, "Confirm") {
		t.Fatalf("confirmation mail: %+v", msgs)
	}
	if _, ok := msgs[0].Headers["List-Unsubscribe"]; ok {
		t.Error("the confirmation mail carries list headers: it is not an issue")
	}
	link := oneLink(t, msgs[0].Text, "/newsletter/confirm/")
	if !strings.HasPrefix(link, base+"/newsletter/confirm/") || strings.Contains(link, "ann") {
		t.Errorf("confirmation link %q", link)
	}
	if oneLink(t, msgs[0].HTML, "/newsletter/confirm/") != link {
		t.Error("the HTML and text parts link differently")
	}

	// A scanner GETs the link: a page with a button, no signup box before
	// it, and nothing changes.
	for range 2 {
		g := f.do(http.MethodGet, f.local(link), nil, nil)
		if g.code != http.StatusOK || !strings.Contains(g.body, "Yes, send me the weekly tip") || g.hdr.Get("Cache-Control") != "no-store" {
			t.Fatalf("confirm page: %d\n%s", g.code, g.body)
		}
		if strings.Contains(g.body, "newsletter-box") || strings.Contains(g.body, `name="email"`) {
			t.Errorf("the confirm page has a signup box:\n%s", g.body)
		}
	}
	if got := f.subscriber("ann@example.org"); got.Status != blog.SubscriberPending {
		t.Fatalf("a GET confirmed: %+v", got)
	}

	// The button confirms; the welcome mail follows.
	f.clock.add(time.Hour)
	p := f.do(http.MethodPost, f.local(link), url.Values{}, f.browser())
	if p.code != http.StatusOK || !strings.Contains(p.body, "you are subscribed") {
		t.Fatalf("confirm POST: %d\n%s", p.code, p.body)
	}
	sub = f.subscriber("ann@example.org")
	if sub.Status != blog.SubscriberActive || !sub.ConsentAt.Equal(f.clock.Now().Truncate(time.Second)) ||
		!strings.Contains(sub.ConsentSource, "confirmed") {
		t.Errorf("after confirming: %+v", sub)
	}
	msgs = f.mail()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "Welcome") || !strings.Contains(msgs[0].Text, "Thank you for confirming") {
		t.Fatalf("welcome mail: %+v", msgs)
	}
	w := msgs[0]
	unsub := oneLink(t, w.Text, "/newsletter/unsubscribe/")
	if w.Headers["List-Unsubscribe"] != "<"+unsub+">" || w.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" ||
		w.Headers["List-Id"] != `"Sales Coach weekly tip" <newsletter.coach.example.com>` {
		t.Errorf("welcome headers = %v", w.Headers)
	}
	if !strings.Contains(w.Text, "1 Main Street") || !strings.Contains(w.HTML, "1 Main Street") {
		t.Error("the welcome mail lacks the postal address")
	}

	// Confirming again changes nothing and sends nothing.
	p = f.do(http.MethodPost, f.local(link), url.Values{}, f.browser())
	if p.code != http.StatusOK || !strings.Contains(p.body, "subscribed already") {
		t.Errorf("second confirm: %d\n%s", p.code, p.body)
	}
	if msgs := f.mail(); len(msgs) != 0 {
		t.Errorf("second confirm sent %+v", msgs)
	}
	if got := kinds(t, f.st, sub.ID); got != "signup confirm_sent confirmed welcome_sent" {
		t.Errorf("history: %s", got)
	}

	// Signing up again with a subscribed address: the same answer, nothing
	// sent (no enumeration).
	known := f.signup("ann@example.org", "", nil)
	unknown := f.signup("bob@example.org", "", nil)
	if known.code != unknown.code || known.body != unknown.body {
		t.Errorf("a known address is answered differently:\n%s\n---\n%s", known.body, unknown.body)
	}
	msgs = f.mail()
	if len(msgs) != 1 || msgs[0].To != "bob@example.org" {
		t.Errorf("mail after the two signups: %+v", msgs)
	}
	_ = ctx
}

func TestSignupJSONAndRefusals(t *testing.T) {
	f := newFixture(t)
	json := map[string]string{"Accept": "application/json"}

	// A bad address: every problem, the typed value kept.
	r := f.signup("not an address", strings.Repeat("n", 101), json)
	ans := decode(t, r)
	if r.code != http.StatusUnprocessableEntity || ans.OK || ans.Errors["email"] == "" || ans.Errors["name"] == "" {
		t.Errorf("bad fields (JSON): %d %+v", r.code, ans)
	}
	r = f.signup("not an address", "Ann", nil)
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.body, `value="not an address"`) ||
		!strings.Contains(r.body, `value="Ann"`) || !strings.Contains(r.body, `aria-invalid="true"`) {
		t.Errorf("bad address (page): %d\n%s", r.code, r.body)
	}

	// Accepted, in place.
	r = f.signup("ann@example.org", "", json)
	if ans := decode(t, r); r.code != http.StatusOK || !ans.OK || !strings.Contains(ans.Message, "Check your inbox") {
		t.Errorf("accepted (JSON): %d %+v", r.code, ans)
	}

	// The honeypot: answered as a success, nothing stored or sent.
	page := f.do(http.MethodGet, f.srv.URL+"/", nil, nil)
	tok := signupToken(t, page.body)
	f.clock.add(5 * time.Second)
	r = f.do(http.MethodPost, f.srv.URL+"/subscribe/", url.Values{"email": {"bot@example.org"}, "signup_token": {tok},
		"signup_hp": {"http://spam.example"}}, json)
	if ans := decode(t, r); !ans.OK {
		t.Errorf("honeypot answer: %+v", ans)
	}
	if _, err := f.st.SubscriberByEmail(context.Background(), "bot@example.org"); err == nil {
		t.Error("a honeypot signup was stored")
	}

	// Too fast, then a forged token: the form comes back with a fresh one.
	page = f.do(http.MethodPost, f.srv.URL+"/subscribe/", url.Values{"email": {"quick@example.org"},
		"signup_token": {signupToken(t, f.do(http.MethodGet, f.srv.URL+"/subscribe/", nil, nil).body)}}, json)
	for name, r := range map[string]response{"too fast": page,
		"forged": f.do(http.MethodPost, f.srv.URL+"/subscribe/", url.Values{"email": {"quick@example.org"}, "signup_token": {"1.0.x"}}, json)} {
		ans := decode(t, r)
		if r.code != http.StatusUnprocessableEntity || ans.OK || ans.Token == "" {
			t.Errorf("%s: %d %+v", name, r.code, ans)
		}
	}
	if _, err := f.st.SubscriberByEmail(context.Background(), "quick@example.org"); err == nil {
		t.Error("a refused signup was stored")
	}
	if msgs := f.mail(); len(msgs) != 1 || msgs[0].To != "ann@example.org" {
		t.Errorf("mail: %+v", msgs)
	}

	// The hourly limit per client.
	if err := f.st.SaveSettings(context.Background(), map[string]string{site.KeyNewsletterSignupsIP: "1"}); err != nil {
		t.Fatal(err)
	}
	ip := map[string]string{"Accept": "application/json", "X-Forwarded-For": "198.51.100.7"}
	if r := f.signup("c1@example.org", "", ip); r.code != http.StatusOK {
		t.Errorf("first from the address: %d %s", r.code, r.body)
	}
	r = f.signup("c2@example.org", "", ip)
	if ans := decode(t, r); r.code != http.StatusTooManyRequests || ans.OK {
		t.Errorf("second from the address: %d %+v", r.code, ans)
	}
}

func TestConfirmationMailsPerAddressLimited(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 5; i++ {
		ip := map[string]string{"X-Forwarded-For": "203.0.113." + string(rune('1'+i))}
		if r := f.signup("victim@example.org", "", ip); r.code != http.StatusOK {
			t.Fatalf("signup %d: %d", i, r.code)
		}
	}
	if msgs := f.mail(); len(msgs) != 3 {
		t.Errorf("%d confirmation mails to one address in a day, want 3 (the default)", len(msgs))
	}
}

type answer struct {
	OK      bool              `json:"ok"`
	Message string            `json:"message"`
	Errors  map[string]string `json:"errors"`
	Token   string            `json:"token"`
}

func decode(t *testing.T, r response) answer {
	t.Helper()
	var a answer
	if err := json.Unmarshal([]byte(r.body), &a); err != nil {
		t.Fatalf("not JSON (%d): %v\n%s", r.code, err, r.body)
	}
	return a
}
