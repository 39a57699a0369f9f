package theme_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/theme"
)

func TestLoadDefault(t *testing.T) {
	th, err := theme.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"home", "post", "404", "error"} {
		if !th.Has(page) {
			t.Errorf("no %s template", page)
		}
	}
	css, ok := th.Static("style.css")
	if !ok || !strings.HasPrefix(css.ContentType, "text/css") || len(css.Data) == 0 {
		t.Fatalf("style.css: %v %+v", ok, css)
	}
	if got := th.Asset("style.css"); got != "/static/style.css?v="+css.Hash {
		t.Errorf("Asset = %q", got)
	}
	if err := th.Render(&strings.Builder{}, "nope", nil); err == nil {
		t.Errorf("an unknown page rendered")
	}
}

func TestThemeDirOverridesByName(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("templates/404.html", `{{define "main"}}<h1>Lost: {{.}}</h1>{{end}}{{template "layout-lite" .}}`)
	write("templates/_extra.html", `{{define "layout-lite"}}<body>{{template "main" .}}</body>{{end}}`)
	write("static/style.css", "body{color:red}")
	write("static/extra.svg", "<svg/>")

	def, err := theme.Load("")
	if err != nil {
		t.Fatal(err)
	}
	th, err := theme.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := th.Render(&b, "404", "<x>"); err != nil {
		t.Fatal(err)
	}
	if b.String() != "<body><h1>Lost: &lt;x&gt;</h1></body>" {
		t.Errorf("override rendered %q", b.String())
	}
	if !th.Has("post") {
		t.Errorf("pages not overridden were lost")
	}
	css, _ := th.Static("style.css")
	if string(css.Data) != "body{color:red}" {
		t.Errorf("style.css not overridden")
	}
	if _, ok := th.Static("extra.svg"); !ok {
		t.Errorf("new static file not added")
	}
	if th.Version() == def.Version() || th.Asset("style.css") == def.Asset("style.css") {
		t.Errorf("version does not follow the files")
	}

	write("templates/post.html", `{{define "main"}}{{.Missing}`)
	if _, err := theme.Load(dir); err == nil || !strings.Contains(err.Error(), "post.html") {
		t.Errorf("a broken template loads: %v", err)
	}
	if _, err := theme.Load(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("a missing theme directory loads")
	}
}

func TestParts(t *testing.T) {
	th, err := theme.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sidebar-lists", "comment-thread", "comment"} {
		if !th.HasPart(name) {
			t.Errorf("no part %s", name)
		}
	}
	if th.HasPart("nope") {
		t.Errorf("HasPart invents parts")
	}
	var b strings.Builder
	if err := th.RenderPart(&b, "comment-thread", struct{ Thread, Mentions, Reactions []int }{}); err != nil || b.String() != "" {
		t.Errorf("an empty thread rendered %q, %v", b.String(), err)
	}
	if err := th.RenderPart(&b, "nope", nil); err == nil {
		t.Errorf("an unknown part rendered")
	}

	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "templates", "_parts.html"), []byte(`{{define "comment"}}{{.}}{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	old, err := theme.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if old.HasPart("comment-thread") || !old.HasPart("comment") {
		t.Errorf("HasPart does not follow the theme's own files")
	}
}
