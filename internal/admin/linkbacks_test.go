package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// addLinkback stores a received linkback on p.
func (e *env) addLinkback(p *blog.Post, typ blog.CommentType, kind blog.MentionKind, status blog.CommentStatus, source, name, text string) *blog.Comment {
	e.t.Helper()
	c := &blog.Comment{PostID: p.ID, Type: typ, MentionKind: kind, Status: status, AuthorName: name, AuthorURL: source,
		SourceURL: source, AuthorIP: "203.0.113.5", Content: text, ContentHTML: "<p>" + text + "</p>"}
	if typ == blog.TypeWebmention {
		c.SourceTitle = "Title of " + name
	}
	if err := e.st.CreateComment(context.Background(), c); err != nil {
		e.t.Fatal(err)
	}
	return c
}

func TestModerationShowsAndFiltersLinkbacks(t *testing.T) {
	e, notes := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("What Business Are You In?", owner.ID)
	cm := e.addComment(p, 0, blog.CommentApproved, "Ann", "ann@example.com", "192.0.2.10", "A reader's comment.")
	ping := e.addLinkback(p, blog.TypePingback, "", blog.CommentPending, "https://tweets.example.com/a/", "Tweets that mention it", "[…] what business […]")
	track := e.addLinkback(p, blog.TypeTrackback, "", blog.CommentApproved, "https://coach.example.net/t/", "Coach's Corner", "Mark asks.")
	wm := e.addLinkback(p, blog.TypeWebmention, blog.MentionReply, blog.CommentApproved, "https://jane.example/n/1", "Jane", "I sell outcomes.")

	r := c.get("/admin/comments/")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, `<select id="f-type" name="comment_type">`, `<option value="pings">Pings (all linkbacks)</option>`,
		`<td class="comment-type">Pingback</td>`, `<td class="comment-type">Trackback</td>`,
		`<td class="comment-type">Webmention <span class="muted">(reply)</span></td>`, `<td class="comment-type">Comment</td>`,
		`From <a href="https://tweets.example.com/a/" rel="nofollow ugc noopener noreferrer">https://tweets.example.com/a/</a>.`,
		`(“Title of Jane”)`, fmt.Sprintf(`formaction="/admin/comments/%d/approve"`, ping.ID))
	// Linkbacks take no reply; comments do.
	for _, lb := range []*blog.Comment{ping, track, wm} {
		if strings.Contains(r.body, fmt.Sprintf(`/admin/comments/%d#reply`, lb.ID)) {
			t.Errorf("linkback %d offers Reply", lb.ID)
		}
	}
	mustContain(t, r, fmt.Sprintf(`/admin/comments/%d#reply`, cm.ID))

	rows := func(r response) []string {
		var ids []string
		for _, part := range strings.Split(r.body, `<tr id="comment-`)[1:] {
			ids = append(ids, part[:strings.Index(part, `"`)])
		}
		return ids
	}
	for q, want := range map[string][]int64{
		"comment":    {cm.ID},
		"pings":      {wm.ID, track.ID, ping.ID},
		"pingback":   {ping.ID},
		"trackback":  {track.ID},
		"webmention": {wm.ID},
		"":           {wm.ID, track.ID, ping.ID, cm.ID},
		"bogus":      {wm.ID, track.ID, ping.ID, cm.ID},
	} {
		r := c.get("/admin/comments/?comment_type=" + q)
		got := rows(r)
		if fmt.Sprint(got) != fmt.Sprint(idStrings(want)) {
			t.Errorf("comment_type=%q: rows %v, want %v", q, got, want)
		}
	}
	// The type stays with the status tabs and the paging.
	r = c.get("/admin/comments/?comment_type=pings&status=pending")
	mustContain(t, r, `href="/admin/comments/?comment_type=pings&amp;status=approved"`, `<option value="pings" selected>`)
	if got := rows(r); len(got) != 1 || got[0] != fmt.Sprint(ping.ID) {
		t.Errorf("pending pings: %v", got)
	}

	// Moderated as comments are: approve, spam, trash.
	for _, step := range []struct {
		action string
		want   blog.CommentStatus
	}{{"approve", blog.CommentApproved}, {"spam", blog.CommentSpam}, {"unspam", blog.CommentApproved},
		{"trash", blog.CommentTrash}, {"restore", blog.CommentApproved}} {
		r := c.post(fmt.Sprintf("/admin/comments/%d/%s", ping.ID, step.action), url.Values{"back": {"/admin/comments/"}})
		mustStatus(t, r, http.StatusSeeOther)
		if got := e.commentStatus(ping.ID); got != step.want {
			t.Errorf("%s: %s, want %s", step.action, got, step.want)
		}
	}
	_ = notes

	// Its page shows the type and source, no email field, no reply form;
	// a reply posted anyway is refused.
	path := fmt.Sprintf("/admin/comments/%d", ping.ID)
	r = c.get(path)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Type: <strong>Pingback</strong>", `From <a href="https://tweets.example.com/a/"`, "Excerpt", `<label for="f-url">Link</label>`)
	if strings.Contains(r.body, `name="email"`) || strings.Contains(r.body, `id="reply"`) {
		t.Error("a linkback's page offers an email field or a reply")
	}
	r = c.post(path+"/reply", url.Values{"reply": {"Thanks for the link."}})
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, c.get(r.location), "cannot be answered")
	if list, _ := e.st.PostComments(context.Background(), p.ID); len(list) != 4 {
		t.Errorf("%d approved after a reply to a pingback, want 4", len(list))
	}

	// Edited: the name, a long source URL and an excerpt that looks like
	// markup, kept as text; no email is added.
	long := "https://tweets.example.com/" + strings.Repeat("a", 300)
	r = c.post(path, url.Values{"author": {"Tweets <b>about</b> it"}, "email": {"sneaky@example.com"}, "url": {long},
		"comment": {"*not* <i>markup</i>"}})
	mustStatus(t, r, http.StatusSeeOther)
	got := e.comment(ping.ID)
	if got.AuthorName != "Tweets <b>about</b> it" || got.AuthorURL != long || got.AuthorEmail != "" ||
		got.Content != "*not* <i>markup</i>" || got.ContentHTML != "<p>*not* &lt;i&gt;markup&lt;/i&gt;</p>" ||
		got.SourceURL != "https://tweets.example.com/a/" || got.Type != blog.TypePingback {
		t.Errorf("edited linkback %+v", got)
	}
	r = c.get(path)
	if strings.Contains(r.body, "<i>markup</i>") {
		t.Error("the excerpt is shown as markup")
	}
	r = c.post(path, url.Values{"author": {"X"}, "url": {"javascript:alert(1)"}, "comment": {""}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-url"`)
}

func idStrings(ids []int64) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = fmt.Sprint(id)
	}
	return out
}

func TestPostEditorAllowPings(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	r := c.get("/admin/posts/new")
	mustContain(t, r, "<legend>Discussion</legend>", `name="pings_open" value="1" checked`, "Allow pingbacks &amp; trackbacks")

	// Unticked: the post refuses linkbacks.
	r = c.post("/admin/posts/new", postForm("title", "No pings", "body", "x", "comments_field", "1", "comments_open", "1",
		"pings_field", "1", "action", "publish"))
	mustStatus(t, r, http.StatusSeeOther)
	id := postIDFrom(t, r)
	p, _ := e.st.Post(context.Background(), id)
	if !p.PingsClosed || p.CommentsClosed {
		t.Fatalf("pings closed %v, comments closed %v", p.PingsClosed, p.CommentsClosed)
	}
	if strings.Contains(c.get(fmt.Sprintf("/admin/posts/%d", id)).body, `name="pings_open" value="1" checked`) {
		t.Error("the editor shows pings allowed on a post that refuses them")
	}
	// A form without the box keeps the switch as it was; ticking opens.
	c.post(fmt.Sprintf("/admin/posts/%d", id), postForm("title", "No pings", "body", "y", "status", "publish", "action", "save"))
	if p, _ = e.st.Post(context.Background(), id); !p.PingsClosed || p.Body != "y" {
		t.Errorf("closed %v, body %q", p.PingsClosed, p.Body)
	}
	c.post(fmt.Sprintf("/admin/posts/%d", id), postForm("title", "No pings", "body", "y", "status", "publish",
		"pings_field", "1", "pings_open", "1", "action", "save"))
	if p, _ = e.st.Post(context.Background(), id); p.PingsClosed {
		t.Error("ticking the box did not allow pings")
	}

	// The site's default: new posts refuse linkbacks when it says so.
	if err := e.st.SaveSettings(context.Background(), map[string]string{site.KeyDefaultPingStatus: "closed"}); err != nil {
		t.Fatal(err)
	}
	r = c.get("/admin/posts/new")
	if strings.Contains(r.body, `name="pings_open" value="1" checked`) {
		t.Error("a new post's box is ticked though the default is closed")
	}
	mustContain(t, r, `name="pings_open" value="1" aria-describedby="hint-pings"`)
	// A form posted without the box takes the default.
	r = c.post("/admin/posts/new", postForm("title", "Default", "body", "x", "action", "publish"))
	mustStatus(t, r, http.StatusSeeOther)
	if p, _ = e.st.Post(context.Background(), postIDFrom(t, r)); !p.PingsClosed {
		t.Error("a post made without the box ignored the default")
	}
}

// The privacy tools find, export and erase by email: linkbacks hold none,
// so they are never found, and neither erase touches them.
func TestPrivacyToolsLeaveLinkbacks(t *testing.T) {
	e, _ := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("Linked and commented", owner.ID)
	ann := e.addComment(p, 0, blog.CommentApproved, "Ann", "ann@example.com", "192.0.2.1", "Ann's words.")
	ping := e.addLinkback(p, blog.TypePingback, "", blog.CommentApproved, "https://a.example/", "A page", "[…] x […]")
	wm := e.addLinkback(p, blog.TypeWebmention, blog.MentionReply, blog.CommentApproved, "https://jane.example/n/1", "Jane", "Reply.")
	wmBefore := e.comment(wm.ID)

	r := c.post("/admin/privacy", url.Values{"email": {"ann@example.com"}})
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Comments (1)", "<td>Comment</td>")
	if strings.Contains(r.body, "A page") || strings.Contains(r.body, "Jane") {
		t.Error("a linkback is listed as the person's data")
	}
	r = c.post("/admin/privacy/export", url.Values{"email": {"ann@example.com"}})
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, `"type": "comment"`)
	if strings.Contains(r.body, "a.example") || strings.Contains(r.body, "jane.example") {
		t.Error("a linkback is in the person's export")
	}
	for _, mode := range []string{"anonymize", "delete"} {
		r = c.post("/admin/privacy/erase", url.Values{"email": {"ann@example.com"}, "mode": {mode}, "confirm": {"1"}})
		mustStatus(t, r, http.StatusSeeOther)
	}
	if _, err := e.st.Comment(context.Background(), ann.ID); err == nil {
		// Anonymized first (its email gone), the delete found nothing.
		if got := e.comment(ann.ID); got.AuthorName != "Anonymous" {
			t.Errorf("Ann's comment after erasing: %+v", got)
		}
	}
	if got := e.comment(ping.ID); got.AuthorName != "A page" || got.SourceURL != "https://a.example/" || got.Status != blog.CommentApproved {
		t.Errorf("pingback after erasing: %+v", got)
	}
	if got := e.comment(wm.ID); *got != *wmBefore {
		t.Errorf("webmention after erasing: %+v, was %+v", got, wmBefore)
	}
	// The post still shows both.
	mustContain(t, c.get(fmt.Sprintf("/admin/comments/?post=%d", p.ID)), "A page", "Jane")
}
