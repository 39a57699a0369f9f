package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestDemoClaimedAtSetup: a newcomer runs quire serve --demo, follows the
// setup link and creates the owner with the demo author's name: the demo
// posts are theirs, at /author/jordan-avery/, and there is no second
// "Jordan Avery".
func TestDemoClaimedAtSetup(t *testing.T) {
	env := map[string]string{"QUIRE_DATA": t.TempDir()}
	base, out, stop := serveUntil(t, env, "--demo")
	defer stop()
	m := regexp.MustCompile(`https?://\S+/admin/setup/\S+`).FindString(out.String())
	if m == "" {
		t.Fatalf("no setup link:\n%s", out)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(m, url.Values{"name": {"Jordan Avery"}, "email": {"jordan@example.com"},
		"password": {"a long enough password"}, "password2": {"a long enough password"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: %d", resp.StatusCode)
	}
	code, body := get(t, base+"/author/jordan-avery/")
	if code != 200 || !strings.Contains(body, "What Business Are You Really In?") {
		t.Errorf("/author/jordan-avery/: %d, want the demo posts", code)
	}
	if code, _ := get(t, base+"/author/jordan-avery-2/"); code != 404 {
		t.Errorf("/author/jordan-avery-2/: %d, want no second Jordan Avery", code)
	}
}
