package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

const firefoxUA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
const iphoneUA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"

// browser returns a logged-in client with a User-Agent.
func (e *env) browser(ua, email, pw string) *client {
	e.t.Helper()
	c := e.client()
	c.ua = ua
	mustStatus(e.t, c.post("/admin/login", url.Values{"email": {email}, "password": {pw}}), http.StatusSeeOther)
	return c
}

// sessionCookie returns the client's session token.
func (c *client) sessionCookie() string {
	u, _ := url.Parse(c.e.srv.URL + "/admin/")
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == "quire_session" {
			return ck.Value
		}
	}
	return ""
}

func loggedIn(t *testing.T, c *client) bool {
	t.Helper()
	r := c.get("/admin/")
	switch r.status {
	case http.StatusOK:
		return true
	case http.StatusSeeOther:
		if strings.HasPrefix(r.location, "/admin/login") {
			return false
		}
	}
	t.Fatalf("GET /admin/: %d to %q", r.status, r.location)
	return false
}

// TestPasswordChangeEndsOtherSessions is issue 7's item 8: a password
// change on the profile ends every other session of the user and voids
// their outstanding reset links; this browser stays logged in.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(blog.RoleOwner, "Olive Owner", "olive@example.com", "olive-password-1")
	e.addUser(blog.RoleAuthor, "Al Author", "al@example.com", "al-password-12")
	laptop := e.browser(firefoxUA, u.Email, "olive-password-1")
	phone := e.browser(iphoneUA, u.Email, "olive-password-1")
	al := e.browser(firefoxUA, "al@example.com", "al-password-12")
	mustStatus(t, e.client().post("/admin/lost-password", url.Values{"email": {u.Email}}), http.StatusOK)
	link := resetLink(t, e)

	// The profile lists both of Olive's sessions, never a token, and the
	// profile form keeps its action and fields.
	r := laptop.get("/admin/profile")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, `action="/admin/profile"`, `name="name"`, `name="email"`, `name="new_password"`, `name="new_password2"`,
		`name="current_password"`, `<form method="post" action="/admin/profile/sessions">`, "Log out everywhere else",
		"Firefox on Linux <strong>(this browser)</strong>", "Safari on iPhone")
	if strings.Count(r.body, "<tr><td>") != 2 {
		t.Errorf("want 2 sessions listed:\n%s", r.body)
	}
	for _, c := range []*client{laptop, phone} {
		if tok := c.sessionCookie(); tok == "" || strings.Contains(r.body, tok) {
			t.Fatalf("session token %q missing, or shown on the page", tok)
		}
	}

	r = laptop.post("/admin/profile", url.Values{"name": {"Olive Owner"}, "email": {u.Email},
		"current_password": {"olive-password-1"}, "new_password": {"a new password 9"}, "new_password2": {"a new password 9"}})
	mustStatus(t, r, http.StatusSeeOther)
	r = laptop.get("/admin/profile")
	mustContain(t, r, "Every other session of your account was ended.")
	if strings.Count(r.body, "<tr><td>") != 1 {
		t.Errorf("want 1 session listed:\n%s", r.body)
	}
	if !loggedIn(t, laptop) {
		t.Fatal("the browser that changed the password was logged out")
	}
	if loggedIn(t, phone) {
		t.Fatal("another session outlived the password change")
	}
	if !loggedIn(t, al) {
		t.Fatal("another user's session was ended")
	}
	mustStatus(t, e.client().get(link), http.StatusGone)
}

// TestResetEndsEverySession: a password reset ends every session of the
// account and voids the other reset links; the person resetting is logged
// in afresh.
func TestResetEndsEverySession(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(blog.RoleOwner, "Olive Owner", "olive@example.com", "olive-password-1")
	laptop := e.browser(firefoxUA, u.Email, "olive-password-1")
	c := e.client()
	mustStatus(t, c.post("/admin/lost-password", url.Values{"email": {u.Email}}), http.StatusOK)
	first := resetLink(t, e)
	mustStatus(t, c.post("/admin/lost-password", url.Values{"email": {u.Email}}), http.StatusOK)
	second := resetLink(t, e)
	if first == second {
		t.Fatal("one link twice")
	}
	mustStatus(t, c.post(second, url.Values{"password": {"a new password 9"}, "password2": {"a new password 9"}}), http.StatusSeeOther)
	if loggedIn(t, laptop) {
		t.Fatal("a session outlived the password reset")
	}
	if !loggedIn(t, c) {
		t.Fatal("the reset did not log in the person who made it")
	}
	mustStatus(t, e.client().get(first), http.StatusGone)
	mustStatus(t, e.client().post(first+"/login", nil), http.StatusGone)
}

// TestLogOutEverywhereElse ends the user's other sessions, even a copy of
// one saved again by a request that was in flight.
func TestLogOutEverywhereElse(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(blog.RoleEditor, "Ed Editor", "ed@example.com", "ed-password-12")
	laptop := e.browser(firefoxUA, u.Email, "ed-password-12")
	phone := e.browser(iphoneUA, u.Email, "ed-password-12")
	ctx := context.Background()
	ss := e.st.Sessions()
	data, ok, err := ss.FindCtx(ctx, phone.sessionCookie())
	if err != nil || !ok {
		t.Fatalf("phone session: %v %v", ok, err)
	}

	mustStatus(t, laptop.post("/admin/profile/sessions", nil), http.StatusSeeOther)
	mustContain(t, laptop.get("/admin/profile"), "You were logged out everywhere else.")
	if !loggedIn(t, laptop) {
		t.Fatal("this browser was logged out too")
	}
	// A request of the phone's in flight saves its session again after
	// the end: it still does not count.
	u2, _ := e.st.User(ctx, u.ID)
	if err := ss.CommitCtx(ctx, phone.sessionCookie(), data, u2.CreatedAt.AddDate(1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if loggedIn(t, phone) {
		t.Fatal("the other session outlived Log out everywhere else")
	}
	r := laptop.get("/admin/profile")
	if strings.Count(r.body, "<tr><td>") != 1 {
		t.Errorf("want 1 session listed:\n%s", r.body)
	}
	// This browser stays known: a stranger's failures do not hold it back.
	mustStatus(t, laptop.post("/admin/logout", nil), http.StatusSeeOther)
	mustStatus(t, laptop.post("/admin/login", url.Values{"email": {u.Email}, "password": {"ed-password-12"}}), http.StatusSeeOther)
}

// TestProfileCurrentPasswordTriesAreLimited: a stolen session cannot try
// passwords on the profile form without end.
func TestProfileCurrentPasswordTriesAreLimited(t *testing.T) {
	e := newEnv(t)
	c, u := e.owner()
	try := func(pw string) response {
		return c.post("/admin/profile", url.Values{"name": {u.Name}, "email": {"new@example.com"}, "current_password": {pw}})
	}
	for range 10 {
		r := try("wrong guess")
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, `value="new@example.com"`, `id="err-current_password"`)
	}
	r := try("olive-password-1")
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "You have tried your current password too often.")
	if r.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
}
