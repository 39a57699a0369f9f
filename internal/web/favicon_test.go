package web_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestFavicon(t *testing.T) {
	e := newEnv(t)
	r := e.get("/favicon.ico")
	if r.code != 200 || r.hdr.Get("Content-Type") != "image/vnd.microsoft.icon" || r.hdr.Get("ETag") == "" {
		t.Fatalf("/favicon.ico: %d %v", r.code, r.hdr)
	}
	if !bytes.HasPrefix([]byte(r.body), []byte{0, 0, 1, 0}) || len(r.body) > 4096 {
		t.Errorf("/favicon.ico is not a small ICO file (%d bytes)", len(r.body))
	}
	if r2 := e.get("/favicon.ico", "If-None-Match", r.hdr.Get("ETag")); r2.code != 304 {
		t.Errorf("revalidation: %d", r2.code)
	}
	href := attr(t, e.get("/").body, func(n *html.Node) bool { return n.Data == "link" && hasAttr(n, "rel", "icon") }, "href")
	if !strings.HasPrefix(href, "/static/favicon.ico?v=") {
		t.Errorf("pages link the icon as %q", href)
	}
	if r := e.get(href); r.code != 200 || r.body != e.get("/favicon.ico").body {
		t.Errorf("linked icon: %d", r.code)
	}
}

// TestTableStyles: Markdown tables get ruled cells from the theme's
// stylesheet, and a column's alignment attribute is not overridden.
func TestTableStyles(t *testing.T) {
	e := newEnv(t)
	css := e.get("/static/style.css").body
	for _, re := range []string{`(?m)^table \{[^}]*border-collapse: collapse`, `(?m)^th, td \{[^}]*border: 1px solid`, `th:not\(\[align\]\)`} {
		if !regexp.MustCompile(re).MatchString(css) {
			t.Errorf("style.css lacks %s", re)
		}
	}
	if regexp.MustCompile(`(?m)^(th|td|th, td) \{[^}]*text-align`).MatchString(css) {
		t.Errorf("style.css overrides the alignment of every cell")
	}
}
