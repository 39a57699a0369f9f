package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

// TestEditorOfPublishedPostHasUpdate: a published post's editor has one
// plain "Update" button that saves it and keeps it published, and no
// button that would make it a draft or publish it again.
func TestEditorOfPublishedPostHasUpdate(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	id := postIDFrom(t, c.post("/admin/posts/new", postForm("title", "Out There", "body", "x", "action", "publish")))
	path := fmt.Sprintf("/admin/posts/%d", id)
	r := c.get(path)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, `<button type="submit" name="action" value="save" class="primary">Update</button>`)
	for _, bad := range []string{">Save draft<", ">Publish<", ">Save with status above<"} {
		if strings.Contains(r.body, bad) {
			t.Errorf("the published post's editor offers %s", bad)
		}
	}
	// What the browser sends when Update is pressed: the form as shown.
	r = c.post(path, postForm("title", "Out There, Revised", "body", "y", "status", "publish", "comments_field", "1",
		"comments_open", "1", "action", "save"))
	mustStatus(t, r, http.StatusSeeOther)
	p, err := e.st.Post(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != blog.StatusPublished || p.Title != "Out There, Revised" {
		t.Errorf("after Update: %s %q", p.Status, p.Title)
	}
	mustContain(t, c.get(r.location), "Updated.")

	// A draft's editor keeps its three ways to save.
	draft := postIDFrom(t, c.post("/admin/posts/new", postForm("title", "Not Yet", "body", "x", "action", "draft")))
	r = c.get(fmt.Sprintf("/admin/posts/%d", draft))
	mustContain(t, r, ">Save draft<", ">Publish<")
	if strings.Contains(r.body, ">Update<") {
		t.Error("a draft's editor offers Update")
	}
}
