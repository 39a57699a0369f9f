package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quirehq/quire/internal/demo"
)

// newBrowser starts headless Chromium (Debian's package; make test installs
// it) and returns a context driving one tab.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("Chromium is not installed: make test installs it with apt-get when run as root")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // Chromium refuses its sandbox as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// TestBrowserOwnerWritesPostWithImage is the newcomer's first hour in a
// real browser: create the owner's account from the setup link, upload an
// image, write and publish a post with it, and find it on the home page and
// in the feed.
func TestBrowserOwnerWritesPostWithImage(t *testing.T) {
	ctx := newBrowser(t)
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

	var dashboard, home, feed string
	var imgWidth int
	err := chromedp.Run(ctx,
		chromedp.Navigate(link),
		chromedp.SendKeys(`#f-name`, "Sam Coach", chromedp.ByQuery),
		chromedp.SendKeys(`#f-email`, "sam@example.com", chromedp.ByQuery),
		chromedp.SendKeys(`#f-password`, "a long enough password", chromedp.ByQuery),
		chromedp.SendKeys(`#f-password2`, "a long enough password", chromedp.ByQuery),
		chromedp.Click(`form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitReady(`body`, chromedp.ByQuery),
		chromedp.Text(`body`, &dashboard, chromedp.ByQuery),

		chromedp.Navigate(base+"/admin/media/"),
		chromedp.SetUploadFiles(`#f-file`, []string{img}, chromedp.ByQuery),
		chromedp.SendKeys(`#f-alt`, "Two overlapping circles", chromedp.ByQuery),
		chromedp.Click(`form.upload button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`input[name=alt][value="Two overlapping circles"]`, chromedp.ByQuery),

		chromedp.Navigate(base+"/admin/posts/new"),
		chromedp.SendKeys(`#f-title`, "Ask Better Questions", chromedp.ByQuery),
		chromedp.SendKeys(`#f-body`, "The best sales calls start with a *question*.\n\nTry one today.", chromedp.ByQuery),
		chromedp.Click(`input[name=featured]:not([value="0"])`, chromedp.ByQuery),
		chromedp.Click(`button[name=action][value=publish]`, chromedp.ByQuery),
		chromedp.WaitReady(`body`, chromedp.ByQuery),

		chromedp.Navigate(base+"/"),
		chromedp.Text(`main`, &home, chromedp.ByQuery),
		chromedp.Navigate(base+"/feed/"),
		chromedp.OuterHTML(`html`, &feed, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("browser: %v\nserver output:\n%s", err, out)
	}
	if !strings.Contains(dashboard, "Sam Coach") {
		t.Errorf("after setup the dashboard does not greet the owner:\n%s", dashboard)
	}
	if !strings.Contains(home, "Ask Better Questions") {
		t.Errorf("home page lacks the new post:\n%s", home)
	}
	if !strings.Contains(feed, "Ask Better Questions") {
		t.Errorf("feed lacks the new post")
	}
	// The featured image really loads on the post's page.
	err = chromedp.Run(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.Click(`main a[href*="ask-better-questions"]`, chromedp.ByQuery),
		chromedp.WaitReady(`main img`, chromedp.ByQuery),
		chromedp.Poll(`(() => { const i = document.querySelector("main img"); return i && i.complete && i.naturalWidth > 0 ? i.naturalWidth : 0 })()`, &imgWidth, chromedp.WithPollingTimeout(10*time.Second)),
	)
	if err != nil || imgWidth == 0 {
		t.Errorf("featured image did not load: width %d, %v", imgWidth, err)
	}
}
