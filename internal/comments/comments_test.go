package comments_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/comments"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// base is the fixed clock the tests start from; posts are published a week
// earlier.
var base = time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)

type fixture struct {
	t                             testing.TB
	ctx                           context.Context
	st                            *store.Store
	svc                           *comments.Service
	now                           time.Time
	post                          *blog.Post
	other                         *blog.Post
	owner, editor, author, writer *blog.User
	seq                           int
}

func newFixture(t testing.TB, settings map[string]string) *fixture {
	t.Helper()
	return newFixtureOn(t, storetest.New(t), settings)
}

func newFixtureOn(t testing.TB, st *store.Store, settings map[string]string) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, ctx: ctx, st: st, now: base}
	f.svc = &comments.Service{Store: st, Site: site.New(st, site.Overrides{}), Now: func() time.Time { return f.now }}
	users := []**blog.User{&f.owner, &f.editor, &f.author, &f.writer}
	for i, role := range []blog.Role{blog.RoleOwner, blog.RoleEditor, blog.RoleAuthor, blog.RoleAuthor} {
		u := &blog.User{Email: fmt.Sprintf("user%d@example.com", i), Name: fmt.Sprintf("User %d", i), Role: role, PasswordHash: "x"}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		*users[i] = u
	}
	f.post = f.savePost("Discussed", base.AddDate(0, 0, -7), false)
	f.other = f.savePost("Elsewhere", base.AddDate(0, 0, -7), false)
	f.settings(settings)
	return f
}

func (f *fixture) savePost(title string, published time.Time, closed bool) *blog.Post {
	f.t.Helper()
	p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: title, Body: "Body",
		PublishedAt: published, AuthorID: f.author.ID, CommentsClosed: closed}
	if _, err := f.st.SavePost(f.ctx, p); err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) settings(v map[string]string) {
	f.t.Helper()
	if len(v) == 0 {
		return
	}
	if err := site.Validate(v); err != nil {
		f.t.Fatal(err)
	}
	if err := f.st.SaveSettings(f.ctx, v); err != nil {
		f.t.Fatal(err)
	}
}

// tokenAt returns a token for post made at time at.
func (f *fixture) tokenAt(post *blog.Post, at time.Time) string {
	f.t.Helper()
	saved := f.now
	f.now = at
	defer func() { f.now = saved }()
	tok, err := f.svc.NewToken(f.ctx, post.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// request returns a valid reader's comment on the fixture's post, from a
// form opened a minute ago, with a fresh IP address, email and text so
// that no flood or duplicate check is met unless the test wants it.
func (f *fixture) request() comments.Request {
	f.seq++
	return comments.Request{
		Input: blog.CommentInput{AuthorName: "Reader", AuthorEmail: fmt.Sprintf("reader%d@example.com", f.seq),
			Content: fmt.Sprintf("A thoughtful remark, number %d.", f.seq)},
		Post:      f.post,
		IP:        fmt.Sprintf("198.51.100.%d", f.seq),
		UserAgent: "Mozilla/5.0 (test)",
		Referer:   "http://127.0.0.1:8080/",
		Token:     f.tokenAt(f.post, f.now.Add(-time.Minute)),
	}
}

func (f *fixture) count() int {
	f.t.Helper()
	_, n, err := f.st.ListComments(f.ctx, store.CommentFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// approve stores an approved comment by name/email directly, as earlier
// history.
func (f *fixture) approved(post *blog.Post, name, email string) *blog.Comment {
	f.t.Helper()
	c := &blog.Comment{PostID: post.ID, Status: blog.CommentApproved, AuthorName: name, AuthorEmail: email,
		Content: "Earlier " + name + email, ContentHTML: "<p>Earlier</p>", CreatedAt: base.AddDate(0, 0, -1)}
	if err := f.st.CreateComment(f.ctx, c); err != nil {
		f.t.Fatal(err)
	}
	return c
}

func TestSubmitStoresWhatWasTyped(t *testing.T) {
	f := newFixture(t, map[string]string{site.KeyCommentPreviouslyOK: "0"})
	r := f.request()
	r.Input = blog.CommentInput{PostID: 999, AuthorName: "  Ann Reader ", AuthorEmail: " Ann@Example.COM ",
		AuthorURL: "example.com/me", Content: "\r\n  Hello *there*\r\nsecond line  \r\n"}
	r.UserAgent = strings.Repeat("é", 200) // 400 bytes
	c, err := f.svc.Submit(f.ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.st.Comment(f.ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := blog.Comment{ID: c.ID, PostID: f.post.ID, Type: blog.TypeComment, Status: blog.CommentApproved,
		AuthorName: "Ann Reader", AuthorEmail: "ann@example.com", AuthorURL: "http://example.com/me",
		AuthorIP: r.IP, UserAgent: strings.Repeat("é", 127), Content: "Hello *there*\nsecond line",
		ContentHTML: "<p>Hello <em>there</em><br/>\nsecond line</p>", CreatedAt: base, UpdatedAt: base,
		PostTitle: f.post.Title, PostSlug: f.post.Slug}
	if *got != want {
		t.Errorf("stored\n%+v\nwant\n%+v", *got, want)
	}
}

func TestSubmitLoggedInUserFields(t *testing.T) {
	f := newFixture(t, nil)
	r := f.request()
	r.User = f.writer // an author, not of this post: rules apply, but no name/email fields needed
	r.Input.AuthorName, r.Input.AuthorEmail = "", ""
	c, err := f.svc.Submit(f.ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if c.UserID != f.writer.ID || c.AuthorName != f.writer.Name || c.AuthorEmail != f.writer.Email {
		t.Errorf("comment by a logged-in user: %+v", c)
	}
	// A logged-in user needs no earlier approved comment.
	if c.Status != blog.CommentApproved {
		t.Errorf("status %s, want approved", c.Status)
	}
}

func TestSubmitValidation(t *testing.T) {
	f := newFixture(t, nil)
	r := f.request()
	r.Input = blog.CommentInput{AuthorURL: "javascript:alert(1)", Content: "  "}
	_, err := f.svc.Submit(f.ctx, r)
	fe, ok := blog.AsValidation(err)
	if !ok {
		t.Fatalf("err = %v, want field errors", err)
	}
	for _, k := range []string{"comment", "author", "email", "url"} {
		if fe[k] == "" {
			t.Errorf("no message for %s: %v", k, fe)
		}
	}
	if n := f.count(); n != 0 {
		t.Errorf("%d comments stored", n)
	}
}

func TestSubmitRefusals(t *testing.T) {
	tests := []struct {
		name     string
		settings map[string]string
		// prepare changes the request (and may store earlier comments).
		prepare func(f *fixture, r *comments.Request)
		want    comments.RefusalKind
	}{
		{"closed on the post", nil, func(f *fixture, r *comments.Request) {
			r.Post = f.savePost("Closed", base.AddDate(0, 0, -1), true)
			r.Token = f.tokenAt(r.Post, base.Add(-time.Minute))
		}, comments.RefusedClosed},
		{"closed after N days", map[string]string{site.KeyCloseCommentsDays: "5"}, nil, comments.RefusedClosed},
		{"draft", nil, func(f *fixture, r *comments.Request) {
			p := *f.post
			p.Status = blog.StatusDraft
			r.Post = &p
		}, comments.RefusedClosed},
		{"scheduled", nil, func(f *fixture, r *comments.Request) {
			p := *f.post
			p.PublishedAt = base.Add(time.Hour)
			r.Post = &p
		}, comments.RefusedClosed},
		{"honeypot", nil, func(f *fixture, r *comments.Request) { r.Honeypot = "http://spam.example" }, comments.RefusedHoneypot},
		{"too fast", nil, func(f *fixture, r *comments.Request) {
			r.Token = f.tokenAt(f.post, base.Add(-2*time.Second))
		}, comments.RefusedTooFast},
		{"token expired", nil, func(f *fixture, r *comments.Request) {
			r.Token = f.tokenAt(f.post, base.Add(-25*time.Hour))
		}, comments.RefusedStale},
		{"token from the future", nil, func(f *fixture, r *comments.Request) {
			r.Token = f.tokenAt(f.post, base.Add(time.Hour))
		}, comments.RefusedStale},
		{"token for another post", nil, func(f *fixture, r *comments.Request) {
			r.Token = f.tokenAt(f.other, base.Add(-time.Minute))
		}, comments.RefusedStale},
		{"token with its post changed", nil, func(f *fixture, r *comments.Request) {
			parts := strings.Split(f.tokenAt(f.other, base.Add(-time.Minute)), ".")
			r.Token = fmt.Sprintf("%s.%d.%s", parts[0], f.post.ID, parts[2])
		}, comments.RefusedStale},
		{"token with its time changed", nil, func(f *fixture, r *comments.Request) {
			parts := strings.Split(r.Token, ".")
			r.Token = fmt.Sprintf("%d.%s.%s", base.Add(-time.Hour).Unix(), parts[1], parts[2])
		}, comments.RefusedStale},
		{"no token", nil, func(f *fixture, r *comments.Request) { r.Token = "" }, comments.RefusedStale},
		{"garbage token", nil, func(f *fixture, r *comments.Request) { r.Token = "a.b.c" }, comments.RefusedStale},
		{"duplicate", nil, func(f *fixture, r *comments.Request) {
			earlier := f.approved(f.post, r.Input.AuthorName, r.Input.AuthorEmail)
			r.Input.Content = "  " + earlier.Content + "\n"
		}, comments.RefusedDuplicate},
		{"flood by IP", nil, func(f *fixture, r *comments.Request) {
			c := f.approved(f.post, "Someone", "someone@example.com")
			f.setCreated(c, base.Add(-10*time.Second), r.IP)
		}, comments.RefusedFlood},
		{"flood from the same IPv6 /64", nil, func(f *fixture, r *comments.Request) {
			c := f.approved(f.post, "Someone", "someone@example.com")
			f.setCreated(c, base.Add(-10*time.Second), "2001:db8:0:7::1")
			r.IP = "2001:db8:0:7:a:b:c:d"
		}, comments.RefusedFlood},
		{"flood by email", nil, func(f *fixture, r *comments.Request) {
			c := f.approved(f.post, "Someone", r.Input.AuthorEmail)
			f.setCreated(c, base.Add(-14*time.Second), "203.0.113.9")
		}, comments.RefusedFlood},
		{"reply to a held comment", nil, func(f *fixture, r *comments.Request) {
			c := f.approved(f.post, "Someone", "someone@example.com")
			if _, err := f.st.SetCommentStatus(f.ctx, blog.CommentPending, c.ID); err != nil {
				f.t.Fatal(err)
			}
			r.Input.ParentID = c.ID
		}, comments.RefusedBadParent},
		{"reply to another post's comment", nil, func(f *fixture, r *comments.Request) {
			r.Input.ParentID = f.approved(f.other, "Someone", "someone@example.com").ID
		}, comments.RefusedBadParent},
		{"reply to no comment", nil, func(f *fixture, r *comments.Request) { r.Input.ParentID = 424242 }, comments.RefusedBadParent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.settings)
			r := f.request()
			if tt.prepare != nil {
				tt.prepare(f, &r)
			}
			before := f.count()
			c, err := f.svc.Submit(f.ctx, r)
			ref, ok := comments.AsRefusal(err)
			if !ok || ref.Kind != tt.want {
				t.Fatalf("Submit = %+v, %v; want refusal %q", c, err, tt.want)
			}
			if ref.Msg == "" || ref.Error() != ref.Msg {
				t.Errorf("refusal message %q / %q", ref.Msg, ref.Error())
			}
			if n := f.count(); n != before {
				t.Errorf("%d comments stored", n-before)
			}
		})
	}
}

// setCreated moves a stored comment's time and IP (tests of flood control
// need a recent comment from a given address).
func (f *fixture) setCreated(c *blog.Comment, at time.Time, ip string) {
	f.t.Helper()
	if _, err := f.st.DeleteComments(f.ctx, c.ID); err != nil {
		f.t.Fatal(err)
	}
	c.ID, c.CreatedAt, c.AuthorIP = 0, at, ip
	if err := f.st.CreateComment(f.ctx, c); err != nil {
		f.t.Fatal(err)
	}
}

func TestRefusalMessages(t *testing.T) {
	f := newFixture(t, nil)
	r := f.request()
	r.Token = f.tokenAt(f.post, base.Add(-time.Second))
	_, err := f.svc.Submit(f.ctx, r)
	if err == nil || err.Error() != "You sent the form very quickly; please wait a moment and send it again." {
		t.Errorf("too fast: %v", err)
	}
	// The same request sent a moment later goes through.
	f.now = base.Add(5 * time.Second)
	if _, err := f.svc.Submit(f.ctx, r); err != nil {
		t.Errorf("after waiting: %v", err)
	}
	r = f.request()
	r.Input.Content = "A thoughtful remark, number 1."
	r.Input.AuthorEmail = "reader1@example.com"
	f.now = base.Add(time.Minute)
	_, err = f.svc.Submit(f.ctx, r)
	if err == nil || err.Error() != "Duplicate comment detected; it looks as though you've already said that!" {
		t.Errorf("duplicate: %v", err)
	}
	r = f.request()
	r.Input.AuthorEmail = "reader1@example.com"
	f.now = base.Add(5*time.Second + 14*time.Second)
	_, err = f.svc.Submit(f.ctx, r)
	if err == nil || err.Error() != "You are posting comments too quickly. Slow down." {
		t.Errorf("flood: %v", err)
	}
	f.now = base.Add(5*time.Second + 15*time.Second)
	if _, err := f.svc.Submit(f.ctx, r); err != nil {
		t.Errorf("15 s later: %v", err)
	}
}

// TestFloodByNetwork: an IPv6 client is one /64 for flood control; a
// neighbouring network is someone else.
func TestFloodByNetwork(t *testing.T) {
	f := newFixture(t, nil)
	for i, tc := range []struct {
		ip     string
		refuse bool
	}{{"2001:db8:0:7::1", false}, {"2001:db8:0:7:ffff::2", true}, {"2001:db8:0:8::1", false}} {
		r := f.request()
		r.IP = tc.ip
		r.Input.AuthorEmail = fmt.Sprintf("reader%d@example.com", i)
		r.Input.Content = fmt.Sprintf("Remark number %d.", i)
		_, err := f.svc.Submit(f.ctx, r)
		if ref, refused := comments.AsRefusal(err); refused != tc.refuse || (refused && ref.Kind != comments.RefusedFlood) {
			t.Errorf("%s: %v, want refused %v", tc.ip, err, tc.refuse)
		}
	}
}

func TestSubmitRateLimitPerIP(t *testing.T) {
	f := newFixture(t, nil)
	for i := 0; i <= comments.RateMax; i++ {
		r := f.request()
		r.IP = "192.0.2.77"
		f.now = f.now.Add(time.Minute) // past the flood interval each time
		r.Token = f.tokenAt(f.post, f.now.Add(-time.Minute))
		_, err := f.svc.Submit(f.ctx, r)
		ref, refused := comments.AsRefusal(err)
		switch {
		case i < comments.RateMax && err != nil:
			t.Fatalf("comment %d: %v", i+1, err)
		case i == comments.RateMax && (!refused || ref.Kind != comments.RefusedRate):
			t.Fatalf("comment %d: %v, want a rate refusal", i+1, err)
		}
	}
	if n := f.count(); n != comments.RateMax {
		t.Errorf("%d stored, want %d", n, comments.RateMax)
	}
	// Another address is not affected.
	if _, err := f.svc.Submit(f.ctx, f.request()); err != nil {
		t.Errorf("other IP: %v", err)
	}
}

func TestTrustedUsersSkipSpamChecks(t *testing.T) {
	f := newFixture(t, map[string]string{site.KeyModerationKeys: "remark", site.KeyCommentModeration: "1"})
	for _, u := range []*blog.User{f.owner, f.editor, f.author} {
		for i := 0; i <= comments.RateMax; i++ {
			r := f.request()
			r.User = u
			r.IP = "192.0.2.1"
			r.Token = f.tokenAt(f.post, f.now.Add(-time.Second)) // "too fast" too
			c, err := f.svc.Submit(f.ctx, r)
			if err != nil {
				t.Fatalf("%s, comment %d: %v", u.Role, i+1, err)
			}
			if c.Status != blog.CommentApproved {
				t.Errorf("%s: status %s", u.Role, c.Status)
			}
		}
		// A double click is still caught.
		r := f.request()
		r.User = u
		r.Input.Content = fmt.Sprintf("A thoughtful remark, number %d.", f.seq-1)
		if _, err := f.svc.Submit(f.ctx, r); err == nil {
			t.Errorf("%s: duplicate accepted", u.Role)
		}
	}
	// Another author (not this post's) is moderated like a reader.
	r := f.request()
	r.User = f.writer
	c, err := f.svc.Submit(f.ctx, r)
	if err != nil || c.Status != blog.CommentPending {
		t.Errorf("other author: %+v %v", c, err)
	}
}

func TestModerationRules(t *testing.T) {
	noPrev := map[string]string{site.KeyCommentPreviouslyOK: "0"}
	with := func(extra map[string]string) map[string]string {
		out := map[string]string{site.KeyCommentPreviouslyOK: "0"}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name     string
		settings map[string]string
		prepare  func(f *fixture, r *comments.Request)
		want     blog.CommentStatus
	}{
		{"defaults: new author held", nil, nil, blog.CommentPending},
		{"defaults: previously approved author", nil, func(f *fixture, r *comments.Request) {
			f.approved(f.other, r.Input.AuthorName, r.Input.AuthorEmail)
			r.Input.AuthorEmail = strings.ToUpper(r.Input.AuthorEmail)
		}, blog.CommentApproved},
		{"previously approved needs the same name", nil, func(f *fixture, r *comments.Request) {
			f.approved(f.other, "Someone Else", r.Input.AuthorEmail)
		}, blog.CommentPending},
		{"previously approved needs the same email", nil, func(f *fixture, r *comments.Request) {
			f.approved(f.other, r.Input.AuthorName, "else@example.com")
		}, blog.CommentPending},
		{"previously approved off", noPrev, nil, blog.CommentApproved},
		{"manual approval", map[string]string{site.KeyCommentModeration: "1"}, func(f *fixture, r *comments.Request) {
			f.approved(f.other, r.Input.AuthorName, r.Input.AuthorEmail)
		}, blog.CommentPending},
		{"moderation word in text, case and inside words", with(map[string]string{site.KeyModerationKeys: "\n  \nPRESS\n"}),
			func(f *fixture, r *comments.Request) { r.Input.Content = "I love WordPress." }, blog.CommentPending},
		{"moderation word in name", with(map[string]string{site.KeyModerationKeys: "casino"}),
			func(f *fixture, r *comments.Request) { r.Input.AuthorName = "Best Casinos" }, blog.CommentPending},
		{"moderation word in email", with(map[string]string{site.KeyModerationKeys: "mailinator"}),
			func(f *fixture, r *comments.Request) { r.Input.AuthorEmail = "x@mailinator.com" }, blog.CommentPending},
		{"moderation word in URL", with(map[string]string{site.KeyModerationKeys: "pills"}),
			func(f *fixture, r *comments.Request) { r.Input.AuthorURL = "https://cheap-pills.example" }, blog.CommentPending},
		{"moderation word in IP", with(map[string]string{site.KeyModerationKeys: "203.0.113."}),
			func(f *fixture, r *comments.Request) { r.IP = "203.0.113.50" }, blog.CommentPending},
		{"moderation word in user agent", with(map[string]string{site.KeyModerationKeys: "curl"}),
			func(f *fixture, r *comments.Request) { r.UserAgent = "curl/8.0" }, blog.CommentPending},
		{"moderation word absent", with(map[string]string{site.KeyModerationKeys: "casino\npills"}), nil, blog.CommentApproved},
		{"disallowed word in text", with(map[string]string{site.KeyDisallowedKeys: "viagra"}),
			func(f *fixture, r *comments.Request) { r.Input.Content = "Buy VIAGRA now" }, blog.CommentTrash},
		{"disallowed word in IP", with(map[string]string{site.KeyDisallowedKeys: "198.51.100."}), nil, blog.CommentTrash},
		{"disallowed word in user agent", with(map[string]string{site.KeyDisallowedKeys: "badbot"}),
			func(f *fixture, r *comments.Request) { r.UserAgent = "BadBot/1.0" }, blog.CommentTrash},
		{"disallowed beats moderation and approval", map[string]string{site.KeyDisallowedKeys: "spam",
			site.KeyModerationKeys: "spam"}, func(f *fixture, r *comments.Request) {
			f.approved(f.other, r.Input.AuthorName, r.Input.AuthorEmail)
			r.Input.Content = "spammy"
		}, blog.CommentTrash},
		{"two links held (default limit 2)", noPrev, func(f *fixture, r *comments.Request) {
			r.Input.Content = "See https://a.example and [this](http://b.example)."
		}, blog.CommentPending},
		{"HTML links counted", noPrev, func(f *fixture, r *comments.Request) {
			r.Input.Content = `<a href="https://a.example">a</a> <a href="https://b.example">b</a>`
		}, blog.CommentPending},
		{"one link approved", noPrev, func(f *fixture, r *comments.Request) {
			r.Input.Content = "See https://a.example."
		}, blog.CommentApproved},
		{"link limit off", with(map[string]string{site.KeyCommentMaxLinks: "0"}), func(f *fixture, r *comments.Request) {
			r.Input.Content = "https://a.example https://b.example https://c.example"
		}, blog.CommentApproved},
		{"link limit 1", with(map[string]string{site.KeyCommentMaxLinks: "1"}), func(f *fixture, r *comments.Request) {
			r.Input.Content = "www.a.example"
		}, blog.CommentPending},
		{"website field is not a link in the text", noPrev, func(f *fixture, r *comments.Request) {
			r.Input.Content = "See https://a.example."
			r.Input.AuthorURL = "https://me.example"
		}, blog.CommentApproved},
		// Issue 7, item 7: a guest typing the post author's name and address
		// is not the author, even though the author's own comments made
		// that name and address "previously approved".
		{"guest with the post author's name and email held", nil, func(f *fixture, r *comments.Request) {
			f.approved(f.other, f.author.Name, f.author.Email)
			r.Input.AuthorName, r.Input.AuthorEmail = f.author.Name, " "+strings.ToUpper(f.author.Email)
		}, blog.CommentPending},
		{"guest with any account's email held", noPrev, func(f *fixture, r *comments.Request) {
			r.Input.AuthorEmail = f.writer.Email
		}, blog.CommentPending},
		{"guest with an account's email, disallowed word: trash", with(map[string]string{site.KeyDisallowedKeys: "casino"}),
			func(f *fixture, r *comments.Request) {
				r.Input.AuthorEmail, r.Input.Content = f.owner.Email, "casino"
			}, blog.CommentTrash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.settings)
			r := f.request()
			if tt.prepare != nil {
				tt.prepare(f, &r)
			}
			c, err := f.svc.Submit(f.ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != tt.want {
				t.Errorf("status %s, want %s", c.Status, tt.want)
			}
			got, err := f.st.Comment(f.ctx, c.ID)
			if err != nil || got.Status != tt.want {
				t.Errorf("stored %+v, %v", got, err)
			}
		})
	}
}

// TestSubmitThenShareTheTransaction: what Then writes is committed with the
// comment, and an error from it stores nothing, so the reader can send the
// same comment again without being told it is a duplicate.
func TestSubmitThenShareTheTransaction(t *testing.T) {
	f := newFixture(t, map[string]string{site.KeyCommentPreviouslyOK: "0"})
	r := f.request()
	fault := errors.New("the job could not be written")
	r.Then = func(ctx context.Context, tx *store.Store, c *blog.Comment) error {
		if tx.Tx() == nil {
			t.Error("Then runs outside the comment's transaction")
		}
		if _, _, err := tx.AddCommentSubscription(ctx, c.PostID, c.AuthorEmail, f.now); err != nil {
			return err
		}
		return fault
	}
	if _, err := f.svc.Submit(f.ctx, r); !errors.Is(err, fault) {
		t.Fatalf("error = %v", err)
	}
	if n := f.count(); n != 0 {
		t.Errorf("%d comments stored though Then failed", n)
	}
	if subs, _, err := f.st.PrivacySubscriptions(f.ctx, r.Input.AuthorEmail); err != nil || len(subs) != 0 {
		t.Errorf("subscriptions stored though Then failed: %v, %v", subs, err)
	}
	// The retry is taken, not refused as a duplicate.
	r.Then = func(ctx context.Context, tx *store.Store, c *blog.Comment) error {
		_, _, err := tx.AddCommentSubscription(ctx, c.PostID, c.AuthorEmail, f.now)
		return err
	}
	c, err := f.svc.Submit(f.ctx, r)
	if err != nil {
		t.Fatalf("retry: %v", err)
	}
	if subs, _, err := f.st.PrivacySubscriptions(f.ctx, r.Input.AuthorEmail); err != nil || len(subs) != 1 || c.ID == 0 {
		t.Errorf("after the retry: comment %d, subscriptions %v, %v", c.ID, subs, err)
	}
}

func TestCommentsOpen(t *testing.T) {
	f := newFixture(t, nil)
	check := func(p *blog.Post, want bool) {
		t.Helper()
		open, err := f.svc.CommentsOpen(f.ctx, p)
		if err != nil || open != want {
			t.Errorf("CommentsOpen(%s) = %v, %v; want %v", p.Title, open, err, want)
		}
	}
	check(f.post, true)
	closed := f.savePost("Closed", base.AddDate(0, 0, -1), true)
	check(closed, false)
	f.settings(map[string]string{site.KeyCloseCommentsDays: "7"})
	check(f.post, true) // exactly seven days old
	f.now = base.Add(time.Second)
	check(f.post, false)
	f.settings(map[string]string{site.KeyCloseCommentsDays: "0"})
	check(f.post, true)
}

func TestModerationHash(t *testing.T) {
	f := newFixture(t, nil)
	c, err := f.svc.Submit(f.ctx, f.request())
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != blog.CommentPending {
		t.Fatalf("status %s", c.Status)
	}
	h, err := f.svc.ModerationHash(f.ctx, c)
	if err != nil || h == "" {
		t.Fatal(h, err)
	}
	other, err := f.svc.Submit(f.ctx, f.request())
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := f.st.Comment(f.ctx, c.ID)
	if !f.svc.CheckModerationHash(f.ctx, stored, h) {
		t.Error("own hash refused")
	}
	for name, bad := range map[string]string{"empty": "", "changed": h[:len(h)-1] + "A", "other": mustHash(t, f, other)} {
		if bad == h {
			continue
		}
		if f.svc.CheckModerationHash(f.ctx, stored, bad) {
			t.Errorf("%s hash accepted", name)
		}
	}
	if f.svc.CheckModerationHash(f.ctx, nil, h) {
		t.Error("hash accepted for no comment")
	}
	// Another site's secret makes other hashes.
	g := newFixture(t, nil)
	if g.svc.CheckModerationHash(g.ctx, stored, h) {
		t.Error("hash accepted under another site's key")
	}
	f.now = base.Add(comments.HeldPreview)
	if f.svc.CheckModerationHash(f.ctx, stored, h) {
		t.Error("hash still good after the preview time")
	}
}

func mustHash(t *testing.T, f *fixture, c *blog.Comment) string {
	t.Helper()
	h, err := f.svc.ModerationHash(f.ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestRefusalIsAnError(t *testing.T) {
	var err error = &comments.Refusal{Kind: comments.RefusedRate, Msg: "slow"}
	wrapped := fmt.Errorf("web: %w", err)
	if r, ok := comments.AsRefusal(wrapped); !ok || r.Kind != comments.RefusedRate {
		t.Errorf("AsRefusal(%v) = %v, %v", wrapped, r, ok)
	}
	if _, ok := comments.AsRefusal(errors.New("other")); ok {
		t.Error("plain error taken for a refusal")
	}
}
