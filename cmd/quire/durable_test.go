package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/comments"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// servedSite is a migrated site on the engine the tests run on (SQLite, or
// PostgreSQL when QUIRE_TEST_DATABASE_URL is set), with an owner and one
// published post: the environment quire runs with, and a store to look at
// it through.
func servedSite(t *testing.T) (env map[string]string, st *store.Store, owner *blog.User, post *blog.Post) {
	t.Helper()
	ctx := context.Background()
	if storetest.Engine() == "postgres" {
		env = map[string]string{"QUIRE_DATABASE_URL": storetest.URL(t)}
	} else {
		env = map[string]string{"QUIRE_DATA": t.TempDir()}
	}
	if r := quire(t, env, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	target := env["QUIRE_DATABASE_URL"]
	if target == "" {
		target = filepath.Join(env["QUIRE_DATA"], "quire.db")
	}
	st, err := store.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	owner = &blog.User{Email: "olive@example.com", Name: "Olive Owner", Role: blog.RoleOwner, PasswordHash: "x"}
	if err := st.CreateUser(ctx, owner); err != nil {
		t.Fatal(err)
	}
	post = &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: "What Business Are You In", Body: "x",
		AuthorID: owner.ID, PublishedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := st.SavePost(ctx, post); err != nil {
		t.Fatal(err)
	}
	return env, st, owner, post
}

// count runs a count(*) query through st.
func count(t *testing.T, st *store.Store, q string) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// outboxTo waits for the serving process's queue to put a message to
// address in the outbox, and returns its text.
func outboxTo(t *testing.T, st *store.Store, address string) string {
	t.Helper()
	var text string
	waitFor(t, "mail to "+address, func() bool {
		msgs, err := st.Outbox(context.Background(), 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.To == address {
				text = m.Text
				return true
			}
		}
		return false
	})
	return text
}

// commentForm is a reader's comment form on post, opened a minute ago as
// the reader's browser holds it.
func commentForm(t *testing.T, st *store.Store, post *blog.Post, name, email, text string) url.Values {
	t.Helper()
	svc := &comments.Service{Store: st, Site: site.New(st, site.Overrides{}), Now: func() time.Time { return time.Now().Add(-time.Minute) }}
	tok, err := svc.NewToken(context.Background(), post.ID)
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"comment_post_ID": {itoa(post.ID)}, "comment_parent": {"0"}, "comment_token": {tok},
		"author": {name}, "email": {email}, "comment": {text}}
}

// postComment sends form to the comment endpoint of the site at base, as a
// logged-out reader, and returns the status and body of the answer.
func postComment(t *testing.T, base string, form url.Values) (int, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"/wp-comments-post.php", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestCommentAndItsMailAreOneWrite goes through quire serve as it runs: a
// fault between writing a comment and writing its jobs (no job can be
// inserted) leaves neither the comment, nor the reader's follow-up
// subscription, nor any job; the reader's form comes back, and sending it
// again (not a duplicate) stores all of them, whose mail goes out with the
// serving process's base URL.
func TestCommentAndItsMailAreOneWrite(t *testing.T) {
	env, st, owner, post := servedSite(t)
	ctx := context.Background()
	base, _, stop := serveUntil(t, env, "--base-url", "https://coach.example.com")
	defer stop()

	form := commentForm(t, st, post, "Rita Reader", "rita@example.org", "Selling is helping people decide.")
	form.Set("subscribe", "1")
	send := func() (int, string) { return postComment(t, base, form) }

	restore := apptest.FailJobInserts(t, st)
	code, body := send()
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "Selling is helping people decide.") {
		t.Fatalf("comment with no job insertable: %d\n%.2000s", code, body)
	}
	if n := count(t, st, "SELECT count(*) FROM comments"); n != 0 {
		t.Errorf("%d comments stored without their jobs", n)
	}
	if n := count(t, st, "SELECT count(*) FROM comment_subscriptions"); n != 0 {
		t.Errorf("%d subscriptions stored without their comment", n)
	}
	if n := count(t, st, "SELECT count(*) FROM river_job WHERE kind = 'mail'"); n != 0 {
		t.Errorf("%d mail jobs", n)
	}
	restore()

	if code, body := send(); code != http.StatusSeeOther {
		t.Fatalf("the same comment again: %d\n%.2000s", code, body)
	}
	list, _, err := st.ListComments(ctx, store.CommentFilter{})
	if err != nil || len(list) != 1 || list[0].Status != blog.CommentPending {
		t.Fatalf("comments after the retry: %+v, %v", list, err)
	}
	if n := count(t, st, "SELECT count(*) FROM comment_subscriptions"); n != 1 {
		t.Errorf("%d subscriptions after the retry, want 1", n)
	}
	moderate := outboxTo(t, st, owner.Email)
	if !strings.Contains(moderate, "https://coach.example.com/comments/moderate/"+itoa(list[0].ID)+"/approve?") {
		t.Errorf("moderation mail does not link to the site:\n%s", moderate)
	}
	if confirm := outboxTo(t, st, "rita@example.org"); !strings.Contains(confirm, "https://coach.example.com/comments/confirm/") {
		t.Errorf("confirmation mail does not link to the site:\n%s", confirm)
	}
}

// TestCommentsApproveMailLinksToServingSite: quire comments approve, run
// without knowing the site's address, writes the follow-up job with the
// approval; the serving process builds the mail, with its own base URL.
func TestCommentsApproveMailLinksToServingSite(t *testing.T) {
	env, st, _, post := servedSite(t)
	ctx := context.Background()
	held := &blog.Comment{PostID: post.ID, Status: blog.CommentPending, AuthorName: "Hal", AuthorEmail: "hal@example.org",
		Content: "Held for now.", ContentHTML: "<p>Held for now.</p>"}
	if err := st.CreateComment(ctx, held); err != nil {
		t.Fatal(err)
	}
	sub, _, err := st.AddCommentSubscription(ctx, post.ID, "follower@example.com", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmCommentSubscriber(ctx, sub.Token, time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := quire(t, env, "", "comments", "approve", itoa(held.ID)); r.code != 0 {
		t.Fatalf("approve: %+v", r)
	}
	// The job names the comment and the subscription, nothing more.
	if n := count(t, st, "SELECT count(*) FROM river_job WHERE kind = 'mail'"); n != 1 {
		t.Fatalf("%d mail jobs, want the one follow-up", n)
	}
	if n := count(t, st, "SELECT count(*) FROM river_job WHERE kind = 'mail' AND CAST(args AS TEXT) LIKE '%http%'"); n != 0 {
		t.Error("the job carries a URL")
	}

	_, _, stop := serveUntil(t, env, "--base-url", "https://coach.example.com")
	defer stop()
	text := outboxTo(t, st, "follower@example.com")
	for _, want := range []string{"https://coach.example.com/2024/01/01/what-business-are-you-in/#comment-" + itoa(held.ID),
		"https://coach.example.com/comments/unsubscribe/" + sub.Token} {
		if !strings.Contains(text, want) {
			t.Errorf("follow-up lacks %s:\n%s", want, text)
		}
	}
	if strings.Contains(text, "127.0.0.1") {
		t.Errorf("follow-up links to the command line's default address:\n%s", text)
	}
}

// TestGuestUsingTheAuthorsAddressIsHeld: through quire serve, a logged-out
// guest typing the post author's name and address — whose own comment made
// them "previously approved" — is held, and the author is asked to
// moderate it.
func TestGuestUsingTheAuthorsAddressIsHeld(t *testing.T) {
	env, st, owner, post := servedSite(t)
	ctx := context.Background()
	mine := &blog.Comment{PostID: post.ID, Status: blog.CommentApproved, AuthorName: owner.Name, AuthorEmail: owner.Email,
		UserID: owner.ID, Content: "Thanks for reading.", ContentHTML: "<p>Thanks for reading.</p>", CreatedAt: time.Now().Add(-time.Hour)}
	if err := st.CreateComment(ctx, mine); err != nil {
		t.Fatal(err)
	}
	base, _, stop := serveUntil(t, env)
	defer stop()
	code, body := postComment(t, base, commentForm(t, st, post, owner.Name, strings.ToUpper(owner.Email), "Approve this, it is me."))
	if code != http.StatusSeeOther {
		t.Fatalf("guest comment: %d\n%.2000s", code, body)
	}
	list, _, err := st.ListComments(ctx, store.CommentFilter{Statuses: []blog.CommentStatus{blog.CommentPending}})
	if err != nil || len(list) != 1 || list[0].UserID != 0 {
		t.Fatalf("held: %+v, %v; want the guest's comment", list, err)
	}
	text := outboxTo(t, st, owner.Email)
	if !strings.Contains(text, "waiting for your approval") || !strings.Contains(text, "/comments/moderate/"+itoa(list[0].ID)+"/approve?") {
		t.Errorf("the author's mail:\n%s", text)
	}
}
