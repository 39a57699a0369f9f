package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/web"
)

// commentList returns the <ol class="comment-list"> of a page, through its
// page navigation, or fails.
func commentList(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `<ol class="comment-list">`)
	j := strings.Index(body, `<section id="respond"`)
	if j < 0 {
		j = strings.Index(body, `<p class="no-comments">`)
	}
	if i < 0 || j < i {
		t.Fatalf("no comment list in\n%.3000s", body)
	}
	return body[i:j]
}

// A reader whose form is filled from their cookie gets a personal page;
// the thread in it is shared, and must show a comment as soon as it is
// approved, and drop one as soon as it is not.
func TestPersonalPageShowsNewCommentAtOnce(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyCommentPreviouslyOK: "0"})
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	first := ce.comment(p, 0, "Ann", "ann@example.org", "First of all.", blog.CommentApproved)

	r := ce.send(form(p, ce.token(postPath), "comment", "Rita's first.", "wp-comment-cookies-consent", "yes"))
	saved := r.cookie("quire_commenter")
	if r.code != http.StatusSeeOther || saved == nil {
		t.Fatalf("submit: %d, cookie %v", r.code, saved)
	}
	mine := ce.getWith(postPath, saved)
	mine.has(t, "2 thoughts on", "First of all.", "Rita&#39;s first.", `value="Rita Reader"`)
	ce.getWith(postPath, saved).has(t, "2 thoughts on") // from the thread cache now

	// Another reader's comment is approved at once: the personal page shows
	// it on the very next request.
	r = ce.send(form(p, ce.token(postPath), "author", "Bob", "email", "bob@example.org", "comment", "Bob agrees."))
	if r.code != http.StatusSeeOther {
		t.Fatalf("second submit: %d", r.code)
	}
	mine = ce.getWith(postPath, saved)
	mine.has(t, "3 thoughts on", "First of all.", "Rita&#39;s first.", "Bob agrees.", `value="Rita Reader"`)
	if mine.hdr.Get("Cache-Control") != "private, no-store" {
		t.Errorf("personal page cacheable: %v", mine.hdr)
	}
	// So does a reply added by a moderator through the store.
	reply := ce.comment(p, first.ID, "Ann", "ann@example.org", "Ann replies.", blog.CommentApproved)
	mine = ce.getWith(postPath, saved)
	mine.has(t, "4 thoughts on", "Ann replies.")
	if nesting(t, mine.body, "comment-"+itoa(reply.ID)) != 1 {
		t.Errorf("reply not nested")
	}
	// And a comment marked spam is gone from it at once.
	if _, err := ce.st.SetCommentStatus(context.Background(), blog.CommentSpam, first.ID); err != nil {
		t.Fatal(err)
	}
	mine = ce.getWith(postPath, saved)
	mine.has(t, "3 thoughts on", "Bob agrees.")
	mine.lacks(t, "First of all.")
}

// Every reader gets the same thread whatever their personal parts, and it
// is the thread a handler with nothing cached renders.
func TestThreadSameForEveryReader(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyCommentsPerPage: "2"})
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	var last *blog.Comment
	for i := range 5 {
		parent := int64(0)
		if i%2 == 1 {
			parent = last.ID
		}
		c := ce.comment(p, parent, "Reader <"+itoa(int64(i))+">", "r"+itoa(int64(i))+"@example.org", "Said "+itoa(int64(i)), blog.CommentApproved)
		if parent == 0 {
			last = c
		}
	}
	user := ce.login(ce.author)
	for _, path := range []string{postPath, postPath + "comment-page-2/"} {
		want := commentList(t, ce.get(path).body)
		for _, got := range []resp{
			ce.getWith(path, user),
			ce.getWith(path+"?replytocom="+itoa(last.ID), user),
			ce.get(path + "?replytocom=" + itoa(last.ID)),
		} {
			if g := commentList(t, got.body); g != want {
				t.Errorf("%s: thread differs between readers:\n%s\n---\n%s", path, g, want)
			}
		}
		// A new handler, with nothing cached, renders the same thread.
		d := ce.deps()
		d.Comments, d.Sessions = ce.svc, ce.sessions
		mux := http.NewServeMux()
		web.New(d).Routes(mux)
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(user)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		if g := commentList(t, rec.Body.String()); g != want {
			t.Errorf("%s: cached thread differs from a fresh one:\n%s\n---\n%s", path, g, want)
		}
	}
	ce.get(postPath+"comment-page-3/").has(t, "Reader &lt;4&gt;")
	if r := ce.getWith(postPath+"comment-page-4/", user); r.code != http.StatusNotFound {
		t.Errorf("page past the last: %d", r.code)
	}
}

// The author of a held comment sees it in its place, marked, even when
// the thread is cached for everyone else; no one else ever does.
func TestHeldViewWithThreadCached(t *testing.T) {
	ce := newCommentEnv(t, nil) // a first comment waits
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	top := ce.comment(p, 0, "Ann", "ann@example.org", "Top comment.", blog.CommentApproved)
	ce.comment(p, 0, "Bea", "bea@example.org", "Another top comment.", blog.CommentApproved)
	user := ce.login(ce.author)
	ce.getWith(postPath, user).has(t, "2 thoughts on")

	r := ce.send(form(p, ce.token(postPath), "comment", "Helga's held reply.", "comment_parent", itoa(top.ID)))
	if r.code != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", r.code, r.body)
	}
	held := r.cookie("quire_held")
	u, err := url.Parse(r.hdr.Get("Location"))
	if err != nil || held == nil {
		t.Fatalf("Location %q, held cookie %v", r.hdr.Get("Location"), held)
	}
	id := u.Query().Get("unapproved")
	// Warm the shared thread of this version before and after the author looks.
	ce.getWith(postPath, user).lacks(t, "Helga&#39;s held reply.")
	for _, v := range []resp{ce.get(u.RequestURI()), ce.getWith(postPath, held)} {
		v.has(t, "Helga&#39;s held reply.", "Your comment is awaiting moderation.", `class="comment depth-2 held"`, "2 thoughts on")
		if nesting(t, v.body, "comment-"+id) != 1 {
			t.Errorf("held reply not in its place")
		}
		if v.hdr.Get("Cache-Control") != "private, no-store" {
			t.Errorf("held view cacheable: %v", v.hdr)
		}
	}
	for _, v := range []resp{ce.get(postPath), ce.getWith(postPath, user)} {
		v.lacks(t, "Helga&#39;s held reply.", "awaiting moderation")
	}

	// Approved, it is everyone's, its author's view no longer marks it.
	n, _ := ce.st.SetCommentStatus(context.Background(), blog.CommentApproved, mustID(t, id))
	if n != 1 {
		t.Fatalf("approve: %d", n)
	}
	v := ce.getWith(postPath, held)
	v.has(t, "3 thoughts on", "Helga&#39;s held reply.")
	v.lacks(t, "awaiting moderation")
	ce.getWith(postPath, user).has(t, "Helga&#39;s held reply.")
}

// Reply links go when comments close by age, though nothing in the
// content changed.
func TestReplyLinksGoWhenCommentsClose(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyCloseCommentsDays: "30"})
	p := ce.post("Fresh Talk", ce.now.Add(-30*24*time.Hour+20*time.Second), nil)
	ce.comment(p, 0, "Ann", "ann@example.org", "Still open.", blog.CommentApproved)
	path := "/" + ce.now.Add(-30*24*time.Hour).In(chicago(t)).Format("2006/01/02") + "/fresh-talk/"
	user := ce.login(ce.author)
	ce.getWith(path, user).has(t, "comment-reply-link", `id="respond"`)
	ce.now = ce.now.Add(40 * time.Second)
	r := ce.getWith(path, user)
	r.has(t, "Still open.", "Comments are closed.")
	r.lacks(t, "comment-reply-link", `id="respond"`)
}

func chicago(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
