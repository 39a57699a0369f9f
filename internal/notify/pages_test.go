package notify_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/notify"
)

func checkPrivate(t *testing.T, r response) {
	t.Helper()
	if cc := r.hdr.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	if ct := r.hdr.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if !strings.Contains(r.body, `<link rel="stylesheet" href="`+notify.Stylesheet+`">`) {
		t.Errorf("page lacks the theme's stylesheet:\n%s", r.body)
	}
}

func TestDoubleOptInThroughThePages(t *testing.T) {
	f := newFixture(t)
	if err := f.subscribe(f.post.ID, "reader@example.org"); err != nil {
		t.Fatal(err)
	}
	confirm := f.local(oneLink(t, f.take()[0].Text, "/comments/confirm/"))

	// Opening the link (a mail scanner does) shows a button and confirms
	// nothing.
	for range 2 {
		r := f.do(http.MethodGet, confirm, nil, nil)
		if r.code != http.StatusOK || !strings.Contains(r.body, "<form class=\"notify-form\" method=\"post\">") ||
			!strings.Contains(r.body, "Yes, email me new comments") || !strings.Contains(r.body, "What Business Are You In?") {
			t.Fatalf("confirm page: %d\n%s", r.code, r.body)
		}
		checkPrivate(t, r)
	}
	if got := f.active(f.post.ID); len(got) != 0 {
		t.Fatalf("active after GET: %v", got)
	}

	// The button's POST confirms, as a browser sends it from the page.
	r := f.do(http.MethodPost, confirm, url.Values{}, map[string]string{"Origin": f.srv.URL, "Sec-Fetch-Site": "same-origin"})
	if r.code != http.StatusOK || !strings.Contains(r.body, "Thank you") {
		t.Fatalf("confirm POST: %d\n%s", r.code, r.body)
	}
	checkPrivate(t, r)
	if got := f.active(f.post.ID); len(got) != 1 || got[0] != "reader@example.org" {
		t.Fatalf("active after POST: %v", got)
	}
	if r := f.do(http.MethodGet, confirm, nil, nil); !strings.Contains(r.body, "You already follow") || strings.Contains(r.body, "<form") {
		t.Errorf("confirm page after confirming:\n%s", r.body)
	}

	// A confirmed address: a later subscription is active at once, no mail.
	other := f.newPost("Ask Better Questions", f.author.ID)
	if err := f.subscribe(other.ID, "Reader@example.org"); err != nil {
		t.Fatal(err)
	}
	if msgs := f.take(); len(msgs) != 0 {
		t.Errorf("mails for a confirmed address's second subscription: %+v", msgs)
	}
	if got := f.active(other.ID); len(got) != 1 {
		t.Errorf("second subscription of a confirmed address: %v", got)
	}

	// A cross-origin POST (a page elsewhere trying to confirm) is refused
	// by the server's protection.
	if err := f.subscribe(other.ID, "third@example.org"); err != nil {
		t.Fatal(err)
	}
	third := f.local(oneLink(t, f.take()[0].Text, "/comments/confirm/"))
	r = f.do(http.MethodPost, third, url.Values{}, map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if r.code != http.StatusForbidden {
		t.Errorf("cross-site confirm: %d", r.code)
	}
	if got := f.active(other.ID); len(got) != 1 {
		t.Errorf("active after a cross-site confirm: %v", got)
	}

	// An unknown token: a clear 404.
	r = f.do(http.MethodPost, f.srv.URL+"/comments/confirm/no-such-token", url.Values{}, nil)
	if r.code != http.StatusNotFound || !strings.Contains(r.body, "This link does not work any more") {
		t.Errorf("unknown token: %d\n%s", r.code, r.body)
	}
	checkPrivate(t, r)
}

func TestOneClickUnsubscribe(t *testing.T) {
	f := newFixture(t)
	f.confirmed("alice@example.org")
	c := f.comment(blog.CommentApproved, "Bob", "bob@example.org", "First!")
	if err := f.approved(c); err != nil {
		t.Fatal(err)
	}
	m := f.take()[0]
	hdr := m.Headers["List-Unsubscribe"]
	oneClick := f.local(strings.Trim(hdr, "<>"))

	// GET shows a button and changes nothing.
	r := f.do(http.MethodGet, oneClick, nil, nil)
	if r.code != http.StatusOK || !strings.Contains(r.body, "Stop emails about this post") {
		t.Fatalf("unsubscribe page: %d\n%s", r.code, r.body)
	}
	checkPrivate(t, r)
	if got := f.active(f.post.ID); len(got) != 1 {
		t.Fatalf("active after GET: %v", got)
	}

	// The provider's one-click POST (RFC 8058): no cookie, no Origin, no
	// form token, just the body.
	r = f.do(http.MethodPost, oneClick, url.Values{"List-Unsubscribe": {"One-Click"}}, nil)
	if r.code != http.StatusOK || !strings.Contains(r.body, "You are unsubscribed") {
		t.Fatalf("one-click POST: %d\n%s", r.code, r.body)
	}
	checkPrivate(t, r)
	if got := f.active(f.post.ID); len(got) != 0 {
		t.Fatalf("active after one-click: %v", got)
	}
	c2 := f.comment(blog.CommentApproved, "Bob", "bob@example.org", "Second!")
	if err := f.approved(c2); err != nil {
		t.Fatal(err)
	}
	if msgs := f.take(); len(msgs) != 0 {
		t.Errorf("mails after unsubscribing: %d", len(msgs))
	}
	// Again (providers retry): the link is spent, and says so.
	r = f.do(http.MethodPost, oneClick, url.Values{"List-Unsubscribe": {"One-Click"}}, nil)
	if r.code != http.StatusNotFound || !strings.Contains(r.body, "unsubscribed before") {
		t.Errorf("second one-click: %d\n%s", r.code, r.body)
	}
}

func TestUnsubscribeFromAll(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.confirmed("alice@example.org")
	other := f.newPost("Ask Better Questions", f.author.ID)
	if err := f.subscribe(other.ID, "alice@example.org"); err != nil {
		t.Fatal(err)
	}
	all := f.srv.URL + "/comments/unsubscribe-all/" + a.Token
	r := f.do(http.MethodGet, all, nil, nil)
	if r.code != http.StatusOK || !strings.Contains(r.body, "Stop all follow-up emails") {
		t.Fatalf("unsubscribe-all page: %d\n%s", r.code, r.body)
	}
	if got := f.active(other.ID); len(got) != 1 {
		t.Fatalf("active after GET: %v", got)
	}
	r = f.do(http.MethodPost, all, url.Values{}, nil)
	if r.code != http.StatusOK || !strings.Contains(r.body, "unsubscribed from all") {
		t.Fatalf("unsubscribe-all POST: %d\n%s", r.code, r.body)
	}
	checkPrivate(t, r)
	if got := append(f.active(f.post.ID), f.active(other.ID)...); len(got) != 0 {
		t.Errorf("active after unsubscribing from all: %v", got)
	}
	// Ticking the box again later: nothing, not even a confirmation mail.
	if err := f.subscribe(f.post.ID, "ALICE@example.org"); err != nil {
		t.Fatal(err)
	}
	if msgs := f.take(); len(msgs) != 0 {
		t.Errorf("mails to an address that unsubscribed from all: %+v", msgs)
	}
	if _, err := f.st.CommentSubscriptionByToken(ctx, a.Token); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("subscription kept: %v", err)
	}
}

// TestOldModerationLinkDoesNotUndo: a comment held and mailed, then marked
// as spam by a moderator in the admin; the mail's approve link changes
// nothing, says what happened since, and mails no subscriber.
func TestOldModerationLinkDoesNotUndo(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.confirmed("alice@example.org")
	c := f.comment(blog.CommentPending, "Sly Spammer", "sly@example.org", "Cheap watches")
	if err := f.stored(c, false); err != nil {
		t.Fatal(err)
	}
	approve := oneLink(t, byTo(t, f.take())["writer@example.com"].Text, "/approve?")
	if _, err := f.st.SetCommentStatus(ctx, blog.CommentSpam, c.ID); err != nil { // the admin's Spam button
		t.Fatal(err)
	}
	day := time.Now().UTC().Format("January 2, 2006")
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var form url.Values
		if method == http.MethodPost {
			u, _ := url.Parse(approve)
			form = u.Query()
		}
		r := f.do(method, f.local(approve), form, nil)
		if r.code != http.StatusConflict || !strings.Contains(r.body, "This comment was marked as spam by a moderator on "+day) ||
			!strings.Contains(r.body, "changed nothing") || strings.Contains(r.body, "<form") {
			t.Errorf("%s of the old approve link: %d\n%s", method, r.code, r.body)
		}
	}
	if cur, err := f.st.Comment(ctx, c.ID); err != nil || cur.Status != blog.CommentSpam {
		t.Fatalf("status after the old link: %v, %v; want spam", cur, err)
	}
	if msgs := f.take(); len(msgs) != 0 {
		t.Errorf("mails after the old link: %+v", msgs)
	}
}

func TestModerationLinks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.confirmed("alice@example.org")
	c := f.comment(blog.CommentPending, "Ann <b>Reader</b>", "ann@example.org", "Hold <i>me</i>")
	if err := f.stored(c, false); err != nil {
		t.Fatal(err)
	}
	text := byTo(t, f.take())["writer@example.com"].Text
	approve := f.local(oneLink(t, text, "/approve?"))
	spam := f.local(oneLink(t, text, "/spam?"))
	status := func() blog.CommentStatus {
		t.Helper()
		cur, err := f.st.Comment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return cur.Status
	}

	// GET shows the comment, escaped, and a button; nothing changes.
	r := f.do(http.MethodGet, approve, nil, nil)
	if r.code != http.StatusOK || !strings.Contains(r.body, "Approve the comment") ||
		!strings.Contains(r.body, "Ann &lt;b&gt;Reader&lt;/b&gt;") || !strings.Contains(r.body, "Hold &lt;i&gt;me&lt;/i&gt;") ||
		!strings.Contains(r.body, "ann@example.org") || !strings.Contains(r.body, "192.0.2.7") {
		t.Fatalf("moderation page: %d\n%s", r.code, r.body)
	}
	checkPrivate(t, r)
	if status() != blog.CommentPending {
		t.Fatal("GET changed the comment")
	}

	u, _ := url.Parse(approve)
	q := u.Query()
	if q.Get("from") != "pending" {
		t.Fatalf("the link does not carry the status it was made for: %s", approve)
	}
	post := func(path string, e, from, s string) response {
		return f.do(http.MethodPost, f.srv.URL+path, url.Values{"e": {e}, "from": {from}, "s": {s}}, nil)
	}
	// Forged: another signature, an action it was not made for, another
	// comment, a later expiry, another status it was made for.
	forged := []struct{ name, path, e, from, s string }{
		{"bad signature", u.Path, q.Get("e"), "pending", "AAAA" + q.Get("s")[4:]},
		{"no signature", u.Path, q.Get("e"), "pending", ""},
		{"other action", strings.Replace(u.Path, "/approve", "/spam", 1), q.Get("e"), "pending", q.Get("s")},
		{"other comment", strings.Replace(u.Path, "/"+itoa(c.ID)+"/", "/"+itoa(c.ID+1)+"/", 1), q.Get("e"), "pending", q.Get("s")},
		{"longer life", u.Path, itoa(f.clock.Now().Add(365 * 24 * time.Hour).Unix()), "pending", q.Get("s")},
		{"other status", u.Path, q.Get("e"), "spam", q.Get("s")},
		{"no status", u.Path, q.Get("e"), "", q.Get("s")},
	}
	for _, tc := range forged {
		if r := post(tc.path, tc.e, tc.from, tc.s); r.code != http.StatusForbidden || !strings.Contains(r.body, "nothing was done") {
			t.Errorf("%s: %d\n%s", tc.name, r.code, r.body)
		}
	}
	if r := f.do(http.MethodGet, f.srv.URL+"/comments/moderate/"+itoa(c.ID)+"/delete?e=1&s=x", nil, nil); r.code != http.StatusNotFound {
		t.Errorf("unknown action: %d", r.code)
	}
	if status() != blog.CommentPending {
		t.Fatal("a forged link changed the comment")
	}

	// Expired: the links work for 14 days.
	f.clock.add(notify.ActionLinkTTL + time.Minute)
	if r := post(u.Path, q.Get("e"), "pending", q.Get("s")); r.code != http.StatusForbidden {
		t.Errorf("expired link: %d", r.code)
	}
	f.clock.add(-notify.ActionLinkTTL)
	if status() != blog.CommentPending {
		t.Fatal("an expired link changed the comment")
	}

	// The button's POST approves, and the post's subscribers hear of it.
	r = post(u.Path, q.Get("e"), "pending", q.Get("s"))
	if r.code != http.StatusOK || !strings.Contains(r.body, "Comment approved") {
		t.Fatalf("approve POST: %d\n%s", r.code, r.body)
	}
	checkPrivate(t, r)
	if status() != blog.CommentApproved {
		t.Fatalf("status after approve = %s", status())
	}
	msgs := f.take()
	if len(msgs) != 1 || msgs[0].To != "alice@example.org" || !strings.Contains(msgs[0].Text, "Hold <i>me</i>") {
		t.Fatalf("follow-ups after approval: %+v", msgs)
	}
	// Pressed again: the comment is no longer as the mail knew it; nothing
	// is done, nobody mailed twice.
	if r := post(u.Path, q.Get("e"), "pending", q.Get("s")); r.code != http.StatusConflict || !strings.Contains(r.body, "This comment was approved by a moderator") {
		t.Errorf("second approve: %d\n%s", r.code, r.body)
	}
	if msgs := f.take(); len(msgs) != 0 {
		t.Errorf("mails after a second approval: %d", len(msgs))
	}
	if r := f.do(http.MethodGet, approve, nil, nil); !strings.Contains(r.body, "approved by a moderator") || strings.Contains(r.body, "<form") {
		t.Errorf("approve page of an approved comment:\n%s", r.body)
	}

	// The spam link from the same mail was made for a held comment: it
	// does not act on the approved one.
	su, _ := url.Parse(spam)
	if r := post(su.Path, su.Query().Get("e"), su.Query().Get("from"), su.Query().Get("s")); r.code != http.StatusConflict || status() != blog.CommentApproved {
		t.Errorf("spam POST on an approved comment: %d, status %s", r.code, status())
	}
	// A deleted comment: 404.
	if _, err := f.st.DeleteComments(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if r := f.do(http.MethodGet, approve, nil, nil); r.code != http.StatusNotFound {
		t.Errorf("link to a deleted comment: %d", r.code)
	}
}
