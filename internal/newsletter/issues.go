package newsletter

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/store"
)

// ErrNoSender means no sending engine is wired in: issues can be written,
// previewed, tested, queued and scheduled, but not sent.
var ErrNoSender = errors.New("newsletter: sending issues is not available in this build")

// IssueInput is what an author writes.
type IssueInput struct {
	Subject, Preheader, Body string
}

// prepare validates in and renders its body, reporting every problem as a
// *blog.ValidationError.
func prepare(in IssueInput) (*blog.Issue, error) {
	is := &blog.Issue{Subject: oneLine(in.Subject), Preheader: oneLine(in.Preheader),
		Body: strings.ReplaceAll(in.Body, "\r\n", "\n")}
	fe := blog.FieldErrors{}
	if err := is.Validate(); err != nil {
		f, _ := blog.AsValidation(err)
		for k, v := range f {
			fe.Add(k, v)
		}
	}
	if _, bad := fe["body"]; !bad {
		html, err := render(is.Body)
		if lim, ok := markup.AsLimit(err); ok {
			fe.Add("body", lim.Message())
		} else if err != nil {
			return nil, fmt.Errorf("newsletter: render issue: %w", err)
		}
		is.BodyHTML = html
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return is, nil
}

// CheckIssue reports every problem of in as a *blog.ValidationError, as
// SaveIssue would, without saving anything.
func (s *Service) CheckIssue(in IssueInput) error {
	_, err := prepare(in)
	return err
}

// SaveIssue creates a draft (id 0) or saves the text of issue id while it
// can still change; a *blog.ValidationError reports every problem, and
// blog.ErrConflict an issue that is going out or sent.
func (s *Service) SaveIssue(ctx context.Context, id int64, in IssueInput) (*blog.Issue, error) {
	is, err := prepare(in)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if id == 0 {
		is.CreatedAt = now
		if err := s.Store.CreateIssue(ctx, is); err != nil {
			return nil, fmt.Errorf("newsletter: %w", err)
		}
		return is, nil
	}
	is.ID, is.UpdatedAt = id, now
	if err := s.Store.UpdateIssue(ctx, is); err != nil {
		return nil, fmt.Errorf("newsletter: %w", err)
	}
	return s.Store.Issue(ctx, id)
}

// editable are the statuses an issue may be queued, scheduled or sent
// from.
var editable = []blog.IssueStatus{blog.IssueDraft, blog.IssueQueued, blog.IssueScheduled}

// ErrFollowsPost refuses to queue, schedule or send on its own the issue
// of a post that is not public: it goes out when its post is published.
var ErrFollowsPost = errors.New("newsletter: this issue goes out when its post is published")

// followsPost refuses an action on issue id that belongs to its post:
// queuing or scheduling a post's issue (always), sending it before the
// post is public.
func (s *Service) followsPost(ctx context.Context, st *store.Store, id int64, sending bool) error {
	is, err := st.Issue(ctx, id)
	if err != nil {
		return wrap(err)
	}
	if is.Kind != blog.IssuePost || is.PostID == 0 {
		return nil
	}
	if !sending {
		return ErrFollowsPost
	}
	p, err := st.Post(ctx, is.PostID)
	if err != nil {
		return wrap(err)
	}
	if !p.IsPublic(s.now()) {
		return ErrFollowsPost
	}
	return nil
}

// QueueIssue puts issue id at the end of the tip queue: it goes out at a
// weekly slot, after those before it.
func (s *Service) QueueIssue(ctx context.Context, id int64) error {
	if err := s.followsPost(ctx, s.Store, id, false); err != nil {
		return err
	}
	_, err := s.Store.SetIssueStatus(ctx, id, editable, blog.IssueQueued, s.now())
	return wrap(err)
}

// ScheduleIssue sets issue id to go out at at, which must be in the
// future (a *blog.ValidationError on "scheduled_at" otherwise).
func (s *Service) ScheduleIssue(ctx context.Context, id int64, at time.Time) error {
	if !at.After(s.now()) {
		return (blog.FieldErrors{"scheduled_at": "Choose a time in the future, or send it now."}).Err()
	}
	if err := s.followsPost(ctx, s.Store, id, false); err != nil {
		return err
	}
	_, err := s.Store.SetIssueStatus(ctx, id, editable, blog.IssueScheduled, at)
	return wrap(err)
}

// UnqueueIssue takes issue id out of the queue or its schedule, back to a
// draft.
func (s *Service) UnqueueIssue(ctx context.Context, id int64) error {
	_, err := s.Store.SetIssueStatus(ctx, id, editable, blog.IssueDraft, s.now())
	return wrap(err)
}

// SendNow starts sending issue id to every active subscriber: the issue
// becomes "sending" and the Sender writes its deliveries and jobs, in one
// transaction.
func (s *Service) SendNow(ctx context.Context, id int64) error {
	if s.Sender == nil {
		return ErrNoSender
	}
	return s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := s.followsPost(ctx, tx, id, true); err != nil {
			return err
		}
		return s.start(ctx, tx, id)
	})
}

// start moves issue id to sending and hands it to the Sender, in tx.
func (s *Service) start(ctx context.Context, tx *store.Store, id int64) error {
	if _, err := tx.SetIssueStatus(ctx, id, editable, blog.IssueSending, s.now()); err != nil {
		return wrap(err)
	}
	if err := s.Sender.Enqueue(ctx, tx, id); err != nil {
		return fmt.Errorf("newsletter: start sending issue %d: %w", id, err)
	}
	return nil
}

// SendNew writes an issue from in and starts sending it at once, in one
// transaction (quire newsletter send FILE.md).
func (s *Service) SendNew(ctx context.Context, in IssueInput) (*blog.Issue, error) {
	if s.Sender == nil {
		return nil, ErrNoSender
	}
	is, err := prepare(in)
	if err != nil {
		return nil, err
	}
	is.CreatedAt = s.now()
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateIssue(ctx, is); err != nil {
			return fmt.Errorf("newsletter: %w", err)
		}
		return s.start(ctx, tx, is.ID)
	})
	if err != nil {
		return nil, err
	}
	return s.Store.Issue(ctx, is.ID)
}

// SendTest mails issue id, marked as a test, to user userID (the author
// themselves), or to the address to when userID is 0. Nothing about the
// issue changes.
func (s *Service) SendTest(ctx context.Context, id, userID int64, to string) error {
	if userID == 0 && !blog.ValidEmail(blog.NormalizeEmail(to)) {
		return (blog.FieldErrors{"to": "Enter a valid email address, like name@example.com."}).Err()
	}
	if _, err := s.Store.Issue(ctx, id); err != nil {
		return fmt.Errorf("newsletter: %w", err)
	}
	j := jobs.MailJob{Mail: MailTest, IssueID: id, UserID: userID}
	if userID == 0 {
		j.To = blog.NormalizeEmail(to)
	}
	return s.Jobs.Mail(ctx, s.Store, j)
}

// PostSaved runs in the transaction tx that saved post p, so what follows
// for the newsletter is written with the post or not at all. want is the
// editor's "Also send this post by email" box (front matter email: true):
// true asks for the post's issue, false withdraws one still waiting, nil
// (a form without the box, a file without the key) leaves the choice as
// it was. A post is mailed at most once, however often it is saved: a
// public post's issue starts going out at once (not held for the weekly
// slot); the issue of a post not public yet (scheduled, draft) waits as a
// draft, with the post's latest text, and starts when the post is
// published (PostPublished, in the publishing job's transaction). Pages
// are never mailed. It returns the post's issue, nil when it has none.
//
// Without a Sender an issue that should start is left waiting, and the
// post is saved all the same: "Send now" in the admin starts it later.
func (s *Service) PostSaved(ctx context.Context, tx *store.Store, p *blog.Post, want *bool) (*blog.Issue, error) {
	if p.Type != blog.TypePost || p.ID == 0 {
		return nil, nil
	}
	is, err := tx.IssueByPost(ctx, p.ID)
	if errors.Is(err, blog.ErrNotFound) {
		is, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("newsletter: mail post %d: %w", p.ID, err)
	}
	now := s.now()
	switch {
	case is != nil && !is.Editable():
		return is, nil // going out, or sent: at most once
	case want != nil && !*want:
		if is != nil {
			if err := tx.DeleteIssue(ctx, is.ID); err != nil {
				return nil, fmt.Errorf("newsletter: withdraw mail of post %d: %w", p.ID, err)
			}
		}
		return nil, nil
	case is == nil && (want == nil || p.Status == blog.StatusTrash):
		return nil, nil
	case is == nil:
		is = &blog.Issue{Kind: blog.IssuePost, PostID: p.ID, CreatedAt: now}
		postText(is, p)
		if err := tx.CreateIssue(ctx, is); err != nil {
			return nil, fmt.Errorf("newsletter: mail post %d: %w", p.ID, err)
		}
	default:
		postText(is, p) // the post's latest text goes out
		is.UpdatedAt = now
		if err := tx.UpdateIssue(ctx, is); err != nil {
			return nil, fmt.Errorf("newsletter: mail post %d: %w", p.ID, err)
		}
	}
	if !p.IsPublic(now) || s.Sender == nil {
		if is.Status != blog.IssueDraft {
			if is, err = tx.SetIssueStatus(ctx, is.ID, editable, blog.IssueDraft, now); err != nil {
				return nil, wrap(err)
			}
		}
		return is, nil
	}
	if err := s.start(ctx, tx, is.ID); err != nil {
		return nil, err
	}
	return tx.Issue(ctx, is.ID)
}

// PostPublished runs in the transaction of the job that publishes
// scheduled post postID when its time comes: the issue waiting for it, if
// any, starts going out with it.
func (s *Service) PostPublished(ctx context.Context, tx *store.Store, postID int64) error {
	is, err := tx.IssueByPost(ctx, postID)
	if errors.Is(err, blog.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("newsletter: published post %d: %w", postID, err)
	}
	if !is.Editable() {
		return nil
	}
	p, err := tx.Post(ctx, postID)
	if err != nil {
		return fmt.Errorf("newsletter: published post %d: %w", postID, err)
	}
	_, err = s.PostSaved(ctx, tx, p, nil)
	return err
}

// postText gives the issue of post p the post's words: its title as the
// subject, its excerpt as the preheader, its text.
func postText(is *blog.Issue, p *blog.Post) {
	is.Subject = clip(oneLine(p.Title), blog.MaxIssueSubject)
	is.Preheader = clip(oneLine(p.Excerpt), blog.MaxIssuePreheader)
	is.Body, is.BodyHTML = p.Body, p.BodyHTML
}

// clip keeps the first max characters of s.
func clip(s string, max int) string {
	if r := []rune(s); len(r) > max {
		return string(r[:max])
	}
	return s
}

// wrap gives store errors the package's prefix.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("newsletter: %w", err)
}
