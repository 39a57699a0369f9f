package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
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

func TestBanner(t *testing.T) {
	for _, c := range []struct{ base, addr, want string }{
		{"http://127.0.0.1:8080", "127.0.0.1:8080", "Quire is serving the site on http://127.0.0.1:8080/"},
		{"https://blog.example.com", "127.0.0.1:8080", "Quire is listening on http://127.0.0.1:8080/ for the site at https://blog.example.com/"},
		{"http://localhost:8080", "127.0.0.1:8080", "Quire is listening on http://127.0.0.1:8080/ for the site at http://localhost:8080/"},
	} {
		if got := banner(c.base, c.addr); got != c.want {
			t.Errorf("banner(%q, %q) = %q, want %q", c.base, c.addr, got, c.want)
		}
	}
	// As serve prints it: the address once when it is the site's.
	_, out, stop := serveUntil(t, map[string]string{"QUIRE_DATA": t.TempDir()})
	defer stop()
	line, _, _ := strings.Cut(out.String(), "\n")
	if strings.Count(line, "http://") != 1 || !strings.HasPrefix(line, "Quire is serving the site on http://127.0.0.1:") {
		t.Errorf("banner %q", line)
	}
}

// TestHelpShowsDefaultsPlainly: numbers and durations are not quoted in
// --help; text is.
func TestHelpShowsDefaultsPlainly(t *testing.T) {
	r := quire(t, nil, "", "serve", "--help")
	for _, want := range []string{`(default 30s)`, `(default "127.0.0.1:8080")`, `(default "info")`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("serve --help lacks %s:\n%s", want, r.stdout)
		}
	}
	for _, bad := range []string{`(default "30s")`, `(default "0")`, `(default 0)`} {
		if strings.Contains(r.stdout, bad) {
			t.Errorf("serve --help shows %s", bad)
		}
	}
}

// TestErrorsNameTheirCommand: every error reads "quire: COMMAND: …", and
// flags are named as they are typed, --flag.
func TestErrorsNameTheirCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"QUIRE_DATA": dir}
	if r := quire(t, env, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	for _, c := range []struct {
		args []string
		cmd  string
		want string
	}{
		{[]string{"serve", "--bogus"}, "serve", "unknown flag --bogus"},
		{[]string{"serve", "--addr"}, "serve", "--addr needs a value"},
		{[]string{"serve", "--database-wait", "soon"}, "serve", `--database-wait "soon": use a duration`},
		{[]string{"serve", "--demo-posts", "many"}, "serve", `--demo-posts "many": use a whole number`},
		{[]string{"serve", "--addr", "nonsense"}, "serve", "--addr"},
		{[]string{"migrate", "--bogus"}, "migrate", "unknown flag --bogus"},
		{[]string{"user", "add", "--name", "A"}, "user add", "--email is required"},
		{[]string{"user"}, "user", "say what to do"},
		{[]string{"post", "publish"}, "post publish", "name at least one"},
		{[]string{"post", "publish", "--author", "nobody@example.com", dir}, "post publish", "no user has"},
		{[]string{"comments", "approve", "x"}, "comments approve", "is not a comment ID"},
		{[]string{"comments", "list", "--status", "odd"}, "comments list", "--status"},
		{[]string{"copy-db", "--from", "a.db"}, "copy-db", "--to"},
		{[]string{"backup"}, "backup", "say which file"},
	} {
		r := quire(t, env, "", c.args...)
		if r.code != 2 {
			t.Errorf("%v: exit %d, want 2", c.args, r.code)
		}
		if !strings.HasPrefix(r.stderr, "quire: "+c.cmd+":") && !strings.HasPrefix(r.stderr, "quire: "+c.cmd+" ") {
			t.Errorf("%v: %q does not name the command %q", c.args, r.stderr, c.cmd)
		}
		if !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: %q lacks %q", c.args, r.stderr, c.want)
		}
		if strings.Contains(r.stderr, " -bogus") {
			t.Errorf("%v: flag written with one dash: %q", c.args, r.stderr)
		}
	}
}

// TestDocsLinksStayInTheRepository: every relative link in README.md and
// docs/ names a file of the repository, so a reader of a clone never
// follows a link to nowhere.
func TestDocsLinksStayInTheRepository(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	files = append(files, filepath.Join(root, "README.md"))
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "../shared/") {
			t.Errorf("%s refers to ../shared/, which a clone of the repository does not have", filepath.Base(f))
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") || strings.HasPrefix(target, "#") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			p := filepath.Clean(filepath.Join(filepath.Dir(f), target))
			rel, err := filepath.Rel(root, p)
			if err != nil || strings.HasPrefix(rel, "..") {
				t.Errorf("%s links outside the repository: %s", filepath.Base(f), m[1])
				continue
			}
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s links to a missing file: %s", filepath.Base(f), m[1])
			}
		}
	}
	readme, _ := os.ReadFile(filepath.Join(root, "README.md"))
	if !strings.Contains(string(readme), "](docs/architecture.md)") {
		t.Error("README does not link docs/architecture.md")
	}
}
