package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/admin"
	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/comments"
	"github.com/quirehq/quire/internal/server"
	"github.com/quirehq/quire/internal/session"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store/storetest"
	"github.com/quirehq/quire/internal/theme"
	"github.com/quirehq/quire/internal/web"
)

// clock is a settable time for the comment form's time token.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestEveryCookieFollowsTheBaseURL sets every cookie the site sets (admin
// session and known device, commenter, held comment, post password) with
// an http base URL, then with an https one saved in Settings while the
// same handler keeps serving: Secure follows the base URL in effect, and
// every cookie is HttpOnly and SameSite=Lax.
func TestEveryCookieFollowsTheBaseURL(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	th, err := theme.Load("")
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Now()}
	s := site.New(st, site.Overrides{DefaultBaseURL: "http://127.0.0.1:8080"})
	sm := session.New(st)
	res, _ := clientip.NewResolver("")
	logger := slog.New(slog.DiscardHandler)
	svc := &comments.Service{Store: st, Site: s, Now: clk.now}
	h := server.Handler(server.Options{
		Store:    st,
		Web:      web.Deps{Store: st, Site: s, Theme: th, Logger: logger, Now: clk.now, Comments: svc, Sessions: sm},
		Admin:    admin.Deps{Store: st, Site: s, Sessions: sm, Logger: logger, Passwords: auth.NewHasher(0, time.Minute)},
		Sessions: sm,
		ClientIP: res,
		Logger:   logger,
	})
	hash, err := auth.HashPassword("olive-password-1")
	if err != nil {
		t.Fatal(err)
	}
	owner := &blog.User{Name: "Olive Owner", Email: "olive@example.com", Role: blog.RoleOwner, PasswordHash: hash}
	if err := st.CreateUser(ctx, owner); err != nil {
		t.Fatal(err)
	}
	open := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: "Open", Body: "Words.",
		BodyHTML: "<p>Words.</p>", PublishedAt: clk.now().Add(-time.Hour), AuthorID: owner.ID}
	locked := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: "Locked", Body: "Secret.",
		BodyHTML: "<p>Secret.</p>", PublishedAt: clk.now().Add(-time.Hour), AuthorID: owner.ID, Password: "sesame"}
	for _, p := range []*blog.Post{open, locked} {
		if _, err := st.SavePost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// Every comment is held, so the held-comment cookie is set.
	if err := st.SaveSettings(ctx, map[string]string{site.KeyCommentModeration: "1"}); err != nil {
		t.Fatal(err)
	}

	post := func(path string, form url.Values, cookies ...*http.Cookie) *http.Response {
		t.Helper()
		req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = "192.0.2.7:1234"
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("POST %s: %d\n%s", path, rec.Code, rec.Body.String())
		}
		return rec.Result()
	}
	// setCookies makes the site set each of its cookies once and returns
	// them by name, asking under the base URL's path prefix (as a reverse
	// proxy passes it on).
	prefix, round := "", 0
	setCookies := func() map[string]*http.Cookie {
		t.Helper()
		round++
		got := map[string]*http.Cookie{}
		keep := func(resp *http.Response) {
			for _, c := range resp.Cookies() {
				got[c.Name] = c
			}
		}
		resp := post(prefix+"/admin/login", url.Values{"email": {owner.Email}, "password": {"olive-password-1"}})
		keep(resp)
		tok, err := svc.NewToken(ctx, open.ID)
		if err != nil {
			t.Fatal(err)
		}
		clk.add(time.Minute)
		keep(post(prefix+"/wp-comments-post.php", url.Values{"comment_post_ID": {strconv.FormatInt(open.ID, 10)},
			"comment_token": {tok}, "author": {"Rita Reader"}, "email": {"rita@example.org"},
			"comment": {"A thought, round " + strconv.Itoa(round) + "."}, "wp-comment-cookies-consent": {"yes"}}))
		keep(post(prefix+"/post-password/", url.Values{"post_id": {strconv.FormatInt(locked.ID, 10)}, "password": {"sesame"}}))
		var sessionCk *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == session.CookieName {
				sessionCk = c
			}
		}
		logout := post(prefix+"/admin/logout", nil, sessionCk)
		for _, c := range logout.Cookies() {
			got["logout:"+c.Name] = c
		}
		return got
	}
	want := []string{session.CookieName, "quire_device", "quire_commenter", "quire_held",
		"quire_post_" + strconv.FormatInt(locked.ID, 10), "logout:" + session.CookieName}

	for _, base := range []string{"http://blog.example", "https://blog.example", "https://example.com/blog"} {
		// Saved in Settings: the running handler follows it from the next
		// request, without a restart.
		if err := st.SaveSettings(ctx, map[string]string{site.KeyBaseURL: base}); err != nil {
			t.Fatal(err)
		}
		secure := strings.HasPrefix(base, "https://")
		u, _ := url.Parse(base)
		prefix = u.Path // the site's path prefix: cookies stay under it
		got := setCookies()
		for _, name := range want {
			c := got[name]
			if c == nil {
				t.Errorf("%s: cookie %s not set (got %v)", base, name, got)
				continue
			}
			path := prefix + "/"
			if name == "quire_device" {
				path = prefix + "/admin/"
			}
			if c.Secure != secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != path {
				t.Errorf("%s: cookie %s: Secure=%v HttpOnly=%v SameSite=%v Path=%q; want Secure=%v, HttpOnly, Lax, Path %q",
					base, name, c.Secure, c.HttpOnly, c.SameSite, c.Path, secure, path)
			}
		}
		if c := got["logout:"+session.CookieName]; c != nil && c.MaxAge >= 0 {
			t.Errorf("%s: logout leaves the session cookie: %+v", base, c)
		}
	}
}
