package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
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
