package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

func TestPagesWithParents(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	mustContain(t, c.get("/admin/pages/new"), `name="parent"`, "New page")
	about := postIDFrom(t, c.post("/admin/pages/new", postForm("title", "About", "body", "Me.", "action", "publish")))
	r := c.get("/admin/pages/new")
	mustContain(t, r, fmt.Sprintf(`<option value="%d">About</option>`, about))
	svc := postIDFrom(t, c.post("/admin/pages/new", postForm("title", "Services", "body", "We do.", "parent", fmt.Sprint(about), "action", "publish")))
	p, err := e.st.Post(context.Background(), svc)
	if err != nil {
		t.Fatal(err)
	}
	if p.Type != blog.TypePage || p.ParentID != about {
		t.Fatalf("page %+v", p)
	}
	r = c.get("/admin/pages/")
	mustContain(t, r, "Services", `href="/about/services/"`)
	// A page cannot become its own ancestor.
	r = c.post(fmt.Sprintf("/admin/posts/%d", about), postForm("title", "About", "body", "Me.", "parent", fmt.Sprint(svc), "status", "publish", "action", "save"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-parent"`)
}
