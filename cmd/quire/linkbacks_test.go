package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quirehq/quire/internal/browsertest"
)

// TestPublishedFromTheCommandLineSendsFromServe: quire post publish
// writes the linkback job with the post; quire serve sends it, with the
// source URL built from serve's own base URL (not the command line's), and
// only with --allow-private-fetch can it reach a receiver on loopback.
func TestPublishedFromTheCommandLineSendsFromServe(t *testing.T) {
	var mu sync.Mutex
	var got []url.Values
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			_ = r.ParseForm()
			mu.Lock()
			got = append(got, r.PostForm)
			mu.Unlock()
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.Header().Set("Link", `</endpoint>; rel="webmention"`)
		w.Header().Set("Content-Type", "text/html")
	}))
	defer recv.Close()

	env, st, _, _ := servedSite(t)
	env["QUIRE_BASE_URL"] = "https://wrong.example" // the command line's idea
	file := filepath.Join(t.TempDir(), "out.md")
	os.WriteFile(file, []byte("---\ntitle: Pointing Out\nslug: pointing-out\n---\nRead [this]("+recv.URL+"/article).\n"), 0o644)
	if r := quire(t, env, "", "post", "publish", file); r.code != 0 {
		t.Fatalf("publish: %+v", r)
	}
	if n := count(t, st, "SELECT count(*) FROM river_job WHERE kind = 'send_linkback'"); n != 1 {
		t.Fatalf("%d linkback jobs written by post publish, want 1", n)
	}
	delete(env, "QUIRE_BASE_URL")
	_, _, stop := serveUntil(t, env, "--allow-private-fetch", "--base-url", "https://blog.example")
	defer stop()
	waitFor(t, "the webmention", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) == 1
	})
	mu.Lock()
	defer mu.Unlock()
	if src := got[0].Get("source"); !strings.HasPrefix(src, "https://blog.example/") || !strings.Contains(src, "pointing-out") {
		t.Errorf("source %q, want the post on serve's base URL", src)
	}
	if got[0].Get("target") != recv.URL+"/article" {
		t.Errorf("target %q", got[0].Get("target"))
	}
}

// TestBrowserEditorListsLinkedSites: in a real browser, the owner writes a
// post linking to another site and names a trackback address; once
// published, the post's edit page lists each with how telling it went.
func TestBrowserEditorListsLinkedSites(t *testing.T) {
	ctx := browsertest.New(t)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/webmention":
			w.WriteHeader(http.StatusAccepted)
		case r.Method == http.MethodPost:
			w.Header().Set("Content-Type", "text/xml")
			io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?><response><error>0</error></response>`)
		default:
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, `<!doctype html><title>Elsewhere</title><link rel="webmention" href="/webmention"><p>Hello.</p>`)
		}
	}))
	defer recv.Close()
	env := map[string]string{"QUIRE_DATA": t.TempDir()}
	base, out, stop := serveUntil(t, env, "--allow-private-fetch")
	defer stop()
	link := regexp.MustCompile(`http://\S+/admin/setup/\S+`).FindString(out.String())
	if link == "" {
		t.Fatalf("no setup link in:\n%s", out)
	}
	link = base + link[strings.Index(link, "/admin/setup/"):]
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
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
	do(chromedp.Navigate(base+"/admin/posts/new"),
		chromedp.SendKeys(css(`#f-title`), "Who Else Says So"),
		chromedp.SendKeys(css(`#f-body`), "As [another coach wrote]("+recv.URL+"/coach/), questions sell."),
		chromedp.SendKeys(css(`#f-trackbacks`), recv.URL+"/trackback/7"),
		chromedp.Click(css(`button[name=action][value=publish]`)),
		chromedp.WaitVisible(css(`#outbound-title`)))
	var table string
	for deadline := time.Now().Add(30 * time.Second); ; {
		do(chromedp.Reload(), chromedp.WaitVisible(css(`#outbound-title`)))
		v, err := chromedp.Run(ctx, chromedp.Text(css(`section.outbound table`)))
		if err != nil {
			t.Fatal(err)
		}
		table = v
		if strings.Count(table, "Sent") == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, want := range []string{recv.URL + "/coach/", "Sent by Webmention to " + recv.URL + "/webmention", "202 Accepted",
		recv.URL + "/trackback/7", "(trackback)", "Sent by Trackback"} {
		if !strings.Contains(table, want) {
			t.Errorf("the linked sites table lacks %q:\n%s", want, table)
		}
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(css(`#f-trackbacks`))); err != nil || strings.TrimSpace(v) != recv.URL+"/trackback/7" {
		t.Errorf("the trackback field holds %q (%v)", v, err)
	}
}
