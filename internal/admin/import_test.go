package admin_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

func (c *client) importFile(name string, data []byte, dryRun bool) response {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	if dryRun {
		mw.WriteField("dry_run", "1")
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.e.t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+"/admin/import/", &b)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(req)
}

// The owner uploads a WordPress export (larger than the general body
// limit) and sees the import's progress and summary; a dry run writes
// nothing; a file that is not WXR is refused naming its line; other roles
// cannot import.
func TestAdminImport(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	xml, err := os.ReadFile("../wpimport/testdata/site.xml")
	if err != nil {
		t.Fatal(err)
	}
	// Past the 64 KiB every other form gets.
	xml = bytes.Replace(xml, []byte("I coach."), []byte("I coach."+strings.Repeat(" Really.", 20000)), 1)

	r := c.get("/admin/import/")
	mustContain(t, r, "Import from WordPress", `enctype="multipart/form-data"`)

	r = c.importFile("export.xml", xml, true)
	mustContain(t, r, "importing: 100% (9 of 9 items)", "Checked (dry run)", "posts        4 added, 1 skipped",
		"Nothing was written")
	if _, err := e.st.PostBySlug(context.Background(), "members-only"); err == nil {
		t.Fatal("a dry run wrote a post")
	}

	r = c.importFile("export.xml", xml, false)
	if r.status != 200 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	mustContain(t, r, "Imported &#34;The Weekly Tip&#34;", "pingbacks    1 added", `post 108 &#34;Binned&#34;: in the trash`)
	p, err := e.st.PostBySlug(context.Background(), "about")
	if err != nil || p.Type != blog.TypePage || !strings.Contains(p.Body, "Really.") {
		t.Fatalf("imported page: %+v %v", p, err)
	}

	r = c.importFile("feed.xml", []byte("<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n<item><title>x</title></item></channel></rss>"), false)
	mustContain(t, r, "This file is refused, and nothing was imported", "line 3")

	ed := e.addUser(blog.RoleEditor, "Ed Editor", "ed@example.com", "ed-password-12")
	ec := e.loginAs(ed.Email, "ed-password-12")
	if r := ec.importFile("export.xml", xml, true); r.status != http.StatusForbidden {
		t.Errorf("an editor imported: %d", r.status)
	}
}
