// Package notify tells people about comments by email: the post's author
// hears of each new or held comment (with approve, spam and trash links
// that open a confirmation page), and readers who asked for follow-ups
// hear of each new approved comment on that post, after confirming their
// address once (double opt-in), with one-click unsubscribe (RFC 8058). It
// also serves the reader-facing pages those mails link to.
package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Confirmation mails to one address are limited to ConfirmMailsPerDay, so
// a form cannot be used to flood someone's inbox.
const ConfirmMailsPerDay = 5

// Notifier sends comment mail and serves the pages its links open.
type Notifier struct {
	Store *store.Store
	Site  *site.Site
	Mail  mail.Sender // the durable queue: sends once per Message.Key
	Now   func() time.Time
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now()
	}
	return time.Now()
}

// CommentStored is called after a comment is stored: it mails the post's
// author (or, when the post has none, the site's owner) when the comment is
// approved ("new comment") or held ("please moderate"), with links to
// confirmation pages that approve, spam or trash it. Spam and trash are
// not mailed, nor a comment the recipient wrote. Follow-up subscribers are
// told by CommentApproved, which the caller calls too for an approved
// comment.
func (n *Notifier) CommentStored(ctx context.Context, c *blog.Comment) error {
	if c.Status != blog.CommentApproved && c.Status != blog.CommentPending {
		return nil
	}
	post, err := n.Store.Post(ctx, c.PostID)
	if err != nil {
		return fmt.Errorf("notify: comment %d: %w", c.ID, err)
	}
	to, err := n.moderator(ctx, post)
	if err != nil {
		return err
	}
	if to == nil || (c.UserID != 0 && c.UserID == to.ID) ||
		(c.AuthorEmail != "" && blog.NormalizeEmail(c.AuthorEmail) == blog.NormalizeEmail(to.Email)) {
		return nil
	}
	set, _, err := n.Site.Current(ctx)
	if err != nil {
		return fmt.Errorf("notify: settings: %w", err)
	}
	m, err := n.authorMail(ctx, set, post, c, to)
	if err != nil {
		return err
	}
	if err := n.Mail.Send(ctx, m); err != nil {
		return fmt.Errorf("notify: mail the author of %q: %w", post.Title, err)
	}
	return nil
}

// moderator returns who hears of comments on post: its author, else the
// site's owner; nil when there is no one with an address.
func (n *Notifier) moderator(ctx context.Context, post *blog.Post) (*blog.User, error) {
	if post.AuthorID != 0 {
		u, err := n.Store.User(ctx, post.AuthorID)
		switch {
		case err == nil && u.Email != "":
			return u, nil
		case err != nil && !errors.Is(err, blog.ErrNotFound):
			return nil, fmt.Errorf("notify: post author: %w", err)
		}
	}
	users, err := n.Store.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("notify: site owner: %w", err)
	}
	for i := range users {
		if users[i].Role == blog.RoleOwner && users[i].Email != "" {
			return &users[i], nil
		}
	}
	return nil, nil
}

// CommentApproved is called when a comment becomes approved (at once or by
// a moderator): it mails every confirmed follow-up subscriber of the post
// except the comment's own author. It reads the comment again, so a
// comment that is no longer approved, or a post no longer public, mails no
// one. Each message is keyed by comment and subscription, so calling it
// twice sends nothing twice.
func (n *Notifier) CommentApproved(ctx context.Context, c *blog.Comment) error {
	cur, err := n.Store.Comment(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("notify: comment %d: %w", c.ID, err)
	}
	if cur.Status != blog.CommentApproved {
		return nil
	}
	post, err := n.Store.Post(ctx, cur.PostID)
	if err != nil {
		return fmt.Errorf("notify: comment %d: %w", c.ID, err)
	}
	if !post.IsPublic(n.now()) {
		return nil
	}
	subs, err := n.Store.ActiveCommentSubscriptions(ctx, post.ID)
	if err != nil {
		return fmt.Errorf("notify: follow-ups of %q: %w", post.Title, err)
	}
	if len(subs) == 0 {
		return nil
	}
	set, _, err := n.Site.Current(ctx)
	if err != nil {
		return fmt.Errorf("notify: settings: %w", err)
	}
	own := blog.NormalizeEmail(cur.AuthorEmail)
	var errs []error
	for i := range subs {
		sub := &subs[i]
		if own != "" && sub.Email == own {
			continue
		}
		m, err := followUpMail(set, post, cur, sub)
		if err == nil {
			err = n.Mail.Send(ctx, m)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("notify: follow-up %d of comment %d: %w", sub.ID, cur.ID, err))
		}
	}
	return errors.Join(errs...)
}

// Subscribe records a follow-up request for postID by email. The first
// time for an address it sends the double opt-in confirmation mail; an
// address that confirmed before is subscribed at once, and one that asked
// for no follow-ups at all is left alone (no subscription, no mail).
func (n *Notifier) Subscribe(ctx context.Context, postID int64, email string) error {
	email = blog.NormalizeEmail(email)
	if !blog.ValidEmail(email) {
		return (blog.FieldErrors{"email": "Please enter a valid email address, like name@example.com."}).Err()
	}
	rec, err := n.Store.CommentSubscriber(ctx, email)
	switch {
	case err == nil && !rec.UnsubscribedAllAt.IsZero():
		return nil
	case err != nil && !errors.Is(err, blog.ErrNotFound):
		return fmt.Errorf("notify: subscribe: %w", err)
	}
	post, err := n.Store.Post(ctx, postID)
	if err != nil {
		return fmt.Errorf("notify: subscribe to post %d: %w", postID, err)
	}
	sub, _, err := n.Store.AddCommentSubscription(ctx, post.ID, email, n.now())
	if err != nil {
		return fmt.Errorf("notify: subscribe: %w", err)
	}
	if !sub.ConfirmedAt.IsZero() {
		return nil
	}
	key := fmt.Sprintf("comment-confirm:%d", sub.ID)
	sent, err := n.Store.MailSent(ctx, key)
	if err != nil {
		return fmt.Errorf("notify: subscribe: %w", err)
	}
	if sent {
		return nil
	}
	bucket, err := n.rateBucket(ctx, email)
	if err != nil {
		return err
	}
	ok, err := n.Store.Allow(ctx, bucket, ConfirmMailsPerDay, 24*time.Hour)
	if err != nil {
		return fmt.Errorf("notify: subscribe: %w", err)
	}
	if !ok {
		return nil // the address had its share of confirmation mail today
	}
	set, _, err := n.Site.Current(ctx)
	if err != nil {
		return fmt.Errorf("notify: settings: %w", err)
	}
	m, err := confirmMail(set, post, sub, key)
	if err != nil {
		return err
	}
	if err := n.Mail.Send(ctx, m); err != nil {
		return fmt.Errorf("notify: confirmation mail: %w", err)
	}
	return nil
}

// rateBucket names the rate limit of confirmation mail to email by a keyed
// hash, so the rate table holds no address.
func (n *Notifier) rateBucket(ctx context.Context, email string) (string, error) {
	key, err := n.Site.Key(ctx, "comment-confirm-rate")
	if err != nil {
		return "", fmt.Errorf("notify: %w", err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(email))
	return "comment-confirm:" + hex.EncodeToString(m.Sum(nil)[:12]), nil
}

// oneLine keeps text fit for a subject line: no line breaks, runs of space
// made one.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
