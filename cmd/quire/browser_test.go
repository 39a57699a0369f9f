package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quirehq/quire/internal/browsertest"

	"github.com/quirehq/quire/internal/demo"
)

// TestBrowserOwnerWritesPostWithImage is the newcomer's first hour in a
// real browser: create the owner's account from the setup link, upload an
// image, write and publish a post with it, and find it on the home page and
// in the feed.
func TestBrowserOwnerWritesPostWithImage(t *testing.T) {
	ctx := browsertest.New(t)
	env := map[string]string{"QUIRE_DATA": t.TempDir()}
	base, out, stop := serveUntil(t, env)
	defer stop()
	link := regexp.MustCompile(`http://\S+/admin/setup/\S+`).FindString(out.String())
	if link == "" {
		t.Fatalf("no setup link in:\n%s", out)
	}
	link = base + link[strings.Index(link, "/admin/setup/"):]

	img := filepath.Join(t.TempDir(), "sketch.png")
	if err := os.WriteFile(img, demo.Picture(1200, 700), 0o644); err != nil {
		t.Fatal(err)
	}

	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(css(sel)))
		if err != nil {
			t.Fatalf("read %s: %v\nserver output:\n%s", sel, err, out)
		}
		return v
	}
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("browser: %v\nserver output:\n%s", err, out)
		}
	}

	do(chromedp.Navigate(link),
		chromedp.SendKeys(css(`#f-name`), "Sam Coach"),
		chromedp.SendKeys(css(`#f-email`), "sam@example.com"),
		chromedp.SendKeys(css(`#f-password`), "a long enough password"),
		chromedp.SendKeys(css(`#f-password2`), "a long enough password"),
		chromedp.Click(css(`form button[type=submit]`)),
		chromedp.WaitVisible(css(`#at-a-glance`)))
	if dashboard := text(`body`); !strings.Contains(dashboard, "Sam Coach") {
		t.Errorf("after setup the dashboard does not greet the owner:\n%s", dashboard)
	}

	do(chromedp.Navigate(base+"/admin/media/"),
		chromedp.SetUploadFiles(css(`#f-file`), []string{img}),
		chromedp.SendKeys(css(`#f-alt`), "Two overlapping circles"),
		chromedp.Click(css(`form.upload button[type=submit]`)),
		chromedp.WaitVisible(css(`input[name=alt][value="Two overlapping circles"]`)))

	do(chromedp.Navigate(base+"/admin/posts/new"),
		chromedp.SendKeys(css(`#f-title`), "Ask Better Questions"),
		chromedp.SendKeys(css(`#f-body`), "The best sales calls start with a *question*.\n\nTry one today."),
		chromedp.Click(css(`input[name=featured]:not([value="0"])`)),
		chromedp.Click(css(`button[name=action][value=publish]`)),
		chromedp.WaitVisible(css(`form[action^="/admin/posts/"][action$="/trash"]`)))

	do(chromedp.Navigate(base + "/"))
	if home := text(`main`); !strings.Contains(home, "Ask Better Questions") {
		t.Errorf("home page lacks the new post:\n%s", home)
	}
	// Chromium downloads feeds rather than showing them: read it directly.
	if _, feed := get(t, base+"/feed/"); !strings.Contains(feed, "Ask Better Questions") {
		t.Errorf("feed lacks the new post")
	}
	// The featured image really loads on the post's page.
	// Wait for the post's own page before polling: the home page has a
	// main img too, and polling it while the click navigates away fails
	// with "Cannot find context with specified id".
	// Follow the home page's link by navigating to it: polling while a click
	// navigates fails with "Cannot find context with specified id".
	do(chromedp.Navigate(base + "/"))
	attrs, err := chromedp.Run(ctx, chromedp.Attributes(css(`main a[href*="ask-better-questions"]`)))
	if err != nil {
		t.Fatalf("home page has no link to the post: %v", err)
	}
	href := attrs["href"]
	if strings.HasPrefix(href, "/") {
		href = base + href
	}
	do(chromedp.Navigate(href), chromedp.WaitReady(css(`main img`)))
	width, err := chromedp.Run(ctx, chromedp.Poll[int](`(() => { const i = document.querySelector("main img"); return i && i.complete && i.naturalWidth > 0 ? i.naturalWidth : 0 })()`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || width == 0 {
		t.Errorf("featured image did not load: width %d, %v", width, err)
	}
}
