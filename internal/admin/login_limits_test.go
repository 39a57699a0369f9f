package admin_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
)

// attempt is one login answered, for tests that send many at once.
type attempt struct {
	status     int
	retryAfter string
	body       string
	err        error
}

// loginsAtOnce sends one login per entry of addrs, all at once, each from
// its address with its own unknown email, and returns the answers.
func (e *env) loginsAtOnce(addrs []string, email func(i int) string) []attempt {
	out := make([]attempt, len(addrs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, addr := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			form := url.Values{"email": {email(i)}, "password": {"a guess at a password"}}
			req, err := http.NewRequest("POST", e.srv.URL+"/admin/login", strings.NewReader(form.Encode()))
			if err != nil {
				out[i].err = err
				return
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if addr != "" {
				req.Header.Set("X-Forwarded-For", addr)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				out[i].err = err
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			out[i] = attempt{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), body: string(b)}
		}()
	}
	close(start)
	wg.Wait()
	return out
}

func count(as []attempt, status int) int {
	n := 0
	for _, a := range as {
		if a.status == status {
			n++
		}
	}
	return n
}

// TestSimultaneousLoginsFromOneAddress is issue 7's scenario: 100 logins
// at once from one address with the per-address limit of 10 in 15
// minutes let exactly 10 reach the password check; the others get 429
// with Retry-After.
func TestSimultaneousLoginsFromOneAddress(t *testing.T) {
	e := newEnv(t)
	addrs := make([]string, 100)
	for i := range addrs {
		addrs[i] = "203.0.113.9"
	}
	as := e.loginsAtOnce(addrs, func(i int) string { return fmt.Sprintf("nobody%d@example.com", i) })
	for _, a := range as {
		if a.err != nil {
			t.Fatal(a.err)
		}
		if a.status == http.StatusTooManyRequests && a.retryAfter == "" {
			t.Fatal("429 without Retry-After")
		}
	}
	if n401, n429 := count(as, http.StatusUnauthorized), count(as, http.StatusTooManyRequests); n401 != 10 || n429 != 90 {
		t.Fatalf("%d answered 401 and %d 429 (others: %d); want 10 and 90", n401, n429, 100-n401-n429)
	}
	if s := e.passwords.Stats(); s.Done != 10 {
		t.Fatalf("%d password checks ran; want 10", s.Done)
	}
}

// TestLoginHashingIsBounded sends 40 logins at once from 40 addresses
// (unknown emails, issue 7's scenario): never more Argon2id computations
// run at once than the Hasher has slots, and every attempt is checked.
func TestLoginHashingIsBounded(t *testing.T) {
	e := newEnv(t)
	e.passwords = auth.NewHasher(2, time.Minute)
	e.start()
	addrs := make([]string, 40)
	for i := range addrs {
		addrs[i] = fmt.Sprintf("198.51.100.%d", i+1)
	}
	as := e.loginsAtOnce(addrs, func(i int) string { return fmt.Sprintf("stranger%d@example.com", i) })
	if n := count(as, http.StatusUnauthorized); n != 40 {
		t.Fatalf("%d of 40 answered 401: %+v", n, as[0])
	}
	s := e.passwords.Stats()
	if s.Peak > 2 || s.Done != 40 {
		t.Fatalf("hasher stats %+v: want at most 2 at once and 40 done", s)
	}
}

// TestLoginBusyThenLimited holds every hashing slot: a login waits, then
// gets 503 with Retry-After and its form back with the email typed; a
// client over its rate limit gets its 429 at once, never a 503.
func TestLoginBusyThenLimited(t *testing.T) {
	e := newEnv(t)
	e.passwords = auth.NewHasher(1, 10*time.Millisecond)
	e.start()
	release, err := e.passwords.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	c := e.client().from("192.0.2.44")
	for i := range 10 {
		email := fmt.Sprintf("person%d@example.com", i)
		r := c.post("/admin/login", url.Values{"email": {email}, "password": {"a guess"}})
		mustStatus(t, r, http.StatusServiceUnavailable)
		if r.header.Get("Retry-After") == "" {
			t.Fatal("503 without Retry-After")
		}
		mustContain(t, r, "busy checking other passwords", `value="`+email+`"`)
	}
	r := c.post("/admin/login", url.Values{"email": {"olive@example.com"}, "password": {"one more"}})
	mustStatus(t, r, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	if s := e.passwords.Stats(); s.Done != 0 || s.Running != 1 {
		t.Fatalf("hasher stats %+v: only the test's own slot should have run", s)
	}
}

// TestIPv6ClientsCountByTheirSlash64: a client rotating through the
// addresses of its /64 is one client to every per-address limit.
func TestIPv6ClientsCountByTheirSlash64(t *testing.T) {
	e := newEnv(t)
	for i := range 10 {
		c := e.client().from(fmt.Sprintf("2001:db8:5:6::%x", i+1))
		mustStatus(t, c.post("/admin/login", url.Values{"email": {fmt.Sprintf("n%d@example.com", i)}, "password": {"guess"}}),
			http.StatusUnauthorized)
	}
	r := e.client().from("2001:db8:5:6:ffff:1:2:3").post("/admin/login", url.Values{"email": {"x@example.com"}, "password": {"guess"}})
	mustStatus(t, r, http.StatusTooManyRequests)
	// The next /64 is someone else.
	r = e.client().from("2001:db8:5:7::1").post("/admin/login", url.Values{"email": {"x@example.com"}, "password": {"guess"}})
	mustStatus(t, r, http.StatusUnauthorized)

	// The lost-password form too.
	for i := range 5 {
		c := e.client().from(fmt.Sprintf("2001:db8:9:9::%x", i+1))
		mustStatus(t, c.post("/admin/lost-password", url.Values{"email": {fmt.Sprintf("n%d@example.com", i)}}), http.StatusOK)
	}
	r = e.client().from("2001:db8:9:9::abcd").post("/admin/lost-password", url.Values{"email": {"y@example.com"}})
	mustStatus(t, r, http.StatusTooManyRequests)
}

// TestAttackerCannotLockTheOwnerOut is issue 7's item 6: an attacker
// failing again and again at the owner's account, from one address and
// then from many, never keeps the owner out of a browser that has logged
// in before; from a new browser the owner gets in with the one-time link
// the lost-password page mails.
func TestAttackerCannotLockTheOwnerOut(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(blog.RoleOwner, "Olive Owner", "olive@example.com", "olive-password-1")
	login := url.Values{"email": {u.Email}, "password": {"olive-password-1"}}
	guess := url.Values{"email": {u.Email}, "password": {"not her password"}}

	// The owner has logged in from her laptop before.
	laptop := e.client().from("192.0.2.10")
	mustStatus(t, laptop.post("/admin/login", login), http.StatusSeeOther)
	mustStatus(t, laptop.post("/admin/logout", nil), http.StatusSeeOther)

	// An attacker at one address fails until refused.
	attacker := e.client().from("203.0.113.66")
	for range 5 {
		mustStatus(t, attacker.post("/admin/login", guess), http.StatusUnauthorized)
	}
	mustStatus(t, attacker.post("/admin/login", guess), http.StatusTooManyRequests)
	mustStatus(t, attacker.post("/admin/login", login), http.StatusTooManyRequests) // even the right password, from there

	// The owner gets in from elsewhere: her known laptop, and even a new
	// browser at a new address.
	mustStatus(t, laptop.post("/admin/login", login), http.StatusSeeOther)
	mustStatus(t, laptop.post("/admin/logout", nil), http.StatusSeeOther)
	mustStatus(t, e.client().from("192.0.2.99").post("/admin/login", login), http.StatusSeeOther)

	// Attackers at many addresses spend the account's budget of logins
	// from new browsers (20 an hour)...
	for i := range 4 {
		a := e.client().from(fmt.Sprintf("203.0.113.%d", 100+i))
		for range 5 {
			mustStatus(t, a.post("/admin/login", guess), http.StatusUnauthorized)
		}
	}
	r := e.client().from("192.0.2.150").post("/admin/login", login)
	mustStatus(t, r, http.StatusTooManyRequests)
	mustContain(t, r, "Log in from a browser you have used here before")
	// ... which holds back no browser that has logged in before.
	mustStatus(t, laptop.post("/admin/login", login), http.StatusSeeOther)
	mustStatus(t, laptop.get("/admin/"), http.StatusOK)

	// A new browser gets in with the link mailed by the lost-password
	// page, without changing the password.
	phone := e.client().from("192.0.2.151")
	mustStatus(t, phone.post("/admin/lost-password", url.Values{"email": {u.Email}}), http.StatusOK)
	link := resetLink(t, e)
	r = phone.get(link)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, `action="`+link+`/login"`)
	r = phone.post(link+"/login", nil)
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, phone.get("/admin/"), "Olive Owner (owner)", "logged in with the link from your email")
	mustStatus(t, phone.post(link+"/login", nil), http.StatusGone) // once only
	// That browser is known from now on.
	mustStatus(t, phone.post("/admin/logout", nil), http.StatusSeeOther)
	mustStatus(t, phone.post("/admin/login", login), http.StatusSeeOther)
}

// TestKnownDeviceCookieIsBoundToItsAccount: a known-device cookie forged,
// or made for another account, counts as a new browser.
func TestKnownDeviceCookieIsBoundToItsAccount(t *testing.T) {
	e := newEnv(t)
	e.addUser(blog.RoleOwner, "Olive Owner", "olive@example.com", "olive-password-1")
	e.addUser(blog.RoleAuthor, "Al Author", "al@example.com", "al-password-12")
	al := e.client().from("192.0.2.20")
	r := al.post("/admin/login", url.Values{"email": {"al@example.com"}, "password": {"al-password-12"}})
	mustStatus(t, r, http.StatusSeeOther)
	var dev *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "quire_device" {
			dev = c
		}
	}
	if dev == nil || !strings.HasPrefix(dev.Value, "2.") || dev.Path != "/admin/" || !dev.HttpOnly {
		t.Fatalf("known-device cookie %+v", dev)
	}
	// Al's browser, and many addresses, spend Olive's new-browser budget.
	for i := range 4 {
		a := e.client().from(fmt.Sprintf("203.0.113.%d", 10+i))
		for range 5 {
			a.post("/admin/login", url.Values{"email": {"olive@example.com"}, "password": {"guess"}})
		}
	}
	for _, forged := range []string{dev.Value, "1." + strings.SplitN(dev.Value, ".", 3)[1] + ".AAAA"} {
		c := e.client().from("192.0.2.21")
		u, _ := url.Parse(e.srv.URL + "/admin/")
		c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "quire_device", Value: forged, Path: "/admin/"}})
		r := c.post("/admin/login", url.Values{"email": {"olive@example.com"}, "password": {"olive-password-1"}})
		mustStatus(t, r, http.StatusTooManyRequests)
	}
}

// resetLink returns the path of the link in the last mail sent.
func resetLink(t *testing.T, e *env) string {
	t.Helper()
	msgs := e.app.SentMail()
	if len(msgs) == 0 {
		t.Fatal("no mail sent")
	}
	text := msgs[len(msgs)-1].Text
	i := strings.Index(text, "/admin/reset/")
	if i < 0 {
		t.Fatalf("no reset link in %q", text)
	}
	return strings.Fields(text[i:])[0]
}
