// Package comments takes readers' comments: it validates a submission,
// defends against spam (honeypot, signed time token, duplicate and flood
// detection, per-IP rate limits, an optional Akismet-compatible service),
// applies WordPress's moderation rules and stores the comment with the
// status they decide. All state lives in the database, so several
// instances agree.
package comments

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Limits of the spam defence.
const (
	// MinFormAge is how long a form must have been open before it is sent;
	// people need longer than that to read and type.
	MinFormAge = 3 * time.Second
	// MaxFormAge is how long a form's token stays good.
	MaxFormAge = 24 * time.Hour
	// FloodInterval is the least time between two comments from the same
	// IP address or email address.
	FloodInterval = 15 * time.Second
	// RateMax comments are taken from one IP address per RateWindow.
	RateMax    = 10
	RateWindow = 10 * time.Minute
	// akismetTimeout bounds the outside spam check.
	akismetTimeout = 5 * time.Second
	// maxUserAgent is the longest user agent kept, as WordPress keeps it.
	maxUserAgent = 254
)

// Doer sends an HTTP request; *http.Client is one.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Service takes comments for a site.
type Service struct {
	Store *store.Store
	Site  *site.Site
	HTTP  Doer             // outbound client for the Akismet-compatible check; nil = no check
	Now   func() time.Time // nil = time.Now
	// Render turns a comment's text into its HTML; nil =
	// markup.RenderComment. Submit calls it only for a comment that
	// passed every check that can refuse it.
	Render func(text string) string
}

// Request is one comment form as sent, with what the server knows of the
// sender.
type Request struct {
	Input                  blog.CommentInput
	Post                   *blog.Post // the post being commented on (public, loaded by the caller)
	User                   *blog.User // logged-in user, or nil
	IP, UserAgent, Referer string
	Token                  string // the form's signed time token (field "comment_token")
	Honeypot               string // value of the honeypot field (field "comment_hp", must stay empty)
	// Then, when set, runs in the transaction that stores the comment,
	// with a Store bound to it: what it writes (a follow-up subscription,
	// the jobs that mail about the comment) is committed with the comment,
	// and its error stores nothing at all.
	Then func(ctx context.Context, tx *store.Store, c *blog.Comment) error
}

// RefusalKind says why a comment was refused.
type RefusalKind string

// Refusal kinds.
const (
	RefusedClosed    RefusalKind = "closed"     // the post takes no comments (closed, old, or not public)
	RefusedDuplicate RefusalKind = "duplicate"  // the same author already said the same on this post
	RefusedFlood     RefusalKind = "flood"      // another comment from this IP or email within FloodInterval
	RefusedRate      RefusalKind = "rate"       // more than RateMax comments from this IP in RateWindow
	RefusedStale     RefusalKind = "stale"      // the token is missing, expired, forged or for another post
	RefusedTooFast   RefusalKind = "too-fast"   // the form was sent sooner than MinFormAge after it was made
	RefusedHoneypot  RefusalKind = "honeypot"   // the hidden field was filled in
	RefusedBadParent RefusalKind = "bad-parent" // the reply is to a comment not approved on this post, or to a linkback
)

// Refusal is returned by Submit when a comment was not stored for a reason
// other than a form field's value. Msg is shown to the reader.
//
// On RefusedStale the caller shows the form again, with the text and a
// fresh token; it is never counted as spam. A reply to a comment that is
// not approved on the same post is a RefusedBadParent refusal (never a
// field error on "comment_parent").
type Refusal struct {
	Kind RefusalKind
	Msg  string
}

// Error returns the message for the reader.
func (r *Refusal) Error() string { return r.Msg }

func refuse(kind RefusalKind) *Refusal {
	msg := map[RefusalKind]string{
		RefusedClosed:    "Comments are closed on this post.",
		RefusedDuplicate: "Duplicate comment detected; it looks as though you've already said that!",
		RefusedFlood:     "You are posting comments too quickly. Slow down.",
		RefusedRate:      "You have sent many comments in a short time. Please wait a few minutes before you send another.",
		RefusedStale:     "This form had been open too long to be sent. Please check your comment and send it again.",
		RefusedTooFast:   "You sent the form very quickly; please wait a moment and send it again.",
		RefusedHoneypot:  "Your comment could not be accepted.",
		RefusedBadParent: "The comment you are replying to is not on this post, or is not published.",
	}[kind]
	return &Refusal{Kind: kind, Msg: msg}
}

// AsRefusal returns the refusal inside err, if any.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	if errors.As(err, &r) {
		return r, true
	}
	return nil, false
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// privileged reports whether u may skip moderation on p: someone who can
// edit every post, or the post's own author.
func privileged(u *blog.User, p *blog.Post) bool {
	return u != nil && (u.CanEditOthers() || (u.ID != 0 && u.ID == p.AuthorID))
}

// Submit validates, runs every check and stores the comment with its
// decided status (approved, pending, spam or trash). It returns the stored
// comment, or an error that says why nothing was stored: a
// *blog.ValidationError (field → message; form shown again), or a
// *Refusal.
//
// The checks run in this order: the post takes comments; the honeypot is
// empty; the fields are valid (the text within its size and within what
// markup.Check lets the renderer do); the time token is good and old
// enough; a reply's parent is approved on the same post; no duplicate;
// then, except for owners, editors and the post's author, no flood and the
// IP's rate limit. Only then is the text rendered, and the status decided
// (see decide). Owners, editors and the post's author also skip the "too
// fast" check.
func (s *Service) Submit(ctx context.Context, r Request) (*blog.Comment, error) {
	p := r.Post
	if p == nil {
		return nil, errors.New("comments: submit: no post")
	}
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		return nil, fmt.Errorf("comments: submit: %w", err)
	}
	now := s.now()
	if !p.IsPublic(now) || !commentsOpen(&set.Discussion, p, now) {
		return nil, refuse(RefusedClosed)
	}
	if r.Honeypot != "" {
		return nil, refuse(RefusedHoneypot)
	}
	in := r.Input
	in.PostID = p.ID
	if err := validate(in, r.User != nil); err != nil {
		return nil, err
	}
	trusted := privileged(r.User, p)
	if kind, err := s.checkToken(ctx, r.Token, p.ID, now); err != nil {
		return nil, err
	} else if kind == RefusedStale || (kind == RefusedTooFast && !trusted) {
		return nil, refuse(kind)
	}

	c := newComment(r, in, now)
	if c.ParentID != 0 {
		parent, err := s.Store.Comment(ctx, c.ParentID)
		switch {
		case errors.Is(err, blog.ErrNotFound):
			return nil, refuse(RefusedBadParent)
		case err != nil:
			return nil, fmt.Errorf("comments: submit: %w", err)
		case parent.PostID != p.ID || parent.Status != blog.CommentApproved || parent.Type.IsLinkback():
			// A linkback is not a comment to answer: the thread shows none
			// nested under one.
			return nil, refuse(RefusedBadParent)
		}
	}
	// Every author, trusted or not, is kept from saying the same thing
	// twice: a second click on "Post Comment" must not post it again.
	if dup, err := s.Store.DuplicateComment(ctx, p.ID, c.AuthorName, c.AuthorEmail, c.Content); err != nil {
		return nil, fmt.Errorf("comments: submit: %w", err)
	} else if dup {
		return nil, refuse(RefusedDuplicate)
	}
	if !trusted {
		last, err := s.Store.LastCommentAt(ctx, c.AuthorIP, c.AuthorEmail)
		if err != nil {
			return nil, fmt.Errorf("comments: submit: %w", err)
		}
		if !last.IsZero() && now.Sub(last) < FloodInterval {
			return nil, refuse(RefusedFlood)
		}
		if flood, err := s.networkFlood(ctx, c.AuthorIP, now); err != nil {
			return nil, err
		} else if flood {
			return nil, refuse(RefusedFlood)
		}
		ok, err := s.Store.Allow(ctx, "comment-ip:"+clientip.Bucket(c.AuthorIP), RateMax, RateWindow)
		if err != nil {
			return nil, fmt.Errorf("comments: submit: %w", err)
		}
		if !ok {
			return nil, refuse(RefusedRate)
		}
	}

	// Rendering is the expensive step: it comes after every refusal.
	c.ContentHTML = s.render(c.Content)
	c.Status, err = s.decide(ctx, set, r, c, trusted)
	if err != nil {
		return nil, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateComment(ctx, c); err != nil {
			return err
		}
		if r.Then != nil {
			return r.Then(ctx, tx, c)
		}
		return nil
	})
	if err != nil {
		c.ID = 0 // rolled back
		// The parent may have been held or deleted since it was checked.
		if fe, ok := blog.AsValidation(err); ok && fe["comment_parent"] != "" {
			return nil, refuse(RefusedBadParent)
		}
		return nil, fmt.Errorf("comments: submit: %w", err)
	}
	return c, nil
}

// validate checks the form's fields, and that the text asks no more of
// the renderer than markup.Check allows, reporting every problem at once.
func validate(in blog.CommentInput, loggedIn bool) error {
	fe := blog.FieldErrors{}
	if err := in.Validate(loggedIn); err != nil {
		verrs, ok := blog.AsValidation(err)
		if !ok {
			return err
		}
		fe = verrs
	}
	if _, bad := fe["comment"]; !bad {
		content := strings.TrimSpace(strings.ReplaceAll(in.Content, "\r\n", "\n"))
		if le, ok := markup.AsLimit(markup.Check(content)); ok {
			fe.Add("comment", le.Message()+".")
		}
	}
	return fe.Err()
}

// render renders a comment's text with s.Render, or markup.RenderComment.
func (s *Service) render(text string) string {
	if s.Render != nil {
		return s.Render(text)
	}
	return markup.RenderComment(text)
}

// floodScan bounds how many recent comments the network flood check
// reads: a site taking more than this many comments in FloodInterval is
// under a flood anyway.
const floodScan = 200

// networkFlood reports whether a comment came from ip's network within
// FloodInterval: an IPv6 client holds a whole /64, and must not escape
// the flood check by changing its address inside it (IPv4 addresses are
// compared whole, by LastCommentAt).
func (s *Service) networkFlood(ctx context.Context, ip string, now time.Time) (bool, error) {
	bucket := clientip.Bucket(ip)
	if bucket == ip {
		return false, nil
	}
	ips, err := s.Store.CommentIPsSince(ctx, now.Add(-FloodInterval), floodScan)
	if err != nil {
		return false, fmt.Errorf("comments: submit: %w", err)
	}
	for _, other := range ips {
		if clientip.Bucket(other) == bucket {
			return true, nil
		}
	}
	return false, nil
}

// newComment builds the comment to store from a valid input: the text as
// typed (trimmed, line ends made "\n"), not yet rendered, the author's
// fields cleaned, or taken from the account of a logged-in user.
func newComment(r Request, in blog.CommentInput, now time.Time) *blog.Comment {
	content := strings.TrimSpace(strings.ReplaceAll(in.Content, "\r\n", "\n"))
	c := &blog.Comment{
		PostID:      in.PostID,
		ParentID:    in.ParentID,
		Type:        blog.TypeComment,
		AuthorName:  strings.TrimSpace(in.AuthorName),
		AuthorEmail: blog.NormalizeEmail(in.AuthorEmail),
		AuthorIP:    r.IP,
		UserAgent:   truncate(r.UserAgent, maxUserAgent),
		Content:     content,
		CreatedAt:   now.UTC(),
	}
	c.AuthorURL, _ = blog.NormalizeURL(in.AuthorURL) // Validate checked it
	if u := r.User; u != nil {
		c.UserID = u.ID
		c.AuthorName = u.Name
		if c.AuthorName == "" {
			c.AuthorName = u.Login
		}
		c.AuthorEmail = blog.NormalizeEmail(u.Email)
	}
	return c
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// CommentsOpen reports whether p takes comments now (per-post switch and
// "close after N days").
func (s *Service) CommentsOpen(ctx context.Context, p *blog.Post) (bool, error) {
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		return false, fmt.Errorf("comments: open: %w", err)
	}
	return commentsOpen(&set.Discussion, p, s.now()), nil
}

// commentsOpen is false when the post's comments are closed, or when the
// site closes comments on posts older than CloseAfterDays and p is.
func commentsOpen(d *site.Discussion, p *blog.Post, now time.Time) bool {
	if p.CommentsClosed {
		return false
	}
	if d.CloseAfterDays > 0 && now.Sub(p.PublishedAt) > time.Duration(d.CloseAfterDays)*24*time.Hour {
		return false
	}
	return true
}
