package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// followUps reads which comments the site sent follow-ups of: every post
// of a comment env has a confirmed follow-up subscriber, so approving a
// comment writes its follow-up job in the same transaction.
type followUps struct{ e *env }

// approved returns the comments with a follow-up job, in the order their
// first job was written.
func (f followUps) approved() []int64 {
	var ids []int64
	for _, j := range f.e.app.Jobs(jobs.KindMail) {
		job, _ := j.Args["job"].(map[string]any)
		if job["mail"] != notify.MailFollowUp {
			continue
		}
		id := int64(job["comment_id"].(float64))
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// newCommentEnv is newEnv whose posts each have a confirmed follow-up
// subscriber, and a reader of the follow-ups approvals write.
func newCommentEnv(t *testing.T) (*env, followUps) {
	t.Helper()
	e := newEnv(t)
	e.fan = "fan@example.net"
	return e, followUps{e}
}

// addPost stores a published post by authorID (with e.fan subscribed
// to its follow-ups, when set).
func (e *env) addPost(title string, authorID int64) *blog.Post {
	e.t.Helper()
	ctx := context.Background()
	p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: title, Body: "Text.",
		AuthorID: authorID, PublishedAt: time.Date(2024, 1, 5, 12, 0, 0, 0, time.UTC)}
	if _, err := e.st.SavePost(ctx, p); err != nil {
		e.t.Fatal(err)
	}
	if e.fan != "" {
		sub, _, err := e.st.AddCommentSubscription(ctx, p.ID, e.fan, time.Now())
		if err == nil {
			_, err = e.st.ConfirmCommentSubscriber(ctx, sub.Token, time.Now())
		}
		if err != nil {
			e.t.Fatal(err)
		}
	}
	return p
}

// addComment stores a comment on p.
func (e *env) addComment(p *blog.Post, parent int64, status blog.CommentStatus, name, email, ip, text string) *blog.Comment {
	e.t.Helper()
	c := &blog.Comment{PostID: p.ID, ParentID: parent, Status: status, AuthorName: name, AuthorEmail: email,
		AuthorURL: "https://" + strings.ToLower(name) + ".example.org/", AuthorIP: ip, UserAgent: "TestBrowser/1",
		Content: text, ContentHTML: "<p>" + text + "</p>"}
	if err := e.st.CreateComment(context.Background(), c); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) comment(id int64) *blog.Comment {
	e.t.Helper()
	c, err := e.st.Comment(context.Background(), id)
	if err != nil {
		e.t.Fatalf("comment %d: %v", id, err)
	}
	return c
}

func (e *env) commentStatus(id int64) blog.CommentStatus { return e.comment(id).Status }

func TestCommentListTabsAndRowActions(t *testing.T) {
	e, notes := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("What Business Are You In?", owner.ID)
	top := e.addComment(p, 0, blog.CommentApproved, "Ann", "ann@example.com", "192.0.2.10", "Great question to ask.")
	reply := e.addComment(p, top.ID, blog.CommentApproved, "Bob", "bob@example.com", "192.0.2.11", "I agree with Ann.")
	held := e.addComment(p, 0, blog.CommentPending, "Carl", "carl@example.com", "192.0.2.12", "Held for review.")
	junk := e.addComment(p, 0, blog.CommentSpam, "Spammer", "spam@example.net", "198.51.100.9", "Cheap pills here.")

	r := c.get("/admin/comments/")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "All <span class=\"count\">(3)</span>", "Pending <span class=\"count\">(1)</span>",
		"Approved <span class=\"count\">(2)</span>", "Spam <span class=\"count\">(1)</span>", "Trash <span class=\"count\">(0)</span>",
		"ann@example.com", "192.0.2.10", "https://ann.example.org/", "What Business Are You In?", "Great question to ask.",
		fmt.Sprintf(`formaction="/admin/comments/%d/approve"`, held.ID), fmt.Sprintf(`formaction="/admin/comments/%d/unapprove"`, top.ID))
	if strings.Contains(r.body, "Cheap pills") {
		t.Error("All lists a spam comment")
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
	}
	x := e.addComment(p, 0, blog.CommentPending, `"><script>alert(1)</script>`, "x@example.com", "192.0.2.66",
		`<img src=x onerror=alert(1)>`)
	r = c.get("/admin/comments/?status=pending")
	if strings.Contains(r.body, "<script>alert") || strings.Contains(r.body, "<img src=x") {
		t.Error("comment fields reach the list unescaped")
	}
	mustContain(t, r, "&lt;img src=x onerror=alert(1)&gt;")
	if _, err := e.st.DeleteComments(context.Background(), x.ID); err != nil {
		t.Fatal(err)
	}
	r = c.get("/admin/comments/?status=spam")
	mustContain(t, r, "Cheap pills here.", fmt.Sprintf(`/admin/comments/%d/unspam`, junk.ID), fmt.Sprintf(`/admin/comments/%d/delete`, junk.ID))

	act := func(id int64, action string, want blog.CommentStatus) {
		t.Helper()
		r := c.post(fmt.Sprintf("/admin/comments/%d/%s", id, action), url.Values{"back": {"/admin/comments/?status=pending"}})
		mustStatus(t, r, http.StatusSeeOther)
		if r.location != "/admin/comments/?status=pending" {
			t.Errorf("%s: back to %q", action, r.location)
		}
		if got := e.commentStatus(id); got != want {
			t.Errorf("%s: status %s, want %s", action, got, want)
		}
	}
	act(held.ID, "approve", blog.CommentApproved)
	if got := notes.approved(); len(got) != 1 || got[0] != held.ID {
		t.Errorf("notified %v after approve, want [%d]", got, held.ID)
	}
	mustContain(t, c.get("/admin/comments/"), "1 comment approved.")
	act(held.ID, "approve", blog.CommentApproved) // again: no second notice
	act(held.ID, "unapprove", blog.CommentPending)
	act(held.ID, "spam", blog.CommentSpam)
	act(held.ID, "unspam", blog.CommentApproved)
	act(held.ID, "trash", blog.CommentTrash)
	act(held.ID, "restore", blog.CommentApproved) // back to the status it had
	// Approved again after spam, yet the subscriber hears of it once.
	if got := notes.approved(); len(got) != 1 || got[0] != held.ID {
		t.Errorf("follow-ups of %v; want one of %d", got, held.ID)
	}

	// Deleting for good moves replies up to the deleted comment's parent.
	r = c.post(fmt.Sprintf("/admin/comments/%d/delete", top.ID), url.Values{"back": {fmt.Sprintf("/admin/comments/%d", top.ID)}})
	mustStatus(t, r, http.StatusSeeOther)
	if r.location != "/admin/comments/" {
		t.Errorf("delete from its own page goes back to %q", r.location)
	}
	if _, err := e.st.Comment(context.Background(), top.ID); err == nil {
		t.Error("deleted comment still there")
	}
	if got := e.comment(reply.ID); got.ParentID != 0 {
		t.Errorf("reply's parent %d after delete, want 0", got.ParentID)
	}

	// Unknown action, comment and foreign "back" addresses.
	mustStatus(t, c.post(fmt.Sprintf("/admin/comments/%d/frobnicate", reply.ID), nil), http.StatusNotFound)
	mustStatus(t, c.post("/admin/comments/999999/approve", nil), http.StatusNotFound)
	r = c.post(fmt.Sprintf("/admin/comments/%d/unapprove", reply.ID), url.Values{"back": {"https://evil.example/"}})
	if r.location != "/admin/comments/" {
		t.Errorf("back to %q", r.location)
	}
	// Logged out: to the login page, nothing changed.
	r = e.client().post(fmt.Sprintf("/admin/comments/%d/approve", reply.ID), nil)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/admin/login") || e.commentStatus(reply.ID) != blog.CommentPending {
		t.Errorf("logged out: %d %q, status %s", r.status, r.location, e.commentStatus(reply.ID))
	}
}

// TestApprovalNeedsItsFollowUps: when the follow-up mail of an approval
// cannot be written, the comment is not approved either (the same for a
// reply that approves the comment it answers).
func TestApprovalNeedsItsFollowUps(t *testing.T) {
	e, _ := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("Held", owner.ID)
	held := e.addComment(p, 0, blog.CommentPending, "Ann", "ann@example.com", "192.0.2.1", "Waiting")
	apptest.FailJobInserts(t, e.st)
	r := c.post(fmt.Sprintf("/admin/comments/%d/approve", held.ID), url.Values{})
	if r.status < 500 {
		t.Errorf("approve with the queue failing: %d", r.status)
	}
	r = c.post(fmt.Sprintf("/admin/comments/%d/reply", held.ID), url.Values{"reply": {"Answered."}})
	if r.status < 500 {
		t.Errorf("reply with the queue failing: %d", r.status)
	}
	if got := e.commentStatus(held.ID); got != blog.CommentPending {
		t.Errorf("status %s after the follow-ups failed, want pending", got)
	}
	if list, _ := e.st.PostComments(context.Background(), p.ID); len(list) != 0 {
		t.Errorf("approved comments after the follow-ups failed: %+v", list)
	}
}

func TestCommentBulkActions(t *testing.T) {
	e, notes := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("Bulk", owner.ID)
	a := e.addComment(p, 0, blog.CommentPending, "Ann", "ann@example.com", "192.0.2.1", "One")
	b := e.addComment(p, 0, blog.CommentPending, "Bob", "bob@example.com", "192.0.2.2", "Two")
	keep := e.addComment(p, 0, blog.CommentPending, "Cy", "cy@example.com", "192.0.2.3", "Three")

	r := c.post("/admin/comments/", url.Values{"action": {"approve"}, "id": {fmt.Sprint(a.ID), fmt.Sprint(b.ID)},
		"back": {"/admin/comments/?status=pending"}})
	mustStatus(t, r, http.StatusSeeOther)
	if r.location != "/admin/comments/?status=pending" {
		t.Errorf("back to %q", r.location)
	}
	if e.commentStatus(a.ID) != blog.CommentApproved || e.commentStatus(b.ID) != blog.CommentApproved || e.commentStatus(keep.ID) != blog.CommentPending {
		t.Error("bulk approve changed the wrong comments")
	}
	if got := notes.approved(); len(got) != 2 {
		t.Errorf("notified %v, want both", got)
	}
	mustContain(t, c.get(r.location), "2 comments approved.")

	// Nothing ticked, or no action chosen: an error, nothing changed.
	r = c.post("/admin/comments/", url.Values{"action": {"trash"}})
	mustContain(t, c.get(r.location), "Tick at least one comment")
	r = c.post("/admin/comments/", url.Values{"action": {""}, "id": {fmt.Sprint(keep.ID)}})
	mustContain(t, c.get(r.location), "Choose an action")
	if e.commentStatus(keep.ID) != blog.CommentPending {
		t.Error("changed without an action")
	}

	for _, step := range []struct {
		action string
		want   blog.CommentStatus
	}{{"spam", blog.CommentSpam}, {"unspam", blog.CommentApproved}, {"trash", blog.CommentTrash}, {"restore", blog.CommentApproved}} { // back to where it was
		c.post("/admin/comments/", url.Values{"action": {step.action}, "id": {fmt.Sprint(a.ID), fmt.Sprint(keep.ID)}})
		if e.commentStatus(a.ID) != step.want || e.commentStatus(keep.ID) != step.want {
			t.Errorf("bulk %s: %s, %s", step.action, e.commentStatus(a.ID), e.commentStatus(keep.ID))
		}
	}
	c.post("/admin/comments/", url.Values{"action": {"delete"}, "id": {fmt.Sprint(a.ID), fmt.Sprint(keep.ID), "999999", "junk"}})
	if _, n, _ := e.st.ListComments(context.Background(), store.CommentFilter{}); n != 1 {
		t.Errorf("%d comments left after bulk delete, want 1", n)
	}
}

func TestCommentSearchAndPaging(t *testing.T) {
	e, _ := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("Search me", owner.ID)
	e.addComment(p, 0, blog.CommentApproved, "Ann", "ann@example.com", "192.0.2.10", "Talking about prospecting.")
	e.addComment(p, 0, blog.CommentPending, "Bob", "bob@example.com", "198.51.100.20", "Nothing special.")
	e.addComment(p, 0, blog.CommentSpam, "Zed", "zed@example.net", "203.0.113.5", "Buy prospecting leads.")
	for _, tc := range []struct {
		query, want, not string
	}{
		{"s=PROSPECTING", "Talking about prospecting.", "Nothing special."},
		{"s=bob", "Nothing special.", "Talking about"},
		{"s=ann%40example.com", "Talking about prospecting.", "Nothing special."},
		{"s=198.51.100", "Nothing special.", "Talking about"},
		{"status=spam&s=prospecting", "Buy prospecting leads.", "Talking about"},
	} {
		r := c.get("/admin/comments/?" + tc.query)
		mustStatus(t, r, http.StatusOK)
		if !strings.Contains(r.body, tc.want) || strings.Contains(r.body, tc.not) {
			t.Errorf("%s: want %q and not %q", tc.query, tc.want, tc.not)
		}
	}
	mustContain(t, c.get("/admin/comments/?s=nobody-says-this"), "No comments found.")

	for i := 0; i < 25; i++ {
		e.addComment(p, 0, blog.CommentApproved, "Reader", fmt.Sprintf("r%d@example.com", i), "192.0.2.99", fmt.Sprintf("Numbered comment %02d.", i))
	}
	r := c.get("/admin/comments/?s=numbered")
	mustContain(t, r, "Page 1 of 2", "Numbered comment 24.", `href="/admin/comments/?s=numbered&amp;page=2"`)
	r = c.get("/admin/comments/?s=numbered&page=2")
	mustContain(t, r, "Page 2 of 2", "Numbered comment 00.", `name="back" value="/admin/comments/?s=numbered&amp;page=2"`)
	if strings.Contains(r.body, "Numbered comment 24.") {
		t.Error("page 2 repeats page 1")
	}
	// Filtering by post.
	other := e.addPost("Other post", owner.ID)
	e.addComment(other, 0, blog.CommentApproved, "Olga", "olga@example.com", "192.0.2.7", "On the other post.")
	r = c.get(fmt.Sprintf("/admin/comments/?post=%d", other.ID))
	mustContain(t, r, "On the other post.", "Comments on “Other post”")
	if strings.Contains(r.body, "Numbered comment") {
		t.Error("post filter shows other posts' comments")
	}
}

func TestCommentAuthorModeratesOwnPostsOnly(t *testing.T) {
	e, _ := newCommentEnv(t)
	e.owner()
	amy := e.addUser(blog.RoleAuthor, "Amy Author", "amy@example.com", "amy-password-12")
	ben := e.addUser(blog.RoleAuthor, "Ben Author", "ben@example.com", "ben-password-12")
	ed := e.addUser(blog.RoleEditor, "Eve Editor", "eve@example.com", "eve-password-12")
	mine := e.addPost("Amy's post", amy.ID)
	theirs := e.addPost("Ben's post", ben.ID)
	onMine := e.addComment(mine, 0, blog.CommentPending, "Reader", "r1@example.com", "192.0.2.1", "On the post by Amy.")
	onTheirs := e.addComment(theirs, 0, blog.CommentPending, "Reader", "r2@example.com", "192.0.2.2", "On the post by Ben.")

	c := e.loginAs(amy.Email, "amy-password-12")
	r := c.get("/admin/comments/")
	mustContain(t, r, "On the post by Amy.", "All <span class=\"count\">(1)</span>")
	if strings.Contains(r.body, "On the post by Ben.") {
		t.Error("author sees comments on another author's post")
	}
	mustStatus(t, c.get(fmt.Sprintf("/admin/comments/%d", onTheirs.ID)), http.StatusForbidden)
	mustStatus(t, c.post(fmt.Sprintf("/admin/comments/%d/approve", onTheirs.ID), nil), http.StatusForbidden)
	mustStatus(t, c.post(fmt.Sprintf("/admin/comments/%d", onTheirs.ID), url.Values{"author": {"X"}, "comment": {"Y"}}), http.StatusForbidden)
	mustStatus(t, c.post(fmt.Sprintf("/admin/comments/%d/reply", onTheirs.ID), url.Values{"reply": {"Hi"}}), http.StatusForbidden)
	mustStatus(t, c.get(fmt.Sprintf("/admin/comments/?post=%d", theirs.ID)), http.StatusForbidden)
	c.post("/admin/comments/", url.Values{"action": {"approve"}, "id": {fmt.Sprint(onMine.ID), fmt.Sprint(onTheirs.ID)}})
	if e.commentStatus(onMine.ID) != blog.CommentApproved || e.commentStatus(onTheirs.ID) != blog.CommentPending {
		t.Errorf("bulk by author: mine %s, theirs %s", e.commentStatus(onMine.ID), e.commentStatus(onTheirs.ID))
	}
	// Owner-only pages stay closed to authors.
	mustStatus(t, c.get("/admin/settings/discussion"), http.StatusForbidden)
	mustStatus(t, c.get("/admin/privacy"), http.StatusForbidden)

	// An editor moderates everything.
	ce := e.loginAs(ed.Email, "eve-password-12")
	mustContain(t, ce.get("/admin/comments/"), "On the post by Amy.", "On the post by Ben.")
	mustStatus(t, ce.post(fmt.Sprintf("/admin/comments/%d/spam", onTheirs.ID), nil), http.StatusSeeOther)
	if e.commentStatus(onTheirs.ID) != blog.CommentSpam {
		t.Error("editor could not mark spam")
	}
}

func TestCommentEdit(t *testing.T) {
	e, _ := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("Edited", owner.ID)
	cm := e.addComment(p, 0, blog.CommentApproved, "Ann", "ann@example.com", "192.0.2.1", "Original text.")
	path := fmt.Sprintf("/admin/comments/%d", cm.ID)
	r := c.get(path)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, `value="Ann"`, `value="ann@example.com"`, "Original text.", "192.0.2.1", `id="reply"`)

	r = c.post(path, url.Values{"author": {" "}, "email": {"not-an-email"}, "url": {"javascript:alert(1)"},
		"comment": {"Typed <b>text</b> kept"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-author"`, `id="err-email"`, `id="err-url"`, `value="not-an-email"`,
		"Typed &lt;b&gt;text&lt;/b&gt; kept", `href="#f-author"`)
	if got := e.comment(cm.ID); got.Content != "Original text." {
		t.Errorf("saved despite errors: %q", got.Content)
	}
	r = c.post(path, url.Values{"author": {"Ann"}, "email": {"ann@example.com"}, "url": {""}, "comment": {""}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-comment"`)

	r = c.post(path, url.Values{"author": {"Ann B."}, "email": {"Ann.B@Example.com"}, "url": {"ann.example.org"},
		"comment": {"Fixed *typo*.\r\n\r\nSee https://example.com/x"}})
	mustStatus(t, r, http.StatusSeeOther)
	got := e.comment(cm.ID)
	if got.AuthorName != "Ann B." || got.AuthorEmail != "ann.b@example.com" || got.AuthorURL != "http://ann.example.org" ||
		got.Content != "Fixed *typo*.\n\nSee https://example.com/x" {
		t.Errorf("saved %+v", got)
	}
	if !strings.Contains(got.ContentHTML, "<em>typo</em>") || !strings.Contains(got.ContentHTML, `href="https://example.com/x"`) {
		t.Errorf("rendered %q", got.ContentHTML)
	}
	mustContain(t, c.get(r.location), "Comment updated.")
	// An erased comment has no email; it can still be edited.
	r = c.post(path, url.Values{"author": {"Anonymous"}, "email": {""}, "comment": {"Kept."}})
	mustStatus(t, r, http.StatusSeeOther)
}

func TestCommentReplyAsAuthor(t *testing.T) {
	e, notes := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("Replied", owner.ID)
	held := e.addComment(p, 0, blog.CommentPending, "Ann", "ann@example.com", "192.0.2.1", "Is this on?")
	path := fmt.Sprintf("/admin/comments/%d/reply", held.ID)

	r := c.post(path, url.Values{"reply": {"  "}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-reply"`)
	if e.commentStatus(held.ID) != blog.CommentPending {
		t.Error("an empty reply approved the comment")
	}

	r = c.post(path, url.Values{"reply": {"Yes, it is. Thanks!"}, "back": {fmt.Sprintf("/admin/comments/%d", held.ID)}})
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, c.get(r.location), "Comment approved and reply published.")
	if e.commentStatus(held.ID) != blog.CommentApproved {
		t.Error("replying did not approve the held comment")
	}
	list, err := e.st.PostComments(context.Background(), p.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("approved comments %d, %v", len(list), err)
	}
	reply := list[1]
	if reply.ParentID != held.ID || reply.UserID != owner.ID || reply.AuthorName != owner.Name ||
		reply.AuthorEmail != owner.Email || reply.Status != blog.CommentApproved || !strings.Contains(reply.ContentHTML, "Yes, it is.") {
		t.Errorf("reply %+v", reply)
	}
	if got := notes.approved(); len(got) != 2 || got[0] != held.ID || got[1] != reply.ID {
		t.Errorf("notified %v, want [%d %d]", got, held.ID, reply.ID)
	}

	// Spam cannot be answered.
	junk := e.addComment(p, 0, blog.CommentSpam, "Spammer", "s@example.net", "198.51.100.1", "Pills")
	r = c.post(fmt.Sprintf("/admin/comments/%d/reply", junk.ID), url.Values{"reply": {"No."}})
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, c.get(r.location), "Only a pending or approved comment can be answered.")
	if list, _ := e.st.PostComments(context.Background(), p.ID); len(list) != 2 {
		t.Errorf("%d approved comments after replying to spam", len(list))
	}
}

func TestDiscussionSettings(t *testing.T) {
	e, _ := newCommentEnv(t)
	c, _ := e.owner()
	r := c.get("/admin/settings/discussion")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Comment must be manually approved", "Comment author must have a previously approved comment",
		"Hold a comment in the queue if it contains", "Disallowed Comment Keys", "Automatically close comments on posts older than",
		"Enable threaded (nested) comments", "levels deep", "Break comments into pages with", "Show Gravatar",
		"Forget commenters' IP addresses after", `name="comment_previously_approved" value="1" checked`,
		"Email me whenever", `name="comments_notify" value="1" checked> Anyone posts a comment`,
		`name="moderation_notify" value="1" checked> A comment is held for moderation`,
		`name="comment_max_links" type="number" min="0" max="1000" class="small" value="2"`, `<option value="5" selected>`,
		`name="default_pingback_flag" value="1" checked`, `name="default_ping_status" value="1" checked`,
		`name="self_pings" value="1">`, `name="mentions_separate" value="1">`, `name="linkback_remote_photos" value="1">`)

	bad := url.Values{"comment_max_links": {"lots"}, "thread_comments": {"1"}, "thread_comments_depth": {"11"},
		"comments_per_page": {"0"}, "comment_ip_days": {"-3"}, "close_comments_days": {"x"},
		"akismet_url": {"not a url"}, "moderation_keys": {"casino\r\n\r\n  viagra  "}}
	r = c.post("/admin/settings/discussion", bad)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-comment_max_links"`, `id="err-thread_comments_depth"`, `id="err-comments_per_page"`,
		`id="err-comment_ip_days"`, `id="err-close_comments_days"`, `id="err-akismet_url"`, `value="lots"`, `value="-3"`,
		"casino\nviagra</textarea>", `value="not a url"`)
	set, _, _ := e.site.Current(context.Background())
	if set.Discussion.MaxLinks != 2 || len(set.Discussion.ModerationKeys) != 0 {
		t.Error("bad settings saved")
	}

	good := url.Values{"comment_moderation": {"1"}, "comment_max_links": {"4"}, "moderation_keys": {"casino\r\nviagra"},
		"disallowed_keys": {"badword"}, "close_comments_days": {"30"}, "thread_comments": {"1"},
		"thread_comments_depth": {"3"}, "comments_per_page": {"20"}, "show_gravatar": {"1"}, "comment_ip_days": {"14"},
		"akismet_key": {"abc123"}, "akismet_url": {"http://127.0.0.1:9/"}, "moderation_notify": {"1"},
		"default_pingback_flag": {"1"}, "self_pings": {"1"}, "mentions_separate": {"1"}}
	r = c.post("/admin/settings/discussion", good)
	mustStatus(t, r, http.StatusSeeOther)
	set, _, _ = e.site.Current(context.Background())
	want := site.Discussion{ManualApproval: true, PreviouslyApproved: false, MaxLinks: 4, ModerationKeys: []string{"casino", "viagra"},
		DisallowedKeys: []string{"badword"}, CloseAfterDays: 30, ThreadDepth: 3, CommentsPerPage: 20, ShowGravatar: true,
		IPRetentionDays: 14, AkismetKey: "abc123", AkismetURL: "http://127.0.0.1:9", NotifyComments: false, NotifyModeration: true,
		SendPings: true, PingsOpen: false, SelfPings: true, MentionsSeparate: true}
	if fmt.Sprint(set.Discussion) != fmt.Sprint(want) {
		t.Errorf("saved\n %+v\nwant\n %+v", set.Discussion, want)
	}
	r = c.get("/admin/settings/discussion")
	mustContain(t, r, "Discussion settings saved.", `<option value="3" selected>`,
		`name="comment_moderation" value="1" checked`, `value="30"`, `name="moderation_notify" value="1" checked`)
	if strings.Contains(r.body, `name="comments_notify" value="1" checked`) {
		t.Error("“anyone posts a comment” shown on after turning it off")
	}

	// Threading off saves depth 1; an empty "close after" means never.
	good.Del("thread_comments")
	good.Set("close_comments_days", "")
	mustStatus(t, c.post("/admin/settings/discussion", good), http.StatusSeeOther)
	set, _, _ = e.site.Current(context.Background())
	if set.Discussion.ThreadDepth != 1 || set.Discussion.CloseAfterDays != 0 {
		t.Errorf("depth %d, close %d", set.Discussion.ThreadDepth, set.Discussion.CloseAfterDays)
	}
	r = c.get("/admin/settings/discussion")
	if strings.Contains(r.body, `name="thread_comments" value="1" checked`) {
		t.Error("threading shown on after turning it off")
	}
}

func TestPostEditorAllowComments(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	mustContain(t, c.get("/admin/posts/new"), `name="comments_open" value="1" checked`, "Allow comments")
	r := c.post("/admin/posts/new", postForm("title", "Closed one", "body", "x", "comments_field", "1", "action", "publish"))
	mustStatus(t, r, http.StatusSeeOther)
	id := postIDFrom(t, r)
	p, _ := e.st.Post(context.Background(), id)
	if !p.CommentsClosed {
		t.Fatal("unticked box left comments open")
	}
	r = c.get(fmt.Sprintf("/admin/posts/%d", id))
	if strings.Contains(r.body, `name="comments_open" value="1" checked`) {
		t.Error("editor shows comments allowed on a closed post")
	}
	// A form without the box keeps the switch as it was.
	c.post(fmt.Sprintf("/admin/posts/%d", id), postForm("title", "Closed one", "body", "y", "status", "publish", "action", "save"))
	if p, _ = e.st.Post(context.Background(), id); !p.CommentsClosed || p.Body != "y" {
		t.Errorf("closed %v, body %q", p.CommentsClosed, p.Body)
	}
	c.post(fmt.Sprintf("/admin/posts/%d", id), postForm("title", "Closed one", "body", "y", "status", "publish",
		"comments_field", "1", "comments_open", "1", "action", "save"))
	if p, _ = e.st.Post(context.Background(), id); p.CommentsClosed {
		t.Error("ticking the box did not open comments")
	}
}

func TestDashboardPendingCount(t *testing.T) {
	e, _ := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("Counted", owner.ID)
	e.addComment(p, 0, blog.CommentPending, "Ann", "ann@example.com", "192.0.2.1", "a")
	e.addComment(p, 0, blog.CommentPending, "Bob", "bob@example.com", "192.0.2.2", "b")
	mustContain(t, c.get("/admin/"), "2 comments awaiting moderation")
}
