package notify_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/store"
)

// byTo maps messages by recipient, failing on two to one address.
func byTo(t *testing.T, msgs []mail.Message) map[string]mail.Message {
	t.Helper()
	out := map[string]mail.Message{}
	for _, m := range msgs {
		if _, dup := out[m.To]; dup {
			t.Errorf("two mails to %s", m.To)
		}
		out[m.To] = m
	}
	return out
}

func TestAuthorMailForHeldComment(t *testing.T) {
	f := newFixture(t)
	c := f.comment(blog.CommentPending, "Ann Reader", "Ann@Example.org", "Great post.\n\nSecond <script>alert(1)</script> para\nnext line")
	if err := f.stored(c, false); err != nil {
		t.Fatal(err)
	}
	// The post's author and the site's owner, as WordPress tells the
	// author and the administration address.
	msgs := byTo(t, f.take())
	m, owners := msgs["writer@example.com"], msgs["owner@example.com"]
	if len(msgs) != 2 || m.To == "" || owners.To == "" {
		t.Fatalf("mails: %+v, want one to the post's author and one to the owner", msgs)
	}
	if m.Subject != "[Sales Coach] Please moderate: “What Business Are You In?”" {
		t.Errorf("subject %q", m.Subject)
	}
	if want := "comment-author:" + itoa(c.ID) + ":pending:" + itoa(f.author.ID); m.Key != want {
		t.Errorf("key %q, want %q", m.Key, want)
	}
	// The author is a moderator: the mail has everything about the commenter.
	for _, want := range []string{"Ann Reader", "ann@example.org", "192.0.2.7", "https://ann.example.org/",
		"Great post.", "Second <script>alert(1)</script> para\nnext line", base + "/admin/comments/?status=pending"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "&lt;script&gt;") {
		t.Errorf("HTML does not escape the comment:\n%s", m.HTML)
	}
	if !strings.Contains(m.HTML, "<p>Second &lt;script&gt;alert(1)&lt;/script&gt; para<br>next line</p>") {
		t.Errorf("HTML does not keep paragraphs and line breaks:\n%s", m.HTML)
	}
	for _, action := range []string{"approve", "spam", "trash"} {
		u := oneLink(t, m.Text, "/"+action+"?")
		if !strings.HasPrefix(u, base+"/comments/moderate/"+itoa(c.ID)+"/"+action+"?") {
			t.Errorf("%s link %q", action, u)
		}
		if !strings.Contains(m.HTML, strings.ReplaceAll(u, "&", "&amp;")) {
			t.Errorf("HTML lacks the %s link", action)
		}
	}
	// The owner sees how many wait in all; the author is told of the panel
	// without a count.
	if !strings.Contains(m.Text, "All pending comments:") {
		t.Errorf("text lacks the pending link line:\n%s", m.Text)
	}
	if !strings.Contains(owners.Text, "One comment is waiting for approval") {
		t.Errorf("owner's mail lacks the count:\n%s", owners.Text)
	}

	// A post without an author: the owner hears of it, with the count.
	f.post = f.newPost("Orphan", 0)
	c2 := f.comment(blog.CommentPending, "Bob", "bob@example.org", "Held too")
	if err := f.stored(c2, false); err != nil {
		t.Fatal(err)
	}
	list := f.take()
	if len(list) != 1 || list[0].To != "owner@example.com" {
		t.Fatalf("mail for an authorless post: %+v", list)
	}
	if !strings.Contains(list[0].Text, "2 comments are waiting for approval") {
		t.Errorf("owner's mail lacks the count:\n%s", list[0].Text)
	}
}

func TestAuthorMailForApprovedComment(t *testing.T) {
	f := newFixture(t)
	c := f.comment(blog.CommentApproved, "Ann Reader", "ann@example.org", "Approved at once")
	if err := f.stored(c, false); err != nil {
		t.Fatal(err)
	}
	msgs := byTo(t, f.take())
	m := msgs["writer@example.com"]
	if len(msgs) != 2 || m.To == "" {
		t.Fatalf("mails: %+v, want the author's and the owner's", msgs)
	}
	if m.Subject != "[Sales Coach] New comment on your post “What Business Are You In?”" {
		t.Errorf("subject %q", m.Subject)
	}
	if s := msgs["owner@example.com"].Subject; s != "[Sales Coach] New comment on “What Business Are You In?”" {
		t.Errorf("owner's subject %q", s)
	}
	if m.Key != "comment-author:"+itoa(c.ID)+":approved:"+itoa(f.author.ID) {
		t.Errorf("key %q", m.Key)
	}
	if len(links(m.Text, "/approve?")) != 0 || len(links(m.Text, "/spam?")) != 1 || len(links(m.Text, "/trash?")) != 1 {
		t.Errorf("actions of an approved comment's mail:\n%s", m.Text)
	}
	if !strings.Contains(m.Text, base+"/2011/01/05/what-business-are-you-in/#comment-"+itoa(c.ID)) {
		t.Errorf("text lacks the comment's permalink:\n%s", m.Text)
	}

	// No mail for spam or trash; none to the author about their own
	// comment (the owner still hears of it).
	for _, st := range []blog.CommentStatus{blog.CommentSpam, blog.CommentTrash} {
		if err := f.stored(f.comment(st, "Spammer", "s@example.net", "buy "+string(st)), false); err != nil {
			t.Fatal(err)
		}
	}
	own := f.comment(blog.CommentApproved, "Walt Writer", "WRITER@example.com", "Thanks, all")
	own.UserID = f.author.ID
	if err := f.stored(own, false); err != nil {
		t.Fatal(err)
	}
	if msgs := f.take(); len(msgs) != 1 || msgs[0].To != "owner@example.com" {
		t.Errorf("mails for spam, trash and the author's own comment: %+v", msgs)
	}
}

// TestGuestWithAnAuthorsAddressIsNotThem: a logged-out guest who typed the
// post author's name and address is not the author: the author is mailed
// about the comment as about anyone's.
func TestGuestWithAnAuthorsAddressIsNotThem(t *testing.T) {
	f := newFixture(t)
	c := f.comment(blog.CommentPending, "Walt Writer", "writer@example.com", "Approve me, I am the author.")
	if err := f.stored(c, false); err != nil {
		t.Fatal(err)
	}
	msgs := byTo(t, f.take())
	m := msgs["writer@example.com"]
	if m.To == "" || !strings.Contains(m.Subject, "Please moderate") || len(links(m.Text, "/approve?")) != 1 {
		t.Errorf("the author was not asked to moderate a guest using their address: %+v", msgs)
	}
	if msgs["owner@example.com"].To == "" {
		t.Errorf("the owner was not told: %+v", msgs)
	}
}

// TestEmailMeWheneverSettings: "Email me whenever anyone posts a comment"
// and "… a comment is held for moderation" decide, each for its kind of
// comment, whether the moderators are mailed; follow-ups are not theirs.
func TestEmailMeWheneverSettings(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.confirmed("alice@example.org")
	if err := f.st.SaveSettings(ctx, map[string]string{"comments_notify": "0"}); err != nil {
		t.Fatal(err)
	}
	if err := f.stored(f.comment(blog.CommentApproved, "Ann", "ann@example.org", "Approved"), false); err != nil {
		t.Fatal(err)
	}
	if err := f.stored(f.comment(blog.CommentPending, "Bob", "bob@example.org", "Held"), false); err != nil {
		t.Fatal(err)
	}
	got := byTo(t, f.take())
	if len(got) != 3 || got["alice@example.org"].To == "" || !strings.Contains(got["owner@example.com"].Subject, "Please moderate") ||
		!strings.Contains(got["writer@example.com"].Subject, "Please moderate") {
		t.Errorf("with comments_notify off: %+v, want the follow-up and two moderation mails", got)
	}
	if err := f.st.SaveSettings(ctx, map[string]string{"comments_notify": "1", "moderation_notify": "0"}); err != nil {
		t.Fatal(err)
	}
	if err := f.stored(f.comment(blog.CommentPending, "Cid", "cid@example.org", "Held again"), false); err != nil {
		t.Fatal(err)
	}
	if got := f.take(); len(got) != 0 {
		t.Errorf("with moderation_notify off: %+v", got)
	}
	if err := f.stored(f.comment(blog.CommentApproved, "Dee", "dee@example.org", "Approved again"), false); err != nil {
		t.Fatal(err)
	}
	if got := byTo(t, f.take()); len(got) != 3 || !strings.Contains(got["owner@example.com"].Subject, "New comment") {
		t.Errorf("with comments_notify on: %+v", got)
	}
}

func TestCommentApprovedMailsConfirmedSubscribers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.st.SaveSettings(ctx, map[string]string{"comments_notify": "0"}); err != nil {
		t.Fatal(err) // only follow-ups here
	}
	a := f.confirmed("alice@example.org")
	f.confirmed("carol@example.org") // writes the comment: not told of her own
	if _, _, err := f.st.AddCommentSubscription(ctx, f.post.ID, "dave@example.org", f.clock.Now()); err != nil {
		t.Fatal(err) // never confirms
	}
	// A subscriber of another post hears nothing.
	other := f.newPost("Another post", f.author.ID)
	if _, _, err := f.st.AddCommentSubscription(ctx, other.ID, "erin@example.org", f.clock.Now()); err != nil {
		t.Fatal(err)
	}

	held := f.comment(blog.CommentPending, "Carol", "carol@example.org", "Held for now")
	if err := f.approved(held); err != nil {
		t.Fatal(err)
	}
	if msgs := f.take(); len(msgs) != 0 {
		t.Fatalf("mails for a comment that is not approved: %d", len(msgs))
	}

	c := f.comment(blog.CommentApproved, "Carol", "Carol@Example.org", "I agree.\nDrucker said it best.")
	if err := f.approved(c); err != nil {
		t.Fatal(err)
	}
	msgs := f.take()
	if len(msgs) != 1 {
		t.Fatalf("mails: %+v, want one to alice", msgs)
	}
	m := msgs[0]
	if m.To != "alice@example.org" || m.Subject != "[Sales Coach] New comment on “What Business Are You In?”" {
		t.Errorf("to %q, subject %q", m.To, m.Subject)
	}
	if m.Key != "comment-followup:"+itoa(c.ID)+":"+itoa(a.ID) {
		t.Errorf("key %q", m.Key)
	}
	unsub := base + "/comments/unsubscribe/" + a.Token
	if got := m.Headers["List-Unsubscribe"]; got != "<"+unsub+">" {
		t.Errorf("List-Unsubscribe %q", got)
	}
	if got := m.Headers["List-Unsubscribe-Post"]; got != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", got)
	}
	for _, want := range []string{"Carol", "I agree.\nDrucker said it best.", unsub, base + "/comments/unsubscribe-all/" + a.Token,
		"/what-business-are-you-in/#comment-" + itoa(c.ID)} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	// Nobody's address but the recipient's, nor the commenter's IP or site.
	for _, body := range []string{m.Text, m.HTML, m.Subject} {
		for _, secret := range []string{"carol@example.org", "dave@example.org", "erin@example.org", "192.0.2.7", "ann.example.org"} {
			if strings.Contains(strings.ToLower(body), secret) {
				t.Errorf("follow-up mail reveals %q", secret)
			}
		}
	}

	// Called again (a retried job, a second approval): the same keys, which
	// the queue sends once.
	if err := f.approved(c); err != nil {
		t.Fatal(err)
	}
	if again := f.take(); len(again) != 0 {
		t.Errorf("second call: %+v", again)
	}

	// A post no longer public mails no one.
	f.post.Status = blog.StatusDraft
	if _, err := f.st.SavePost(ctx, f.post); err != nil {
		t.Fatal(err)
	}
	if err := f.approved(c); err != nil {
		t.Fatal(err)
	}
	if msgs := f.take(); len(msgs) != 0 {
		t.Errorf("mails for a comment on a draft: %d", len(msgs))
	}
}

func TestSubscribeSendsOneConfirmation(t *testing.T) {
	f := newFixture(t)
	if err := f.subscribe(f.post.ID, "not an address"); err == nil {
		t.Error("an invalid address was accepted")
	} else if fe, ok := blog.AsValidation(err); !ok || fe["email"] == "" {
		t.Errorf("invalid address: %v, want a field error on email", err)
	}
	if err := f.subscribe(f.post.ID, " Reader@Example.org "); err != nil {
		t.Fatal(err)
	}
	msgs := f.take()
	if len(msgs) != 1 {
		t.Fatalf("mails: %d, want one confirmation", len(msgs))
	}
	m := msgs[0]
	if m.To != "reader@example.org" || m.Subject != "[Sales Coach] Confirm follow-up comments on “What Business Are You In?”" {
		t.Errorf("to %q, subject %q", m.To, m.Subject)
	}
	confirm := oneLink(t, m.Text, "/comments/confirm/")
	if !strings.Contains(m.HTML, confirm) {
		t.Errorf("HTML lacks the confirmation link")
	}
	if got := f.active(f.post.ID); len(got) != 0 {
		t.Errorf("active before confirmation: %v", got)
	}
	// Asking again before confirming: the same message key, sent once by
	// the queue.
	if err := f.subscribe(f.post.ID, "reader@example.org"); err != nil {
		t.Fatal(err)
	}
	if again := f.take(); len(again) != 0 {
		t.Errorf("second request: %+v", again)
	}
}

func TestConfirmationMailsAreRateLimited(t *testing.T) {
	f := newFixture(t)
	for i := range 8 {
		p := f.newPost("Post "+itoa(int64(i)), f.author.ID)
		if err := f.subscribe(p.ID, "victim@example.org"); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(f.take()); got != 5 {
		t.Errorf("confirmation mails to one address for 8 posts: %d, want 5", got)
	}
}

func TestQueueErrorsAreReturned(t *testing.T) {
	f := newFixture(t)
	f.n.Jobs = failing{}
	c := f.comment(blog.CommentPending, "Ann", "ann@example.org", "Hello")
	if err := f.stored(c, false); err == nil || !strings.Contains(err.Error(), "queue is down") {
		t.Errorf("error = %v", err)
	}
}

type failing struct{}

func (failing) Mail(context.Context, *store.Store, ...jobs.MailJob) error {
	return errors.New("queue is down")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestOwnersOwnPostMailedOnce: on a post whose author is the site's owner,
// the owner gets one mail, not one as owner and one as author.
func TestOwnersOwnPostMailedOnce(t *testing.T) {
	f := newFixture(t)
	f.post = f.newPost("The Owner Writes", f.owner.ID)
	if err := f.stored(f.comment(blog.CommentPending, "Ann", "ann@example.org", "Held"), false); err != nil {
		t.Fatal(err)
	}
	if msgs := f.take(); len(msgs) != 1 || msgs[0].To != "owner@example.com" {
		t.Errorf("mails: %+v, want one to the owner", msgs)
	}
}
