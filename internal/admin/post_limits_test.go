package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

// TestEditorRefusesCostlyBody: 256 KiB of ">" took 15 seconds to preview.
// Preview and save now refuse it beside the text, before rendering, and
// show the text again as typed.
func TestEditorRefusesCostlyBody(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	body := "Intro.\n\n" + strings.Repeat(">", 256<<10)
	for _, action := range []string{"preview", "draft", "publish"} {
		r := c.post("/admin/posts/new", postForm("title", "Deep", "body", body, "action", action))
		mustStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r, "Quotes and lists are nested more than 16 deep", "(line 3)", "Intro.\n\n&gt;&gt;&gt;&gt;")
		if strings.Count(r.body, "&gt;") < 256<<10 {
			t.Errorf("%s: the text was not shown again whole", action)
		}
	}
	if _, n, _ := e.st.ListPosts(context.Background(), blog.PostFilter{Type: "any", IncludeAll: true}); n != 0 {
		t.Fatalf("%d posts saved", n)
	}
}
