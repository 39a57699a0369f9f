package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestPostEditorSticky(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	r := c.get("/admin/posts/new")
	mustContain(t, r, `name="sticky_field" value="1"`, "Stick to the top of the blog")
	if strings.Contains(c.get("/admin/pages/new").body, "Stick to the top") {
		t.Error("a page's editor offers to stick it to the top of the blog")
	}

	r = c.post("/admin/posts/new", postForm("title", "Read this first", "body", "x", "sticky_field", "1", "sticky", "1",
		"action", "publish"))
	mustStatus(t, r, http.StatusSeeOther)
	id := postIDFrom(t, r)
	if p, _ := e.st.Post(context.Background(), id); !p.Sticky {
		t.Fatal("ticked, the post is not sticky")
	}
	mustContain(t, c.get(fmt.Sprintf("/admin/posts/%d", id)), `name="sticky" value="1" checked`)

	// A form without the box keeps it; the box unticked unsticks.
	c.post(fmt.Sprintf("/admin/posts/%d", id), postForm("title", "Read this first", "body", "y", "status", "publish", "action", "save"))
	if p, _ := e.st.Post(context.Background(), id); !p.Sticky {
		t.Error("a form without the box unstuck the post")
	}
	c.post(fmt.Sprintf("/admin/posts/%d", id), postForm("title", "Read this first", "body", "y", "status", "publish",
		"sticky_field", "1", "action", "save"))
	if p, _ := e.st.Post(context.Background(), id); p.Sticky {
		t.Error("unticking the box left the post sticky")
	}
}
