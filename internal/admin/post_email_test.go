package admin_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

func TestAlsoSendThisPostByEmail(t *testing.T) {
	e, g := newNewsEnv(t)
	c, _ := e.owner()
	e.addSubscribers(2, blog.SubscriberActive)
	ctx := context.Background()

	r := c.get("/admin/posts/new")
	mustContain(t, r, `name="email_field" value="1"`, "Also send this post by email", "active subscribers")
	if strings.Contains(r.body, `name="email" value="1" checked`) {
		t.Error("the box is ticked by default")
	}
	// Ticked on publish: the post's issue is handed to the engine with
	// the post, once, however often the post is updated.
	r = c.post("/admin/posts/new", postForm("title", "What Business Are You In?", "body", "Think.", "excerpt", "A question.",
		"email_field", "1", "email", "1", "action", "publish"))
	mustStatus(t, r, http.StatusSeeOther)
	id := postIDFrom(t, r)
	is, err := e.st.IssueByPost(ctx, id)
	if err != nil || is.Status != blog.IssueSending || is.Subject != "What Business Are You In?" || is.Preheader != "A question." {
		t.Fatalf("the post's issue: %+v, %v", is, err)
	}
	if got := g.handed(); len(got) != 1 || got[0] != is.ID {
		t.Fatalf("handed %v", got)
	}
	r = c.get(r.location)
	mustContain(t, r, "It is going out by email to the newsletter&#39;s subscribers.", "going out by email now")
	if strings.Contains(r.body, "Also send this post by email") {
		t.Error("the box is offered again for a post that went out")
	}
	for i := 0; i < 2; i++ {
		r = c.post("/admin/posts/"+itoa(id), postForm("title", "What Business Are You In? (updated)", "body", "Think again.",
			"status", "publish", "email_field", "1", "email", "1", "action", "save"))
		if r.status != http.StatusSeeOther {
			t.Fatalf("update: %d\n%s", r.status, r.body)
		}
	}
	if got := g.handed(); len(got) != 1 {
		t.Errorf("an updated post went out again: %v", got)
	}

	// Not ticked: nothing.
	r = c.post("/admin/posts/new", postForm("title", "Quiet post", "body", "x", "email_field", "1", "action", "publish"))
	mustStatus(t, r, http.StatusSeeOther)
	if _, err := e.st.IssueByPost(ctx, postIDFrom(t, r)); err == nil {
		t.Error("an unticked post got an issue")
	}

	// A scheduled post: its issue waits, and goes out in the publishing
	// job's transaction when the post is published.
	loc := mustLoc(t, "America/Chicago")
	at := time.Now().Add(3 * time.Second).In(loc)
	r = c.post("/admin/posts/new", postForm("title", "Later", "body", "Soon.", "date", at.Format("2006-01-02"),
		"time", at.Format("15:04:05"), "email_field", "1", "email", "1", "action", "publish"))
	mustStatus(t, r, http.StatusSeeOther)
	later := postIDFrom(t, r)
	if is, err := e.st.IssueByPost(ctx, later); err != nil || is.Status != blog.IssueDraft {
		t.Fatalf("the scheduled post's issue: %+v, %v", is, err)
	}
	mustContain(t, c.get(r.location), "It goes out by email when it is published.", "waits for the post")
	e.app.StartQueue()
	deadline := time.Now().Add(30 * time.Second)
	for {
		is, err := e.st.IssueByPost(ctx, later)
		if err == nil && is.Status == blog.IssueSending {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the scheduled post's issue did not start: %+v, %v", is, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if p, _ := e.st.Post(ctx, later); p.Status != blog.StatusPublished {
		t.Errorf("post %s", p.Status)
	}

	// Ticked on a draft, then unticked: the waiting issue is withdrawn.
	r = c.post("/admin/posts/new", postForm("title", "Draft", "body", "x", "email_field", "1", "email", "1", "action", "draft"))
	draft := postIDFrom(t, r)
	if _, err := e.st.IssueByPost(ctx, draft); err != nil {
		t.Fatalf("a ticked draft has no waiting issue: %v", err)
	}
	mustContain(t, c.get("/admin/posts/"+itoa(draft)), `name="email" value="1" checked`)
	c.post("/admin/posts/"+itoa(draft), postForm("title", "Draft", "body", "x", "email_field", "1", "action", "draft"))
	if _, err := e.st.IssueByPost(ctx, draft); err == nil {
		t.Error("unticking kept the issue")
	}

	// An author is not offered the box, and cannot tick it by hand.
	author := e.addUser(blog.RoleAuthor, "Arthur", "arthur@example.com", "arthur-password-1")
	a := e.loginAs(author.Email, "arthur-password-1")
	if r := a.get("/admin/posts/new"); strings.Contains(r.body, "Also send this post by email") {
		t.Error("an author is offered the box")
	}
	r = a.post("/admin/posts/new", postForm("title", "By an author", "body", "x", "email_field", "1", "email", "1", "action", "publish"))
	mustStatus(t, r, http.StatusSeeOther)
	if _, err := e.st.IssueByPost(ctx, postIDFrom(t, r)); err == nil {
		t.Error("an author's post was mailed")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
