package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
)

func postForm(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// postIDFrom reads the ID from a redirect to /admin/posts/ID.
func postIDFrom(t *testing.T, r response) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(r.location, "/admin/posts/%d", &id); err != nil {
		t.Fatalf("redirect %q (status %d): %v\n%s", r.location, r.status, err, r.body)
	}
	return id
}

func TestPostFormKeepsTypedTextOnErrors(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	mustStatus(t, c.get("/admin/posts/new"), http.StatusOK)

	body := "What business are you in? <b>Sales</b> & \"service\""
	r := c.post("/admin/posts/new", postForm("title", "  ", "body", body, "excerpt", "short one",
		"tags", "sales, coaching", "date", "2026-13-45", "time", "09:30", "action", "publish"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r,
		"What business are you in? &lt;b&gt;Sales&lt;/b&gt; &amp; &#34;service&#34;",
		`value="sales, coaching"`, "short one", `value="2026-13-45"`, `value="09:30"`,
		`id="err-title"`, `aria-describedby="err-title"`, `id="err-published_at"`, `href="#f-title"`)
	if _, n, _ := e.st.ListPosts(context.Background(), blog.PostFilter{Type: "any", IncludeAll: true}); n != 0 {
		t.Fatalf("%d posts saved from a form with errors", n)
	}

	r = c.post("/admin/posts/new", postForm("title", "What Business Are You In?", "body", "First **bold** words.",
		"tags", "sales, coaching", "new_categories", "Selling/Prospecting", "action", "publish"))
	mustStatus(t, r, http.StatusSeeOther)
	id := postIDFrom(t, r)
	p, err := e.st.Post(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != blog.StatusPublished || p.Slug != "what-business-are-you-in" || !strings.Contains(p.BodyHTML, "<strong>bold</strong>") {
		t.Fatalf("saved %+v", p)
	}
	if len(p.Tags) != 2 || len(p.Categories) != 1 || p.Categories[0].Path != "selling/prospecting" {
		t.Fatalf("terms: tags %+v, categories %+v", p.Tags, p.Categories)
	}
	r = c.get(r.location)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Published.", `value="What Business Are You In?"`, "First **bold** words.", `value="coaching, sales"`)

	// Editing keeps the categories ticked and changes the text.
	cat := fmt.Sprint(p.Categories[0].ID)
	r = c.post(fmt.Sprintf("/admin/posts/%d", id), postForm("title", "What Business Are You In?", "body", "Changed.",
		"category", cat, "tags", "sales", "status", "publish", "action", "save"))
	mustStatus(t, r, http.StatusSeeOther)
	p, _ = e.st.Post(context.Background(), id)
	if p.Body != "Changed." || len(p.Tags) != 1 || len(p.Categories) != 1 {
		t.Fatalf("after edit %+v", p)
	}
}

func TestPreviewSavesNothing(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	r := c.post("/admin/posts/new", postForm("title", "Draft idea", "body", "Some *emphasis* and <script>alert(1)</script>", "action", "preview"))
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Preview (not saved)", "<em>emphasis</em>", "Some *emphasis*")
	if strings.Contains(r.body, "<script>alert(1)</script>") {
		t.Error("the preview runs script from the body")
	}
	if _, n, _ := e.st.ListPosts(context.Background(), blog.PostFilter{Type: "any", IncludeAll: true}); n != 0 {
		t.Fatalf("preview saved %d posts", n)
	}
}

func TestScheduleCallsJobs(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	// The site's time zone decides what the typed time means.
	if err := e.st.SaveSettings(context.Background(), map[string]string{"timezone": "America/New_York"}); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(72 * time.Hour).In(mustLoc(t, "America/New_York"))
	date, clock := future.Format("2006-01-02"), "08:15"
	r := c.post("/admin/posts/new", postForm("title", "Monday tip", "body", "Tip.", "date", date, "time", clock, "action", "publish"))
	mustStatus(t, r, http.StatusSeeOther)
	id := postIDFrom(t, r)
	p, err := e.st.Post(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, mustLoc(t, "America/New_York"))
	if p.Status != blog.StatusScheduled || !p.PublishedAt.Equal(want) {
		t.Fatalf("status %s at %v, want future at %v", p.Status, p.PublishedAt, want)
	}
	if js := e.publishJobs(); len(js) != 1 || js[0].id != id || !js[0].at.Equal(want) {
		t.Fatalf("publishing jobs %+v, want post %d at %v", js, id, want)
	}
	mustContain(t, c.get(r.location), "Scheduled for", "America/New_York")

	// Scheduling for a past date is refused with the reason beside the date.
	r = c.post("/admin/posts/new", postForm("title", "Too late", "body", "x", "date", "2001-01-01", "time", "10:00",
		"status", "future", "action", "save"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-published_at"`, "Choose a date in the future")
	if js := e.publishJobs(); len(js) != 1 {
		t.Fatalf("publishing jobs %+v", js)
	}
}

// TestScheduledPostNeedsItsJob: a post scheduled while its publishing job
// cannot be written is not saved (it would never be published on time),
// and the editor shows what was typed with the reason.
func TestScheduledPostNeedsItsJob(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	restore := apptest.FailJobInserts(t, e.st)
	future := time.Now().Add(72 * time.Hour).Format("2006-01-02")
	r := c.post("/admin/posts/new", postForm("title", "Monday tip", "body", "Tip typed with care.", "date", future, "time", "08:15", "action", "publish"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-published_at"`, "nothing was saved", "Tip typed with care.", `value="Monday tip"`)
	if _, n, _ := e.st.ListPosts(context.Background(), blog.PostFilter{Type: "any", IncludeAll: true}); n != 0 {
		t.Fatalf("%d posts saved without their publishing job", n)
	}
	restore()
	r = c.post("/admin/posts/new", postForm("title", "Monday tip", "body", "Tip typed with care.", "date", future, "time", "08:15", "action", "publish"))
	mustStatus(t, r, http.StatusSeeOther)
	if js := e.publishJobs(); len(js) != 1 || js[0].id != postIDFrom(t, r) {
		t.Fatalf("publishing jobs %+v", js)
	}
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestTrashRestoreDeleteAndUnpublish(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	ctx := context.Background()
	id := postIDFrom(t, c.post("/admin/posts/new", postForm("title", "Keep me", "body", "x", "action", "publish")))
	path := fmt.Sprintf("/admin/posts/%d", id)

	mustStatus(t, c.post(path+"/unpublish", nil), http.StatusSeeOther)
	if p, _ := e.st.Post(ctx, id); p.Status != blog.StatusDraft {
		t.Fatalf("after unpublish: %s", p.Status)
	}
	mustStatus(t, c.post(path+"/delete", nil), http.StatusConflict)
	c.post("/admin/posts/new", postForm("title", "Other", "body", "x", "action", "draft"))

	mustStatus(t, c.post(path+"/trash", nil), http.StatusSeeOther)
	if p, _ := e.st.Post(ctx, id); p.Status != blog.StatusTrash {
		t.Fatalf("after trash: %s", p.Status)
	}
	r := c.get("/admin/posts/?status=trash")
	mustContain(t, r, "Keep me", "Trash <span class=\"count\">(1)</span>", "Drafts <span class=\"count\">(1)</span>", "/restore")
	if strings.Contains(r.body, ">Other<") {
		t.Error("the trash lists a draft")
	}
	if r := c.get("/admin/posts/"); strings.Contains(r.body, "Keep me") {
		t.Error("All lists a trashed post")
	}

	mustStatus(t, c.post(path+"/restore", nil), http.StatusSeeOther)
	if p, _ := e.st.Post(ctx, id); p.Status != blog.StatusDraft {
		t.Fatalf("after restore: %s", p.Status)
	}
	c.post(path+"/trash", nil)
	mustStatus(t, c.post(path+"/delete", nil), http.StatusSeeOther)
	if _, err := e.st.Post(ctx, id); err == nil {
		t.Fatal("deleted post still there")
	}
	mustStatus(t, c.get(path), http.StatusNotFound)
}

func TestAuthorRole(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.owner()
	e.addUser(blog.RoleAuthor, "Ann Author", "ann@example.com", "ann-password-1")
	ann := e.loginAs("ann@example.com", "ann-password-1")

	theirs := postIDFrom(t, owner.post("/admin/posts/new", postForm("title", "Owner's post", "body", "x", "action", "draft")))
	mine := postIDFrom(t, ann.post("/admin/posts/new", postForm("title", "Ann's post", "body", "y", "action", "publish")))

	mustStatus(t, ann.get(fmt.Sprintf("/admin/posts/%d", mine)), http.StatusOK)
	mustStatus(t, ann.get(fmt.Sprintf("/admin/posts/%d", theirs)), http.StatusForbidden)
	mustStatus(t, ann.post(fmt.Sprintf("/admin/posts/%d", theirs), postForm("title", "Taken", "body", "z", "action", "publish")), http.StatusForbidden)
	mustStatus(t, ann.post(fmt.Sprintf("/admin/posts/%d/trash", theirs), nil), http.StatusForbidden)
	if p, _ := e.st.Post(context.Background(), theirs); p.Title != "Owner's post" || p.Status != blog.StatusDraft {
		t.Fatalf("the author changed another's post: %+v", p)
	}
	r := ann.get("/admin/posts/")
	mustContain(t, r, "Ann&#39;s post")
	if strings.Contains(r.body, "Owner&#39;s post") {
		t.Error("an author sees others' posts in the list")
	}
	for _, p := range []string{"/admin/settings", "/admin/users/", "/admin/outbox/", "/admin/pages/new", "/admin/categories/"} {
		mustStatus(t, ann.get(p), http.StatusForbidden)
	}
}
