// Package notify tells people about comments by email: the site's owner
// and the post's author hear of each new or held comment (as the
// discussion settings say, with approve, spam and trash links that open a
// confirmation page and act only on a comment still as it was mailed), and
// readers who asked for follow-ups hear of each new approved comment on
// that post, after confirming their address once (double opt-in), with
// one-click unsubscribe (RFC 8058). It also serves the reader-facing pages
// those mails link to.
//
// Mail is durable: what follows from a comment is written as jobs in the
// transaction that stores the comment (or changes its status), naming IDs
// only; the queue builds each message when its job runs (Composers), from
// the settings and base URL of the process running it.
package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Confirmation mails to one address are limited to ConfirmMailsPerDay, so
// a form cannot be used to flood someone's inbox.
const ConfirmMailsPerDay = 5

// The mails of this package, as jobs.MailJob.Mail names them.
const (
	// MailModeration tells a moderator (UserID) of a new or held comment,
	// with links that act only while it keeps Status.
	MailModeration = "comment_moderation"
	// MailFollowUp tells a follow-up subscriber (SubscriptionID) of an
	// approved comment.
	MailFollowUp = "comment_followup"
	// MailConfirm asks the address of a subscription (SubscriptionID) to
	// confirm follow-ups.
	MailConfirm = "comment_confirm"
)

// MailJobs writes mail jobs in the transaction of tx; *jobs.Inserter (and
// *jobs.Queue) is one.
type MailJobs interface {
	Mail(ctx context.Context, tx *store.Store, jobs ...jobs.MailJob) error
}

// Notifier writes comment mail jobs, builds their messages when they run,
// and serves the pages their links open.
type Notifier struct {
	Store *store.Store
	Site  *site.Site
	Jobs  MailJobs
	Now   func() time.Time
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

// CommentStored writes, in the transaction tx that stored comment c, the
// mail that follows from it: the moderators' mail for an approved or held
// comment (as the discussion settings say), the follow-ups of an approved
// one, and, when subscribe is set, the author's follow-up subscription
// with its confirmation mail. Spam and trash mail no one and subscribe no
// one. An error means nothing may be committed: the caller rolls back.
func (n *Notifier) CommentStored(ctx context.Context, tx *store.Store, c *blog.Comment, subscribe bool) error {
	if c.Status != blog.CommentApproved && c.Status != blog.CommentPending {
		return nil
	}
	js, err := n.moderationJobs(ctx, tx, c)
	if err != nil {
		return err
	}
	if c.Status == blog.CommentApproved {
		more, err := n.followUpJobs(ctx, tx, c)
		if err != nil {
			return err
		}
		js = append(js, more...)
	}
	if subscribe && c.AuthorEmail != "" {
		more, err := n.subscribeJobs(ctx, tx, c.PostID, c.AuthorEmail)
		if err != nil {
			return err
		}
		js = append(js, more...)
	}
	if len(js) == 0 {
		return nil
	}
	if err := n.Jobs.Mail(ctx, tx, js...); err != nil {
		return fmt.Errorf("notify: comment %d: %w", c.ID, err)
	}
	return nil
}

// moderationJobs names the moderators' mail about comment c: the site's
// owner and the post's author, once each, when the settings ask for mail
// about comments like it. Nobody is mailed about a comment they wrote
// while logged in; a guest who typed an account's address is not them.
func (n *Notifier) moderationJobs(ctx context.Context, tx *store.Store, c *blog.Comment) ([]jobs.MailJob, error) {
	set, _, err := n.Site.Current(ctx)
	if err != nil {
		return nil, fmt.Errorf("notify: settings: %w", err)
	}
	d := set.Discussion
	if (c.Status == blog.CommentApproved && !d.NotifyComments) || (c.Status == blog.CommentPending && !d.NotifyModeration) {
		return nil, nil
	}
	post, err := tx.Post(ctx, c.PostID)
	if err != nil {
		return nil, fmt.Errorf("notify: comment %d: %w", c.ID, err)
	}
	to, err := moderators(ctx, tx, post)
	if err != nil {
		return nil, err
	}
	var out []jobs.MailJob
	for _, u := range to {
		if c.UserID != 0 && c.UserID == u.ID {
			continue
		}
		out = append(out, jobs.MailJob{Mail: MailModeration, CommentID: c.ID, UserID: u.ID, Status: string(c.Status),
			Key: "comment-author:" + strconv.FormatInt(c.ID, 10) + ":" + string(c.Status) + ":" + strconv.FormatInt(u.ID, 10)})
	}
	return out, nil
}

// moderators returns who hears of comments on post: its author and the
// site's first owner, each once (by account and by address), leaving out
// anyone without an address.
func moderators(ctx context.Context, st *store.Store, post *blog.Post) ([]*blog.User, error) {
	var out []*blog.User
	seen := map[string]bool{}
	add := func(u *blog.User) {
		email := blog.NormalizeEmail(u.Email)
		if email == "" || seen[email] {
			return
		}
		seen[email] = true
		out = append(out, u)
	}
	if post.AuthorID != 0 {
		u, err := st.User(ctx, post.AuthorID)
		switch {
		case err == nil:
			add(u)
		case !errors.Is(err, blog.ErrNotFound):
			return nil, fmt.Errorf("notify: post author: %w", err)
		}
	}
	users, err := st.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("notify: site owner: %w", err)
	}
	for i := range users {
		if users[i].Role == blog.RoleOwner && users[i].Email != "" {
			add(&users[i])
			break
		}
	}
	return out, nil
}

// CommentApproved writes, in the transaction tx that approved comment c
// (at once, or by a moderator), the follow-up mail to every confirmed
// subscriber of the post but the comment's own author. It reads the
// comment again through tx, so a comment that is not approved, or a post
// not public, mails no one. Each message is keyed by comment and
// subscription, so calling it twice sends nothing twice.
func (n *Notifier) CommentApproved(ctx context.Context, tx *store.Store, c *blog.Comment) error {
	js, err := n.followUpJobs(ctx, tx, c)
	if err != nil || len(js) == 0 {
		return err
	}
	if err := n.Jobs.Mail(ctx, tx, js...); err != nil {
		return fmt.Errorf("notify: follow-ups of comment %d: %w", c.ID, err)
	}
	return nil
}

// followUpJobs names the follow-up mail of comment c.
func (n *Notifier) followUpJobs(ctx context.Context, tx *store.Store, c *blog.Comment) ([]jobs.MailJob, error) {
	cur, err := tx.Comment(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("notify: comment %d: %w", c.ID, err)
	}
	if cur.Status != blog.CommentApproved {
		return nil, nil
	}
	post, err := tx.Post(ctx, cur.PostID)
	if err != nil {
		return nil, fmt.Errorf("notify: comment %d: %w", c.ID, err)
	}
	if !post.IsPublic(n.now()) {
		return nil, nil
	}
	subs, err := tx.ActiveCommentSubscriptions(ctx, post.ID)
	if err != nil {
		return nil, fmt.Errorf("notify: follow-ups of %q: %w", post.Title, err)
	}
	own := blog.NormalizeEmail(cur.AuthorEmail)
	var out []jobs.MailJob
	for _, sub := range subs {
		if own != "" && sub.Email == own {
			continue
		}
		out = append(out, jobs.MailJob{Mail: MailFollowUp, CommentID: cur.ID, SubscriptionID: sub.ID,
			Key: "comment-followup:" + strconv.FormatInt(cur.ID, 10) + ":" + strconv.FormatInt(sub.ID, 10)})
	}
	return out, nil
}

// Subscribe records, in the transaction of tx, a follow-up request for
// postID by email. The first time for an address it writes the double
// opt-in confirmation mail; an address that confirmed before is subscribed
// at once, and one that asked for no follow-ups at all is left alone (no
// subscription, no mail).
func (n *Notifier) Subscribe(ctx context.Context, tx *store.Store, postID int64, email string) error {
	js, err := n.subscribeJobs(ctx, tx, postID, email)
	if err != nil || len(js) == 0 {
		return err
	}
	if err := n.Jobs.Mail(ctx, tx, js...); err != nil {
		return fmt.Errorf("notify: confirmation mail: %w", err)
	}
	return nil
}

// subscribeJobs subscribes email to postID through tx and names the
// confirmation mail it needs, if any.
func (n *Notifier) subscribeJobs(ctx context.Context, tx *store.Store, postID int64, email string) ([]jobs.MailJob, error) {
	email = blog.NormalizeEmail(email)
	if !blog.ValidEmail(email) {
		return nil, (blog.FieldErrors{"email": "Please enter a valid email address, like name@example.com."}).Err()
	}
	rec, err := tx.CommentSubscriber(ctx, email)
	switch {
	case err == nil && !rec.UnsubscribedAllAt.IsZero():
		return nil, nil
	case err != nil && !errors.Is(err, blog.ErrNotFound):
		return nil, fmt.Errorf("notify: subscribe: %w", err)
	}
	post, err := tx.Post(ctx, postID)
	if err != nil {
		return nil, fmt.Errorf("notify: subscribe to post %d: %w", postID, err)
	}
	sub, _, err := tx.AddCommentSubscription(ctx, post.ID, email, n.now())
	if err != nil {
		return nil, fmt.Errorf("notify: subscribe: %w", err)
	}
	if !sub.ConfirmedAt.IsZero() {
		return nil, nil
	}
	key := "comment-confirm:" + strconv.FormatInt(sub.ID, 10)
	sent, err := tx.MailSent(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("notify: subscribe: %w", err)
	}
	if sent {
		return nil, nil
	}
	ok, err := AllowConfirmMail(ctx, tx, "comment-confirm", email, ConfirmMailsPerDay)
	if err != nil {
		return nil, fmt.Errorf("notify: subscribe: %w", err)
	}
	if !ok {
		return nil, nil // the address had its share of confirmation mail today
	}
	return []jobs.MailJob{{Mail: MailConfirm, SubscriptionID: sub.ID, Key: key}}, nil
}

// AllowConfirmMail records a confirmation mail of list ("comment-confirm",
// "newsletter-confirm") to email and reports whether it is one of the
// first max of the last 24 hours, so a form cannot flood someone's inbox;
// a refused one is not recorded. The limit holds across instances
// (store.Allow). The bucket is named by a keyed hash, so the rate table
// holds no address; the key is read through tx, which may be inside a
// write transaction (on SQLite no other connection may write then).
func AllowConfirmMail(ctx context.Context, tx *store.Store, list, email string, max int) (bool, error) {
	key, err := site.New(tx, site.Overrides{}).Key(ctx, list+"-rate")
	if err != nil {
		return false, fmt.Errorf("notify: %w", err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(blog.NormalizeEmail(email)))
	return tx.Allow(ctx, list+":"+hex.EncodeToString(m.Sum(nil)[:12]), max, 24*time.Hour)
}

// oneLine keeps text fit for a subject line: no line breaks, runs of space
// made one.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
