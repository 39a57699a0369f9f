package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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

// TestCommentEditAndReplyRefuseCostlyText: a moderator's edit or reply
// is checked as a reader's comment is, beside its field.
func TestCommentEditAndReplyRefuseCostlyText(t *testing.T) {
	e, _ := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("Replied", owner.ID)
	cm := e.addComment(p, 0, blog.CommentApproved, "Ann", "ann@example.com", "192.0.2.1", "Is this on?")
	deep := strings.Repeat(">", 1000)
	r := c.post(fmt.Sprintf("/admin/comments/%d", cm.ID), url.Values{"author": {"Ann"}, "comment": {deep}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-comment"`, "nested more than 16 deep")
	r = c.post(fmt.Sprintf("/admin/comments/%d/reply", cm.ID), url.Values{"reply": {deep}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-reply"`, "nested more than 16 deep")
	if got := e.comment(cm.ID); got.Content != "Is this on?" {
		t.Errorf("comment changed to %.40q", got.Content)
	}
}
