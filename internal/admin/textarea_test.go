package admin_test

import (
	"context"
	"fmt"
	"testing"
)

func TestBodyLeadingNewlineSurvives(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	id := postIDFrom(t, c.post("/admin/posts/new", postForm("title", "Code", "body", "\n    indented code", "action", "draft")))
	p, _ := e.st.Post(context.Background(), id)
	if p.Body != "\n    indented code" {
		t.Fatalf("body %q", p.Body)
	}
	mustContain(t, c.get(fmt.Sprintf("/admin/posts/%d", id)), "aria-describedby=\"hint-body\">\n\n    indented code</textarea>")
}
