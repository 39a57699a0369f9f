package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/admin"
	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
)

func TestSetupCreatesOwnerOnceAndLogsIn(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	link, err := admin.SetupLink(ctx, e.st, "http://blog.example/")
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, "http://blog.example")
	if !strings.HasPrefix(path, "/admin/setup/") || len(path) < len("/admin/setup/")+20 {
		t.Fatalf("setup link %q", link)
	}
	c := e.client()
	mustStatus(t, c.get(path), http.StatusOK)
	mustStatus(t, c.get("/admin/setup/not-the-token"), http.StatusNotFound)

	// Errors come back beside their fields with what was typed.
	r := c.post(path, url.Values{"name": {"Zig Ziglar"}, "email": {"zig@example"}, "password": {"short"}, "password2": {"other"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `value="Zig Ziglar"`, `id="err-email"`, `id="err-password"`, `id="err-password2"`, `aria-describedby="err-email"`)

	r = c.post(path, url.Values{"name": {"Zig Ziglar"}, "email": {"Zig@Example.com"}, "password": {"see you at the top"}, "password2": {"see you at the top"}})
	mustStatus(t, r, http.StatusSeeOther)
	if r.location != "/admin/" {
		t.Fatalf("after setup went to %q", r.location)
	}
	r = c.get("/admin/")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Zig Ziglar (owner)", "Welcome, Zig Ziglar")
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	u, err := e.st.UserByEmail(ctx, "zig@example.com")
	if err != nil || u.Role != blog.RoleOwner || !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Fatalf("owner %+v, %v", u, err)
	}

	// The link is spent, and no new link is issued once an owner exists.
	other := e.client()
	r = other.post(path, url.Values{"name": {"Mallory"}, "email": {"m@example.com"}, "password": {"0123456789ab"}, "password2": {"0123456789ab"}})
	if r.status == http.StatusSeeOther || r.status == http.StatusOK {
		t.Fatalf("setup link worked twice: %d", r.status)
	}
	if n, _ := e.st.CountUsers(ctx); n != 1 {
		t.Fatalf("%d users after a second setup", n)
	}
	if link, err := admin.SetupLink(ctx, e.st, "http://blog.example"); err != nil || link != "" {
		t.Fatalf("setup link after setup: %q, %v", link, err)
	}
}

func TestLoginLogoutAndNext(t *testing.T) {
	e := newEnv(t)
	e.addUser(blog.RoleOwner, "Olive Owner", "olive@example.com", "olive-password-1")
	c := e.client()

	r := c.get("/admin/posts/?status=draft")
	mustStatus(t, r, http.StatusSeeOther)
	if r.location != "/admin/login?next=%2Fadmin%2Fposts%2F%3Fstatus%3Ddraft" {
		t.Fatalf("redirected to %q", r.location)
	}
	r = c.post("/admin/login", url.Values{"email": {"olive@example.com"}, "password": {"wrong-password"}, "next": {"/admin/posts/"}})
	mustStatus(t, r, http.StatusUnauthorized)
	mustContain(t, r, "The email address or password is not right.", `value="olive@example.com"`)
	r = c.post("/admin/login", url.Values{"email": {"nobody@example.com"}, "password": {"wrong-password"}})
	mustStatus(t, r, http.StatusUnauthorized)
	mustContain(t, r, "The email address or password is not right.")

	r = c.post("/admin/login", url.Values{"email": {"OLIVE@example.com"}, "password": {"olive-password-1"}, "next": {"/admin/posts/?status=draft"}})
	mustStatus(t, r, http.StatusSeeOther)
	if r.location != "/admin/posts/?status=draft" {
		t.Fatalf("after login went to %q", r.location)
	}
	mustStatus(t, c.get("/admin/posts/"), http.StatusOK)

	mustStatus(t, c.post("/admin/logout", nil), http.StatusSeeOther)
	mustStatus(t, c.get("/admin/posts/"), http.StatusSeeOther)

	// next never leaves the admin.
	for _, bad := range []string{"//evil.example/", "https://evil.example/admin/", "/\\evil.example", "/posts/", "/admin/../x"} {
		c2 := e.client()
		r := c2.post("/admin/login", url.Values{"email": {"olive@example.com"}, "password": {"olive-password-1"}, "next": {bad}})
		if r.location != "/admin/" {
			t.Errorf("next %q led to %q", bad, r.location)
		}
	}
}

func TestLoginRateLimits(t *testing.T) {
	e := newEnv(t)
	e.addUser(blog.RoleOwner, "Olive Owner", "olive@example.com", "olive-password-1")
	c := e.client()
	for i := 0; i < 5; i++ {
		mustStatus(t, c.post("/admin/login", url.Values{"email": {"olive@example.com"}, "password": {"guess"}}), http.StatusUnauthorized)
	}
	// The account is locked for a while, even with the right password.
	r := c.post("/admin/login", url.Values{"email": {"olive@example.com"}, "password": {"olive-password-1"}})
	mustStatus(t, r, http.StatusTooManyRequests)
	mustContain(t, r, "Too many attempts, try again in 15 minutes.")
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Other accounts from the same address may still try, up to the IP limit.
	for i := 0; i < 4; i++ {
		mustStatus(t, c.post("/admin/login", url.Values{"email": {"x" + string(rune('a'+i)) + "@example.com"}, "password": {"guess"}}), http.StatusUnauthorized)
	}
	r = c.post("/admin/login", url.Values{"email": {"other@example.com"}, "password": {"guess"}})
	mustStatus(t, r, http.StatusTooManyRequests)
	mustContain(t, r, "Too many attempts")
}

func TestLostPasswordSendsSingleUseLink(t *testing.T) {
	e := newEnv(t)
	e.addUser(blog.RoleEditor, "Ed Editor", "ed@example.com", "ed-password-12")
	c := e.client()
	mustStatus(t, c.get("/admin/lost-password"), http.StatusOK)

	unknown := c.post("/admin/lost-password", url.Values{"email": {"stranger@example.com"}})
	mustStatus(t, unknown, http.StatusOK)
	if n := len(e.app.SentMail()); n != 0 {
		t.Fatalf("%d emails sent for an unknown address", n)
	}
	known := c.post("/admin/lost-password", url.Values{"email": {"ed@example.com"}})
	mustStatus(t, known, http.StatusOK)
	if strings.ReplaceAll(unknown.body, "stranger@example.com", "X") != strings.ReplaceAll(known.body, "ed@example.com", "X") {
		t.Error("the answer tells a known address from an unknown one")
	}
	msgs := e.app.SentMail()
	if len(msgs) != 1 || msgs[0].To != "ed@example.com" {
		t.Fatalf("sent %+v", msgs)
	}
	m := regexp.MustCompile(`https?://[^/\s]+(/admin/reset/[A-Za-z0-9_-]+)`).FindStringSubmatch(msgs[0].Text)
	if m == nil {
		t.Fatalf("no reset link in %q", msgs[0].Text)
	}
	link := m[1]
	mustStatus(t, c.get(link), http.StatusOK)
	r := c.post(link, url.Values{"password": {"new-password-99"}, "password2": {"new-password-98"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-password2"`)
	r = c.post(link, url.Values{"password": {"new-password-99"}, "password2": {"new-password-99"}})
	mustStatus(t, r, http.StatusSeeOther)

	e.loginAs("ed@example.com", "new-password-99")
	mustStatus(t, c.get(link), http.StatusGone)
	mustStatus(t, c.post(link, url.Values{"password": {"third-password-1"}, "password2": {"third-password-1"}}), http.StatusGone)
	mustStatus(t, e.client().post("/admin/login", url.Values{"email": {"ed@example.com"}, "password": {"ed-password-12"}}), http.StatusUnauthorized)
}

// TestStaleResetMailNotSent: a reset mail still waiting in the queue when
// the password changes sends nothing when it runs (no fresh link for a
// request the owner has moved past).
func TestStaleResetMailNotSent(t *testing.T) {
	e := newEnv(t)
	u := e.addUser(blog.RoleEditor, "Ed Editor", "ed@example.com", "ed-password-12")
	mustStatus(t, e.client().post("/admin/lost-password", url.Values{"email": {"ed@example.com"}}), http.StatusOK)
	if got := e.mailJobs(); len(got) != 1 || got[0] != admin.MailPasswordReset {
		t.Fatalf("mail jobs %v", got)
	}
	hash, err := auth.HashPassword("changed-password-3")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.ChangePassword(context.Background(), u.ID, hash, ""); err != nil {
		t.Fatal(err)
	}
	if sent := e.app.SentMail(); len(sent) != 0 {
		t.Fatalf("a reset link was sent after the password changed: %+v", sent)
	}
}

func TestLostPasswordRateLimited(t *testing.T) {
	e := newEnv(t)
	e.addUser(blog.RoleEditor, "Ed Editor", "ed@example.com", "ed-password-12")
	c := e.client()
	for i := 0; i < 3; i++ {
		mustStatus(t, c.post("/admin/lost-password", url.Values{"email": {"ed@example.com"}}), http.StatusOK)
	}
	r := c.post("/admin/lost-password", url.Values{"email": {"ed@example.com"}})
	mustStatus(t, r, http.StatusTooManyRequests)
	mustContain(t, r, "Too many attempts, try again in")
	if n := len(e.app.SentMail()); n != 3 {
		t.Fatalf("%d emails, want 3", n)
	}
}

func TestWordPressAddressesRedirect(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, p := range []string{"/wp-admin/", "/wp-admin/post.php?post=3", "/wp-login.php", "/wp-admin", "/admin"} {
		r := c.get(p)
		if r.status != http.StatusMovedPermanently || r.location != "/admin/" {
			t.Errorf("%s: %d to %q", p, r.status, r.location)
		}
	}
	mustStatus(t, c.get("/admin/no-such-page"), http.StatusNotFound)
}
