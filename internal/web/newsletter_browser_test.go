package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/browsertest"
)

// TestBrowserSignupBoxWithJavaScript signs up from the box on a post: the
// box answers in place (the page stays where it is), the address waits to
// confirm, and a second try with a bad address is answered beside its
// field.
func TestBrowserSignupBoxWithJavaScript(t *testing.T) {
	ctx := browsertest.New(t)
	ls := newLiveSite(t)
	ls.env.post("Ask Better Questions", time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC), nil)
	path := "/2024/03/05/ask-better-questions/"
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	browse(t, ctx,
		chromedp.Navigate(ls.base+path),
		chromedp.WaitVisible(css(`#signup-box-email`)))
	ls.clock.forward(time.Minute)
	browse(t, ctx,
		chromedp.SendKeys(css(`#signup-box-email`), "bea@example.org"),
		chromedp.SendKeys(css(`#signup-box-name`), "Bea"),
		chromedp.Click(css(`.newsletter-box button[type=submit]`)))
	waitJS(t, ctx, `!document.querySelector(".newsletter-box button[type=submit]").disabled`)
	status := textOf(t, ctx, `.newsletter-box .newsletter-status`)
	if !strings.Contains(status, "Check your inbox to confirm") {
		t.Errorf("the box says %q", status)
	}
	if p := evalJS[string](t, ctx, `location.pathname`); p != path {
		t.Errorf("the page moved to %s: the box did not answer in place", p)
	}
	if v := evalJS[string](t, ctx, `document.getElementById("signup-box-email").value`); v != "" {
		t.Errorf("the address is still in the box: %q", v)
	}
	sub, err := ls.env.st.SubscriberByEmail(context.Background(), "bea@example.org")
	if err != nil || sub.Status != blog.SubscriberPending || sub.Name != "Bea" || sub.Source != blog.SourceBox {
		t.Fatalf("subscriber: %+v, %v", sub, err)
	}
	// A bad address: the problem beside the field, focus on it.
	ls.clock.forward(time.Minute)
	browse(t, ctx,
		chromedp.SendKeys(css(`#signup-box-email`), "not-an-address"),
		chromedp.Click(css(`.newsletter-box button[type=submit]`)))
	waitJS(t, ctx, `document.getElementById("signup-box-email-error") !== null`)
	if msg := textOf(t, ctx, `#signup-box-email-error`); !strings.Contains(msg, "valid email address") {
		t.Errorf("error %q", msg)
	}
	if inv := evalJS[string](t, ctx, `document.getElementById("signup-box-email").getAttribute("aria-invalid")`); inv != "true" {
		t.Errorf("aria-invalid %q", inv)
	}
}

// TestBrowserSignupBoxWithoutJavaScript signs up from the box with no
// script running: the form posts to /subscribe/ and the answer is a page.
func TestBrowserSignupBoxWithoutJavaScript(t *testing.T) {
	ctx := browsertest.New(t)
	ls := newLiveSite(t)
	ls.env.post("Ask Better Questions", time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC), nil)
	noScript := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	browse(t, ctx, noScript,
		chromedp.Navigate(ls.base+"/2024/03/05/ask-better-questions/"),
		chromedp.WaitVisible(css(`#signup-box-email`)))
	ls.clock.forward(time.Minute)
	browse(t, ctx,
		chromedp.SendKeys(css(`#signup-box-email`), "cal@example.org"),
		chromedp.Click(css(`.newsletter-box button[type=submit]`)),
		chromedp.WaitVisible(css(`main`)))
	waitJS(t, ctx, `location.pathname === "/subscribe/" && document.readyState === "complete"`)
	browse(t, ctx, chromedp.WaitVisible(css(`main`)))
	if body := textOf(t, ctx, `main`); !strings.Contains(body, "Check your inbox to confirm") {
		t.Errorf("the answer page says:\n%s", body)
	}
	if sub, err := ls.env.st.SubscriberByEmail(context.Background(), "cal@example.org"); err != nil || sub.Status != blog.SubscriberPending {
		t.Errorf("subscriber: %+v, %v", sub, err)
	}
}

// waitJS waits (up to 10 seconds) until the expression js is true in the
// page.
func waitJS(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !evalJS[bool](t, ctx, js) {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s (at %s)", js, evalJS[string](t, ctx, `location.href`))
		}
		time.Sleep(20 * time.Millisecond)
	}
}
