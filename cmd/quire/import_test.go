package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/demo"
	"github.com/quirehq/quire/internal/store"
)

const wxrFixture = "../../internal/wpimport/testdata/site.xml"

// On a fresh machine, quire import wordpress FILE then quire serve is all
// it takes: the import migrates and sets the site up, old addresses work,
// and the owner who signs up with the WordPress author's address gets
// that author's posts.
func TestImportThenServe(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"QUIRE_DATA": dir}
	r := quire(t, env, "", "import", "wordpress", wxrFixture, "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "posts        4 added, 1 skipped") || !strings.Contains(r.stdout, "Nothing was written") {
		t.Fatalf("dry run: %+v", r)
	}
	r = quire(t, env, "", "import", "wordpress", wxrFixture)
	if r.code != 0 || !strings.Contains(r.stdout, `Imported "The Weekly Tip"`) ||
		!strings.Contains(r.stdout, `post 108 "Binned": in the trash`) ||
		!strings.Contains(r.stdout, "permalinks set from the export: /{year}/{month}/{slug}/") {
		t.Fatalf("import: %+v", r)
	}
	if !strings.Contains(r.stderr, "importing: 9 of 9 items (100%)") {
		t.Errorf("no progress lines: %q", r.stderr)
	}

	base, out, stop := serveUntil(t, env)
	defer stop()
	if !strings.Contains(out.String(), "/admin/setup/") {
		t.Errorf("no setup link printed:\n%s", out)
	}
	if code, body := get(t, base+"/"); code != 200 || !strings.Contains(body, "The Weekly Tip") ||
		!strings.Contains(body, "What business are you in?") {
		t.Errorf("home: %d", code)
	}
	if code, body := get(t, base+"/2011/01/what-business-are-you-in/"); code != 200 || !strings.Contains(body, "Your buyer doesn’t care.") {
		t.Errorf("the old permalink is the new one: %d", code)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(base + "/?p=101")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 301 || resp.Header.Get("Location") != "/2011/01/what-business-are-you-in/" {
		t.Errorf("/?p=101: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	st, err := store.Open(context.Background(), filepath.Join(dir, "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	owner := &blog.User{Email: "coach@example.com", Name: "Dana", Role: blog.RoleOwner, PasswordHash: "hash"}
	if err := demo.AddUser(context.Background(), st, owner); err != nil {
		t.Fatalf("the owner takes over the imported author: %v", err)
	}
	p, err := st.PostBySlug(context.Background(), "what-business-are-you-in")
	if err != nil || p.AuthorID != owner.ID {
		t.Errorf("post author %d, owner %d (%v)", p.AuthorID, owner.ID, err)
	}
}

func TestImportRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "feed.xml")
	writeFile(t, bad, "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>A feed</title>\n<item><title>x</title></item></channel></rss>")
	env := map[string]string{"QUIRE_DATA": dir}
	r := quire(t, env, "", "import", "wordpress", bad)
	if r.code != 1 || !strings.Contains(r.stderr, "nothing was imported") || !strings.Contains(r.stderr, "line 3") {
		t.Errorf("not WXR: %+v", r)
	}
	if r := quire(t, env, "", "import", "wordpress"); r.code != 2 {
		t.Errorf("no file: %+v", r)
	}
	if r := quire(t, env, "", "import", "wordpress", wxrFixture, "--map-author", "coach=nobody@example.com"); r.code != 2 ||
		!strings.Contains(r.stderr, "nobody@example.com") {
		t.Errorf("unknown --map-author: %+v", r)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
