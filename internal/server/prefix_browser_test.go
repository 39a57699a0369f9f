package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/browsertest"
)

// TestBrowserLoginAndCommentUnderPrefix drives Chromium through a site at
// /blog/ behind a reverse proxy: the admin sends it to the login page
// under the prefix, logging in returns to the page asked for, styled (the
// stylesheet's path carries the prefix, within the site's own-origin
// policy), and logging out works; then a reader comments, lands on the
// comment under /blog/ and sees it held for moderation, which only the
// cookie under /blog/ can show.
func TestBrowserLoginAndCommentUnderPrefix(t *testing.T) {
	ctx := browsertest.New(t)
	w := newPrefixSite(t, true)
	st := w.as.Store
	hash, err := auth.HashPassword("olive-password-1")
	if err != nil {
		t.Fatal(err)
	}
	owner := &blog.User{Name: "Olive Owner", Email: "olive@example.com", Role: blog.RoleOwner, PasswordHash: hash, Login: "olive"}
	if err := st.CreateUser(context.Background(), owner); err != nil {
		t.Fatal(err)
	}
	post := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: "Ask better questions", Slug: "ask-better-questions",
		Body: "Words.", BodyHTML: "<p>Words.</p>", PublishedAt: time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC), AuthorID: owner.ID}
	if _, err := st.SavePost(context.Background(), post); err != nil {
		t.Fatal(err)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	run := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("browser: %v", err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}

	run(chromedp.Navigate(w.base+"/admin/posts/"), chromedp.WaitVisible(css(`#f-email`)))
	if got := eval(`location.pathname + location.search`); got != "/blog/admin/login?next=%2Fadmin%2Fposts%2F" {
		t.Errorf("the admin sent the browser to %q", got)
	}
	run(chromedp.SendKeys(css(`#f-email`), "olive@example.com"),
		chromedp.SendKeys(css(`#f-password`), "olive-password-1"),
		chromedp.Click(css(`form button.primary`)),
		chromedp.WaitVisible(css(`table`)))
	if got := eval(`location.pathname`); got != "/blog/admin/posts/" {
		t.Errorf("after logging in the browser is at %q, want /blog/admin/posts/", got)
	}
	if got := eval(`String(document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 0)`); got != "true" {
		t.Errorf("the admin's stylesheet did not load under the prefix")
	}
	if got := eval(`document.cookie`); got != "" {
		t.Errorf("a cookie is readable by scripts: %q", got)
	}
	run(chromedp.Click(css(`form[action="/blog/admin/logout"] button`)), chromedp.WaitVisible(css(`#f-email`)))
	if got := eval(`location.pathname`); got != "/blog/admin/login" {
		t.Errorf("after logging out the browser is at %q", got)
	}

	path := w.base + "/2024/03/05/ask-better-questions/"
	run(chromedp.Navigate(path), chromedp.WaitVisible(css(`#respond`)))
	if got := eval(`String(document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 0)`); got != "true" {
		t.Errorf("the theme's stylesheet did not load under the prefix")
	}
	w.clk.add(time.Minute)
	run(chromedp.SendKeys(css(`#comment`), "Which questions, then?"),
		chromedp.SendKeys(css(`#author`), "Rita Reader"),
		chromedp.SendKeys(css(`#email`), "rita@example.org"),
		chromedp.Click(css(`#submit`)),
		chromedp.WaitVisible(css(`.comment-awaiting-moderation`)))
	if got := eval(`location.pathname`); got != "/blog/2024/03/05/ask-better-questions/" {
		t.Errorf("after commenting the browser is at %q", got)
	}
	if got := eval(`document.querySelector('#comments').innerText`); !strings.Contains(got, "Which questions, then?") ||
		!strings.Contains(strings.ToLower(got), "awaiting moderation") {
		t.Errorf("the reader does not see their held comment:\n%s", got)
	}
}
