package web_test

import (
	"context"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// Curly quotes and dashes are a setting, on by default as on WordPress,
// for Markdown posts and every title; code keeps its straight quotes.
func TestTypographySetting(t *testing.T) {
	e := newEnv(t)
	p := e.post(`It's "quoted"`, day(2024, 5, 1), func(p *blog.Post) {
		p.Body = "x"
		p.BodyHTML = `<p>It&#39;s &#34;here&#34; -- ok...</p><pre><code>&#34;x&#34; -- y</code></pre>`
	})
	path := "/2024/05/01/" + p.Slug + "/"
	r := e.get(path)
	if r.code != 200 {
		t.Fatalf("GET %s: %d", path, r.code)
	}
	r.has(t, "It&#8217;s &#8220;here&#8221; &#8212; ok&#8230;", `<code>"x" -- y</code>`, "It’s “quoted”")

	if err := e.st.SaveSettings(context.Background(), map[string]string{site.KeyTypography: "0"}); err != nil {
		t.Fatal(err)
	}
	r = e.get(path)
	r.has(t, "It&#39;s &#34;here&#34; -- ok...")
	r.lacks(t, "&#8220;here", "It’s")
}
