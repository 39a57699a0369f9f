package web_test

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

const postPath = "/2011/01/05/what-business-are-you-in/"

func TestCommentCountHeading(t *testing.T) {
	ce := newCommentEnv(t, nil)
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	r := ce.get(postPath)
	if r.code != 200 {
		t.Fatalf("status %d", r.code)
	}
	r.has(t, `<section id="comments"`, "No comments yet", "Leave a Reply", `<section id="respond"`)

	ce.comment(p, 0, "Bo", "bo@example.org", "First!", blog.CommentApproved)
	ce.get(postPath).has(t, "One thought on “What Business Are You In?”")
	ce.comment(p, 0, "Cy", "cy@example.org", "Second.", blog.CommentApproved)
	ce.comment(p, 0, "Di", "di@example.org", "Held back.", blog.CommentPending)
	ce.comment(p, 0, "Ed", "ed@example.org", "Buy pills.", blog.CommentSpam)
	r = ce.get(postPath)
	r.has(t, "2 thoughts on “What Business Are You In?”", "First!", "Second.")
	r.lacks(t, "Held back.", "Buy pills.", "No comments yet")
}

func TestThreadNestingAndDepth(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyThreadDepth: "3"})
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	a := ce.comment(p, 0, "Ann", "a@example.org", "Top.", blog.CommentApproved)
	b := ce.comment(p, a.ID, "Ben", "b@example.org", "Reply one.", blog.CommentApproved)
	c := ce.comment(p, b.ID, "Cat", "c@example.org", "Reply two.", blog.CommentApproved)
	d := ce.comment(p, c.ID, "Dan", "d@example.org", "Reply three.", blog.CommentApproved)
	r := ce.get(postPath)
	for id, want := range map[int64]int{a.ID: 0, b.ID: 1, c.ID: 2, d.ID: 2} {
		if got := nesting(t, r.body, "comment-"+itoa(id)); got != want {
			t.Errorf("comment %d nested %d deep, want %d", id, got, want)
		}
	}
	// Reply links up to the last level, none on it.
	r.has(t, `href="?replytocom=`+itoa(a.ID)+`#respond"`, `href="?replytocom=`+itoa(b.ID)+`#respond"`,
		`<a class="comment-permalink" href="#comment-`+itoa(a.ID)+`"><time datetime="2024-05-01T04:01:00-05:00">May 1, 2024 at 4:01 am</time></a>`)
	r.lacks(t, "replytocom="+itoa(c.ID), "replytocom="+itoa(d.ID))
}

func TestCommentAuthorDisplay(t *testing.T) {
	ce := newCommentEnv(t, nil)
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	c := ce.comment(p, 0, "Web Person", "web@example.org", "Linked.", blog.CommentApproved)
	c.AuthorURL = "https://web.example.net/"
	if err := ce.st.UpdateComment(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	own := &blog.Comment{PostID: p.ID, Status: blog.CommentApproved, AuthorName: ce.author.Name, AuthorEmail: ce.author.Email,
		UserID: ce.author.ID, Content: "Thanks!", ContentHTML: "<p>Thanks!</p>", CreatedAt: day(2024, 5, 2)}
	if err := ce.st.CreateComment(context.Background(), own); err != nil {
		t.Fatal(err)
	}
	r := ce.get(postPath)
	r.has(t, `<a href="https://web.example.net/" rel="nofollow ugc" class="url">Web Person</a>`,
		`<article id="comment-`+itoa(own.ID)+`"`, "Post author")
	if strings.Count(r.body, "Post author") != 1 {
		t.Errorf("the badge should appear once, on the author's comment")
	}
	// Avatars are local and keyed: not the email nor a plain hash of it.
	if !strings.Contains(r.body, `src="/avatar/`) {
		t.Fatalf("no local avatar")
	}
	r.lacks(t, "web@example.org", "gravatar")
	i := strings.Index(r.body, `src="/avatar/`)
	path := r.body[i+5 : i+5+strings.Index(r.body[i+5:], `"`)]
	// The name is the site-keyed hash of the email: a plain hash of the
	// address (which anyone holding the address could compute) is not it.
	key, err := ce.site.Key(context.Background(), "avatar")
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("email\x00web@example.org"))
	if want := "/avatar/" + hex.EncodeToString(mac.Sum(nil))[:32] + ".svg"; !strings.Contains(r.body, `src="`+want+`"`) {
		t.Errorf("the commenter's avatar is not the keyed hash %s", want)
	}
	plainSHA := sha256.Sum256([]byte("web@example.org"))
	plainMD5 := md5.Sum([]byte("web@example.org"))
	for _, plain := range []string{hex.EncodeToString(plainSHA[:])[:32], hex.EncodeToString(plainMD5[:])} {
		if strings.Contains(r.body, plain) {
			t.Errorf("the page holds a plain hash of a commenter's email: %s", plain)
		}
	}
	av := ce.get(path)
	if av.code != 200 || av.hdr.Get("Content-Type") != "image/svg+xml" || !strings.Contains(av.hdr.Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(av.body, "<svg") {
		t.Errorf("avatar %s: %d %v %.60s", path, av.code, av.hdr, av.body)
	}
	if again := ce.get(path); again.body != av.body {
		t.Errorf("avatar not deterministic")
	}
	for _, bad := range []string{"/avatar/zz.svg", "/avatar/" + strings.Repeat("g", 32) + ".svg", "/avatar/" + strings.Repeat("a", 32) + ".png"} {
		if ce.get(bad).code != 404 {
			t.Errorf("%s not 404", bad)
		}
	}
}

func TestGravatarAllowedByCSP(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyShowGravatar: "1"})
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	ce.comment(p, 0, "Bo", "bo@example.org", "Hi.", blog.CommentApproved)
	// The server's own policy allows images from the site only; the page
	// adds Gravatar's origin to it.
	rec := httptest.NewRecorder()
	ce.h.ServeHTTP(rec, httptest.NewRequest("GET", postPath, nil))
	csp := rec.Header().Get("Content-Security-Policy")
	if !strings.Contains(csp, "img-src 'self' data: https://secure.gravatar.com") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
	if !strings.Contains(rec.Body.String(), `src="https://secure.gravatar.com/avatar/`) {
		t.Errorf("no Gravatar image")
	}
}

func TestReplyFormStates(t *testing.T) {
	ce := newCommentEnv(t, nil)
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	other := ce.post("Another", day(2011, 2, 5), nil)
	a := ce.comment(p, 0, "Ann", "a@example.org", "Top.", blog.CommentApproved)
	held := ce.comment(p, 0, "Hal", "h@example.org", "Waiting.", blog.CommentPending)
	elsewhere := ce.comment(other, 0, "Oz", "o@example.org", "Other post.", blog.CommentApproved)

	r := ce.get(postPath)
	r.has(t, `Leave a Reply<span id="reply-to" hidden>`, `<a id="cancel-comment-reply-link" href="`+postPath+`#respond" hidden>Cancel reply</a>`,
		`<label for="comment">Comment <span class="required" aria-hidden="true">*</span></label>`,
		`<label for="author">Name`, `<label for="email">Email`, `<label for="url">Website</label>`,
		"Your email address will not be published. Required fields are marked",
		"Save my name, email, and website in this browser for the next time I comment.",
		"Notify me of follow-up comments by email.",
		`name="comment_post_ID" id="comment_post_ID" value="`+itoa(p.ID)+`"`, `name="comment_parent" id="comment_parent" value="0"`,
		`<p class="comment-hp" aria-hidden="true">`, `<label for="comment_hp">Leave this field empty</label>`,
		`<input id="comment_hp" name="comment_hp" type="text" value="" tabindex="-1" autocomplete="off">`,
		`action="/wp-comments-post.php"`, `/static/comment-reply.js?v=`)
	if r.hdr.Get("Cache-Control") != "public, max-age=0, must-revalidate" {
		t.Errorf("a reader's fresh page should be public: %v", r.hdr)
	}

	r = ce.get(postPath + "?replytocom=" + itoa(a.ID))
	r.has(t, `Leave a Reply<span id="reply-to"> to <span id="reply-to-name">Ann</span></span>`,
		`<a id="cancel-comment-reply-link" href="`+postPath+`#respond">Cancel reply</a>`,
		`name="comment_parent" id="comment_parent" value="`+itoa(a.ID)+`"`, `<meta name="robots" content="noindex">`)

	for _, id := range []int64{held.ID, elsewhere.ID, 999999} {
		r = ce.get(postPath + "?replytocom=" + itoa(id))
		r.has(t, `name="comment_parent" id="comment_parent" value="0"`, `<span id="reply-to" hidden>`)
	}

	closed := ce.post("Closed Talk", day(2011, 3, 5), func(p *blog.Post) { p.CommentsClosed = true })
	ce.comment(closed, 0, "Ann", "a@example.org", "Before closing.", blog.CommentApproved)
	r = ce.get("/2011/03/05/closed-talk/")
	r.has(t, "Comments are closed.", "One thought on “Closed Talk”", "Before closing.")
	r.lacks(t, `id="respond"`, "replytocom", "comment-reply.js")
}

func TestSubmitHeldThenApproved(t *testing.T) {
	ce := newCommentEnv(t, nil) // a first comment waits: "previously approved" is on
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	tok := ce.token(postPath)
	r := ce.send(form(p, tok, "comment", "My first thought.", "subscribe", "1"))
	if r.code != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", r.code, r.body)
	}
	loc := r.hdr.Get("Location")
	list, _ := ce.st.PostComments(context.Background(), p.ID, blog.CommentPending)
	if len(list) != 1 {
		t.Fatalf("held comments: %d", len(list))
	}
	c := list[0]
	if !strings.HasPrefix(loc, postPath+"?unapproved="+itoa(c.ID)+"&moderation-hash=") || !strings.HasSuffix(loc, "#comment-"+itoa(c.ID)) {
		t.Fatalf("Location %q", loc)
	}
	// Written with the comment: the moderators' mail and the reader's
	// follow-up confirmation; no follow-up of a held comment.
	subs, _, err := ce.st.PrivacySubscriptions(context.Background(), "rita@example.org")
	if err != nil || len(subs) != 1 || subs[0].PostID != p.ID {
		t.Fatalf("follow-up subscription: %+v %v", subs, err)
	}
	if got := ce.mailJobs(); len(got) != 2 || got[0] != "comment_moderation "+itoa(c.ID) || !strings.HasPrefix(got[1], "comment_confirm s") {
		t.Errorf("mail jobs %q, want the moderation mail of %d and a confirmation", got, c.ID)
	}
	if r.cookie("quire_commenter") != nil {
		t.Errorf("details cookie set without consent")
	}
	held := r.cookie("quire_held")

	// The author's view through the signed link.
	u, _ := url.Parse(loc)
	v := ce.get(u.RequestURI())
	v.has(t, "My first thought.", "Your comment is awaiting moderation.", `<article id="comment-`+itoa(c.ID)+`"`)
	if v.hdr.Get("Cache-Control") != "private, no-store" {
		t.Errorf("held view cacheable: %v", v.hdr)
	}
	// A forged hash, or no hash: nothing.
	q := u.Query()
	q.Set("moderation-hash", "forged"+q.Get("moderation-hash")[6:])
	ce.get(u.Path+"?"+q.Encode()).lacks(t, "My first thought.", "awaiting moderation")
	ce.get(postPath).lacks(t, "My first thought.")
	// Its author's cookie still shows it after the link has expired.
	ce.now = ce.now.Add(time.Hour)
	ce.get(u.RequestURI()).lacks(t, "My first thought.")
	if held == nil {
		t.Fatal("no held cookie")
	}
	ce.getWith(postPath, held).has(t, "My first thought.", "Your comment is awaiting moderation.")
	forged := *held
	forged.Value = itoa(c.ID) + ".AAAA"
	ce.getWith(postPath, &forged).lacks(t, "My first thought.")

	// Approved by a moderator, the next comment goes straight in.
	if _, err := ce.st.SetCommentStatus(context.Background(), blog.CommentApproved, c.ID); err != nil {
		t.Fatal(err)
	}
	r = ce.send(form(p, ce.token(postPath), "comment", "And another.", "comment_parent", itoa(c.ID), "wp-comment-cookies-consent", "yes"))
	if r.code != http.StatusSeeOther {
		t.Fatalf("second: %d\n%s", r.code, r.body)
	}
	list, _ = ce.st.PostComments(context.Background(), p.ID)
	if len(list) != 2 || list[1].ParentID != c.ID {
		t.Fatalf("approved: %+v", list)
	}
	if loc := r.hdr.Get("Location"); loc != postPath+"#comment-"+itoa(list[1].ID) {
		t.Errorf("Location %q", loc)
	}
	// Approved at once: its author is mailed and Rita (not confirmed yet)
	// is not sent a follow-up.
	if got := ce.mailJobs(); len(got) != 3 || !strings.HasSuffix(got[2], " "+itoa(list[1].ID)) {
		t.Errorf("mail jobs after the approved reply: %q", got)
	}
	saved := r.cookie("quire_commenter")
	if saved == nil || saved.MaxAge <= 0 || !saved.HttpOnly {
		t.Fatalf("details cookie: %+v", saved)
	}
	page := ce.get(postPath)
	page.has(t, "2 thoughts on", "And another.")
	page.lacks(t, "rita@example.org")
	if nesting(t, page.body, "comment-"+itoa(list[1].ID)) != 1 {
		t.Errorf("reply not nested")
	}
	// The saved details fill the form, in a page for that reader only.
	mine := ce.getWith(postPath, saved)
	mine.has(t, `value="Rita Reader"`, `value="rita@example.org"`, `name="wp-comment-cookies-consent" type="checkbox" value="yes" checked`)
	if mine.hdr.Get("Cache-Control") != "private, no-store" || mine.hdr.Get("ETag") != "" {
		t.Errorf("prefilled form cacheable: %v", mine.hdr)
	}
	// Unticking the box forgets them.
	r = ce.send(form(p, ce.token(postPath), "comment", "Third, unsaved."), saved)
	if gone := r.cookie("quire_commenter"); gone == nil || gone.MaxAge >= 0 {
		t.Errorf("details cookie not cleared: %+v", gone)
	}
}

func TestSubmitBadInput(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyCommentPreviouslyOK: "0"})
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	other := ce.post("Another", day(2011, 2, 5), nil)
	foreign := ce.comment(other, 0, "Oz", "o@example.org", "Elsewhere.", blog.CommentApproved)
	held := ce.comment(p, 0, "Hal", "h@example.org", "Waiting.", blog.CommentPending)
	spam := ce.comment(p, 0, "Sam", "s@example.org", "Spam.", blog.CommentSpam)
	closed := ce.post("Closed Talk", day(2011, 3, 5), func(p *blog.Post) { p.CommentsClosed = true })
	base := ce.count(p)

	check := func(name string, r resp, code int, want ...string) {
		t.Helper()
		if r.code != code {
			t.Errorf("%s: status %d, want %d\n%.3000s", name, r.code, code, r.body)
			return
		}
		r.has(t, want...)
		if r.hdr.Get("Cache-Control") != "private, no-store" && r.hdr.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: cacheable: %v", name, r.hdr)
		}
		if n := ce.count(p); n != base {
			t.Errorf("%s: stored something (%d comments)", name, n)
		}
	}
	tok := ce.token(postPath)
	check("missing fields", ce.send(form(p, tok, "author", "", "email", "not-an-email", "url", "javascript:alert(1)", "comment", "Kept text <b>here</b>")),
		http.StatusUnprocessableEntity,
		`<span class="form-error" id="author-error">Please enter your name.</span>`,
		`<span class="form-error" id="email-error">Please enter a valid email address`,
		`<span class="form-error" id="url-error">`,
		`>Kept text &lt;b&gt;here&lt;/b&gt;</textarea>`, `value="not-an-email"`, `aria-invalid="true"`,
		`name="comment_token" value="`+tok+`"`)
	check("empty comment", ce.send(form(p, tok, "comment", "  ")), http.StatusUnprocessableEntity,
		`<span class="form-error" id="comment-error">Please type your comment.</span>`, `value="Rita Reader"`)
	long := strings.Repeat("a", blog.MaxCommentBytes+1)
	check("too long", ce.send(form(p, tok, "comment", long)), http.StatusUnprocessableEntity, "too long", long[:1000])
	check("far too long", ce.send(form(p, tok, "comment", strings.Repeat("long ", 300000))), http.StatusRequestEntityTooLarge, "too long")
	check("invalid UTF-8", ce.send(form(p, tok, "comment", "bad \xff\xfe bytes")), http.StatusUnprocessableEntity, "not valid UTF-8", "bad \uFFFD bytes")
	check("reply to another post", ce.send(form(p, tok, "comment_parent", itoa(foreign.ID))), http.StatusUnprocessableEntity, "not on this post")
	check("reply to held", ce.send(form(p, tok, "comment_parent", itoa(held.ID))), http.StatusUnprocessableEntity, "not on this post")
	check("reply to spam", ce.send(form(p, tok, "comment_parent", itoa(spam.ID))), http.StatusUnprocessableEntity, "not on this post")
	check("parent not a number", ce.send(form(p, tok, "comment_parent", "x")), http.StatusUnprocessableEntity, "could not be found")
	check("honeypot", ce.send(form(p, tok, "comment_hp", "http://spam.example/")), http.StatusBadRequest, "could not be accepted")
	check("no token", ce.send(form(p, "")), http.StatusUnprocessableEntity, "open too long", "What a useful idea.")
	check("forged token", ce.send(form(p, tok+"x")), http.StatusUnprocessableEntity, "open too long")

	// A page left open for a day: the text comes back with a fresh token.
	ce.now = ce.now.Add(25 * time.Hour)
	r := ce.send(form(p, tok, "comment", "Written yesterday."))
	check("stale", r, http.StatusUnprocessableEntity, "open too long", ">Written yesterday.</textarea>")
	fresh := tokenRe.FindStringSubmatch(r.body)
	if fresh == nil || fresh[1] == tok {
		t.Fatalf("stale form without a fresh token")
	}
	// Too fast: sent in the same second the form was made.
	tok = ce.token(postPath)
	req := httptest.NewRequest("POST", "/wp-comments-post.php", strings.NewReader(form(p, tok).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	check("too fast", ce.do(req), http.StatusUnprocessableEntity, "very quickly")

	// Closed, and a post that does not exist or is not public.
	check("closed", ce.send(form(closed, ce.token(postPath))), http.StatusForbidden, "closed")
	check("no post", ce.send(form(p, tok, "comment_post_ID", "987654")), http.StatusNotFound)
	draft := ce.post("Draft", day(2011, 4, 5), func(p *blog.Post) { p.Status = blog.StatusDraft })
	check("draft", ce.send(form(draft, tok)), http.StatusNotFound)

	// Duplicate and flood, after one good comment.
	tok = ce.token(postPath)
	if r := ce.send(form(p, tok, "comment", "Once only.")); r.code != http.StatusSeeOther {
		t.Fatalf("good comment: %d %s", r.code, r.body)
	}
	base++
	check("duplicate", ce.send(form(p, tok, "comment", "Once only.")), http.StatusConflict, "Duplicate comment detected; it looks as though you&#39;ve already said that!")
	ce.now = ce.now.Add(-115 * time.Second) // two sends added two minutes: 5 s after the last
	check("flood", ce.send(form(p, ce.token(postPath), "comment", "Quick again.")), http.StatusTooManyRequests, "too quickly")
}

func TestCrossOriginCommentRefused(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyCommentPreviouslyOK: "0"})
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	h := ce.h // the server's cross-origin protection, as serve mounts it
	post := func(hdr ...string) int {
		ce.now = ce.now.Add(time.Minute)
		tok := ce.token(postPath)
		ce.now = ce.now.Add(time.Minute)
		req := httptest.NewRequest("POST", baseURL+"/wp-comments-post.php", strings.NewReader(form(p, tok, "comment", "From "+strings.Join(hdr, " ")).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := post("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); code != http.StatusForbidden {
		t.Errorf("cross-site: %d", code)
	}
	if code := post("Origin", "https://evil.example"); code != http.StatusForbidden {
		t.Errorf("other origin: %d", code)
	}
	if n := ce.count(p); n != 0 {
		t.Fatalf("cross-origin comment stored")
	}
	if code := post("Origin", baseURL, "Sec-Fetch-Site", "same-origin"); code != http.StatusSeeOther {
		t.Errorf("same origin: %d", code)
	}
}

func TestLoggedInComment(t *testing.T) {
	ce := newCommentEnv(t, nil)
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	ck := ce.login(ce.author)
	r := ce.getWith(postPath, ck)
	r.has(t, "Logged in as Ann Writer.", `formaction="/admin/logout"`, "Log out?")
	r.lacks(t, `id="author"`, `id="email"`, "Your email address will not be published")
	if r.hdr.Get("Cache-Control") != "private, no-store" {
		t.Errorf("logged-in page cacheable: %v", r.hdr)
	}
	tok := tokenRe.FindStringSubmatch(r.body)[1]
	res := ce.send(form(p, tok, "author", "\x00", "email", "\x00", "comment", "Thanks for reading."), ck)
	if res.code != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", res.code, res.body)
	}
	list, _ := ce.st.PostComments(context.Background(), p.ID)
	if len(list) != 1 || list[0].UserID != ce.author.ID {
		t.Fatalf("author's comment not approved: %+v", list)
	}
	ce.get(postPath).has(t, "Post author", "Thanks for reading.", ">Ann Writer</b>")
	// Everyone else still gets the public page.
	ce.get(postPath).lacks(t, "Logged in as")
}

// TestGuestWithAnAccountsAddressIsHeld: a logged-out guest typing the post
// author's name and address — approved at once before, as "previously
// approved" — waits for a moderator, and the held view says to log in.
func TestGuestWithAnAccountsAddressIsHeld(t *testing.T) {
	ce := newCommentEnv(t, nil)
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	ce.comment(p, 0, "Ann Writer", "ann@example.com", "The author's own earlier word.", blog.CommentApproved)
	r := ce.send(form(p, ce.token(postPath), "author", "Ann Writer", "email", "Ann@Example.com", "comment", "Trust me, I wrote this post."))
	if r.code != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", r.code, r.body)
	}
	held, _ := ce.st.PostComments(context.Background(), p.ID, blog.CommentPending)
	if len(held) != 1 || held[0].UserID != 0 {
		t.Fatalf("held comments: %+v, want the guest's", held)
	}
	u, _ := url.Parse(r.hdr.Get("Location"))
	ce.get(u.RequestURI()).has(t, "Trust me, I wrote this post.", "Your comment is awaiting moderation.",
		`<a href="/admin/login">log in</a>`, "comments that give an account's email address without logging in always wait for a moderator")
	ce.get(postPath).lacks(t, "Trust me")
}

// TestCommentNotStoredWithoutItsMail: when what follows a comment (its
// mail jobs, the follow-up subscription) cannot be written, the comment
// is not stored either; the form comes back with what was typed, and
// sending it again is not refused as a duplicate.
func TestCommentNotStoredWithoutItsMail(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyCommentPreviouslyOK: "0"})
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	restore := apptest.FailJobInserts(t, ce.st)
	tok := ce.token(postPath)
	v := form(p, tok, "comment", "Worth keeping, every word.", "subscribe", "1")
	r := ce.send(v)
	if r.code != http.StatusServiceUnavailable {
		t.Fatalf("submit with the queue failing: %d\n%s", r.code, r.body)
	}
	r.has(t, "nothing was stored", "Worth keeping, every word.", `value="rita@example.org"`)
	if n := ce.count(p); n != 0 {
		t.Fatalf("%d comments stored without their mail", n)
	}
	if subs, _, _ := ce.st.PrivacySubscriptions(context.Background(), "rita@example.org"); len(subs) != 0 {
		t.Fatalf("subscription stored without its comment: %+v", subs)
	}
	restore()
	if r := ce.send(v); r.code != http.StatusSeeOther {
		t.Fatalf("the same comment again: %d\n%s", r.code, r.body)
	}
	subs, _, _ := ce.st.PrivacySubscriptions(context.Background(), "rita@example.org")
	if n := ce.count(p); n != 1 || len(subs) != 1 || len(ce.mailJobs()) != 2 {
		t.Errorf("after the retry: %d comments, %d subscriptions, mail jobs %q", n, len(subs), ce.mailJobs())
	}
}

func TestCommentPages(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyCommentsPerPage: "2", site.KeyCommentPreviouslyOK: "0"})
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	var top []*blog.Comment
	for i := 1; i <= 5; i++ {
		c := ce.comment(p, 0, fmt.Sprintf("Reader %d", i), fmt.Sprintf("r%d@example.org", i), fmt.Sprintf("Comment number %d.", i), blog.CommentApproved)
		top = append(top, c)
	}
	reply := ce.comment(p, top[0].ID, "Replier", "rep@example.org", "A reply on page one.", blog.CommentApproved)

	r := ce.get(postPath)
	r.has(t, "6 thoughts on", "Comment number 1.", "Comment number 2.", "A reply on page one.",
		`href="`+postPath+`comment-page-2/#comments">Newer comments →`)
	r.lacks(t, "Comment number 3.", "Older comments")
	r = ce.get(postPath + "comment-page-2/")
	if r.code != 200 {
		t.Fatalf("page 2: %d", r.code)
	}
	r.has(t, "Comment number 3.", "Comment number 4.", `<link rel="canonical" href="`+baseURL+postPath+`comment-page-2/">`,
		`href="`+postPath+`#comments">← Older comments`, `href="`+postPath+`comment-page-3/#comments">Newer comments →`)
	r.lacks(t, "Comment number 1.", "Comment number 5.")
	ce.get(postPath+"comment-page-3/").has(t, "Comment number 5.")
	for _, bad := range []string{"comment-page-4/", "comment-page-0/", "comment-page-02/", "comment-page-x/"} {
		if r := ce.get(postPath + bad); r.code != 404 {
			t.Errorf("%s: %d", bad, r.code)
		}
	}
	if r := ce.get(postPath + "comment-page-1/"); r.code != 301 || r.hdr.Get("Location") != postPath {
		t.Errorf("page 1: %d %s", r.code, r.hdr.Get("Location"))
	}
	if r := ce.get("/2011/01/06/what-business-are-you-in/comment-page-2/"); r.code != 301 || r.hdr.Get("Location") != postPath+"comment-page-2/" {
		t.Errorf("wrong date: %d %s", r.code, r.hdr.Get("Location"))
	}
	// A new top-level comment lands on the last page, a reply to the
	// first comment on the first.
	res := ce.send(form(p, ce.token(postPath), "comment", "Sixth top-level."))
	list, _ := ce.st.PostComments(context.Background(), p.ID)
	newest := list[len(list)-1]
	if want := postPath + "comment-page-3/#comment-" + itoa(newest.ID); res.hdr.Get("Location") != want {
		t.Errorf("Location %q, want %q", res.hdr.Get("Location"), want)
	}
	res = ce.send(form(p, ce.token(postPath), "comment", "Another reply.", "comment_parent", itoa(reply.ID)))
	list, _ = ce.st.PostComments(context.Background(), p.ID)
	newest = list[len(list)-1]
	if want := postPath + "#comment-" + itoa(newest.ID); res.hdr.Get("Location") != want {
		t.Errorf("reply Location %q, want %q", res.hdr.Get("Location"), want)
	}
	// ?replytocom= on a later page keeps the form there.
	ce.get(postPath+"comment-page-2/?replytocom="+itoa(top[2].ID)).has(t, `<span id="reply-to-name">Reader 3</span>`,
		`href="`+postPath+`comment-page-2/#respond">Cancel reply`)
}

func TestCommentCountsOnListsAndRecentComments(t *testing.T) {
	ce := newCommentEnv(t, nil)
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	q := ce.post("Quiet Post", day(2011, 1, 6), nil)
	ce.comment(p, 0, "Bo", "bo@example.org", "One.", blog.CommentApproved)
	c2 := ce.comment(p, 0, "Cy <Admin>", "cy@example.org", "Two.", blog.CommentApproved)
	ce.comment(p, 0, "Di", "di@example.org", "Held.", blog.CommentPending)
	r := ce.get("/")
	r.has(t, `<a href="`+postPath+`#comments">2 comments<span class="visually-hidden"> on “What Business Are You In?”</span></a>`,
		`<a href="/2011/01/06/quiet-post/#comments">No comments`,
		"<h2>Recent comments</h2>", `<span class="comment-author-link">Cy &lt;Admin&gt;</span> on <a href="`+postPath+`#comment-`+itoa(c2.ID)+`">What Business Are You In?</a>`)
	r.lacks(t, "Di</span>", "bo@example.org")
	ce.get("/2011/").has(t, "2 comments")
	_ = q
}

func TestCommentFeeds(t *testing.T) {
	ce := newCommentEnv(t, nil)
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	secret := ce.post("Members", day(2011, 2, 5), func(p *blog.Post) { p.Password = "pw" })
	a := ce.comment(p, 0, "Bo", "bo@example.org", "Feed me.", blog.CommentApproved)
	ce.comment(p, 0, "Di", "di@example.org", "Held one.", blog.CommentPending)
	ce.comment(secret, 0, "Sy", "sy@example.org", "Behind the password.", blog.CommentApproved)

	var doc rssDoc
	r := ce.get("/comments/feed/")
	if r.code != 200 || !strings.HasPrefix(r.hdr.Get("Content-Type"), "application/rss+xml") {
		t.Fatalf("site feed: %d %v", r.code, r.hdr)
	}
	decodeXML(t, r.body, &doc)
	if len(doc.Channel.Items) != 1 {
		t.Fatalf("items: %+v", doc.Channel.Items)
	}
	it := doc.Channel.Items[0]
	if it.Title != "Comment on What Business Are You In? by Bo" || it.Link != baseURL+postPath+"#comment-"+itoa(a.ID) ||
		it.GUID.IsPermaLink != "false" || !strings.HasSuffix(it.GUID.Value, "#comment-"+itoa(a.ID)) || it.Creator != "Bo" ||
		!strings.Contains(it.Description, "Feed me.") {
		t.Errorf("item %+v", it)
	}
	for _, path := range []string{"/comments/feed/", "/comments/feed/atom/", postPath + "feed/", postPath + "feed/atom/"} {
		r := ce.get(path)
		if r.code != 200 {
			t.Errorf("%s: %d", path, r.code)
			continue
		}
		r.has(t, "Feed me.", baseURL+postPath+"#comment-"+itoa(a.ID))
		r.lacks(t, "@example.org", "Held one.", "Behind the password.")
	}
	var atom atomDoc
	decodeXML(t, ce.get(postPath+"feed/atom/").body, &atom)
	if len(atom.Entries) != 1 || atom.Entries[0].Author.Name != "Bo" || atom.Title != "Comments on: What Business Are You In?" {
		t.Errorf("atom: %+v", atom)
	}
	if r := ce.get("/2011/02/05/members/feed/"); r.code != 404 {
		t.Errorf("protected post's feed: %d", r.code)
	}

	// A hostile comment sent through the form, as a reader would, then
	// approved: every feed carries it sanitised, its author's name as text.
	ce.ip = "198.51.100.9"
	r = ce.send(form(p, ce.token(postPath), "author", `Eve <b onmouseover=alert(4)>`, "email", "eve@example.net",
		"comment", "**bold** [x](javascript:alert(3)) <img src=x onerror=alert(2)>\n\n<script>alert(1)</script>"))
	if r.code != http.StatusSeeOther {
		t.Fatalf("hostile comment: %d\n%.300s", r.code, r.body)
	}
	list, err := ce.st.PostComments(context.Background(), p.ID, blog.CommentPending, blog.CommentApproved)
	if err != nil {
		t.Fatal(err)
	}
	eve := list[len(list)-1]
	if _, err := ce.st.SetCommentStatus(context.Background(), blog.CommentApproved, eve.ID); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/comments/feed/", "/comments/feed/atom/", postPath + "feed/", postPath + "feed/atom/"} {
		raw := ce.get(path).body
		if strings.Contains(raw, "<script") || strings.Contains(raw, "<b onmouseover") {
			t.Errorf("%s carries markup unescaped", path)
		}
		var text string
		if strings.Contains(path, "atom") {
			var a struct {
				Entries []struct {
					Author struct {
						Name string `xml:"name"`
					} `xml:"author"`
					Content string `xml:"content"`
				} `xml:"entry"`
			}
			decodeXML(t, raw, &a)
			for _, e := range a.Entries {
				if strings.HasPrefix(e.Author.Name, "Eve") {
					text = e.Content
					if e.Author.Name != `Eve <b onmouseover=alert(4)>` {
						t.Errorf("%s: author %q", path, e.Author.Name)
					}
				}
			}
		} else {
			var d rssDoc
			decodeXML(t, raw, &d)
			for _, it := range d.Channel.Items {
				if strings.HasPrefix(it.Creator, "Eve") {
					text = it.Description
					if it.Creator != `Eve <b onmouseover=alert(4)>` {
						t.Errorf("%s: creator %q", path, it.Creator)
					}
				}
			}
		}
		if !strings.Contains(text, "<strong>bold</strong>") {
			t.Errorf("%s: the comment is missing or not rendered: %q", path, text)
		}
		for _, bad := range []string{"<script", "onerror", "javascript:", "onmouseover"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s: the comment's HTML holds %q: %q", path, bad, text)
			}
		}
	}
	if r := ce.get(postPath + "feed/rss2/"); r.code != 301 || r.hdr.Get("Location") != postPath+"feed/" {
		t.Errorf("rss2: %d %s", r.code, r.hdr.Get("Location"))
	}
	if r := ce.get("/2011/01/06/what-business-are-you-in/feed/"); r.code != 301 || r.hdr.Get("Location") != postPath+"feed/" {
		t.Errorf("wrong date: %d %s", r.code, r.hdr.Get("Location"))
	}
}

// TestNoEmailInPublicOutput reads every public page, feed and sitemap of a
// site with comments and finds no commenter's email address in any.
func TestNoEmailInPublicOutput(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyCommentsPerPage: "1"})
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	page := ce.post("About", day(2011, 1, 1), func(p *blog.Post) { p.Type = blog.TypePage })
	a := ce.comment(p, 0, "Bo", "secret.bo@example.org", "Visible.", blog.CommentApproved)
	ce.comment(p, a.ID, "Cy", "secret.cy@example.org", "Reply.", blog.CommentApproved)
	ce.comment(p, 0, "Di", "secret.di@example.org", "Second page.", blog.CommentApproved)
	ce.comment(page, 0, "Ed", "secret.ed@example.org", "On a page.", blog.CommentApproved)
	paths := []string{"/", "/2011/", "/2011/01/", postPath, postPath + "comment-page-2/", postPath + "?replytocom=" + itoa(a.ID),
		"/about/", "/comments/feed/", "/comments/feed/atom/", postPath + "feed/", postPath + "feed/atom/", "/feed/", "/feed/atom/",
		"/feed/json/", "/sitemap.xml", "/sitemaps/posts-1.xml", "/?s=Visible", "/author/" + ce.author.Login + "/"}
	for _, path := range paths {
		r := ce.get(path)
		if r.code != 200 {
			t.Errorf("%s: %d", path, r.code)
		}
		if strings.Contains(r.body, "secret.") || strings.Contains(r.body, "example.org") {
			t.Errorf("%s shows an email address", path)
		}
	}
	ce.get("/about/").has(t, "On a page.", "One thought on “About”")
}

func TestCommentSubmitOnPasswordPost(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyCommentPreviouslyOK: "0"})
	p := ce.post("Members", day(2011, 2, 5), func(p *blog.Post) { p.Password = "pw" })
	r := ce.get("/2011/02/05/members/")
	r.lacks(t, `id="comments"`, "comment_token")
	res := ce.send(form(p, "x"))
	if res.code != http.StatusForbidden || ce.count(p) != 0 {
		t.Errorf("comment on a locked post: %d", res.code)
	}
}
