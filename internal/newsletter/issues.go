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

// QueueIssue puts issue id at the end of the tip queue: it goes out at a
// weekly slot, after those before it.
func (s *Service) QueueIssue(ctx context.Context, id int64) error {
	_, err := s.Store.SetIssueStatus(ctx, id, editable, blog.IssueQueued, s.now())
	return wrap(err)
}

// ScheduleIssue sets issue id to go out at at, which must be in the
// future (a *blog.ValidationError on "scheduled_at" otherwise).
func (s *Service) ScheduleIssue(ctx context.Context, id int64, at time.Time) error {
	if !at.After(s.now()) {
		return (blog.FieldErrors{"scheduled_at": "Choose a time in the future, or send it now."}).Err()
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
	return s.Store.InTx(ctx, func(tx *store.Store) error { return s.start(ctx, tx, id) })
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

// PostSaved runs in the transaction tx that saved post p when its author
// ticked "Also send this post by email" (front matter email: true). A post
// is mailed at most once, however often it is saved: a published post
// starts going out at once (not held for the weekly slot); a post
// scheduled for later gets an issue scheduled for its time (moved with
// it while it waits); a draft, a page or a post mailed already changes
// nothing.
func (s *Service) PostSaved(ctx context.Context, tx *store.Store, p *blog.Post) error {
	if p.Type != blog.TypePost || p.ID == 0 {
		return nil
	}
	now := s.now()
	var at time.Time
	switch {
	case p.IsPublic(now):
		at = now
	case p.Status == blog.StatusScheduled || (p.Status == blog.StatusPublished && p.PublishedAt.After(now)):
		at = p.PublishedAt
	default:
		return nil
	}
	is, err := tx.IssueByPost(ctx, p.ID)
	switch {
	case errors.Is(err, blog.ErrNotFound):
		is = &blog.Issue{Kind: blog.IssuePost, PostID: p.ID, Subject: oneLine(p.Title), Body: p.Body,
			BodyHTML: p.BodyHTML, CreatedAt: now}
		if utf := []rune(is.Subject); len(utf) > blog.MaxIssueSubject {
			is.Subject = string(utf[:blog.MaxIssueSubject])
		}
		if err := tx.CreateIssue(ctx, is); err != nil {
			return fmt.Errorf("newsletter: mail post %d: %w", p.ID, err)
		}
	case err != nil:
		return fmt.Errorf("newsletter: mail post %d: %w", p.ID, err)
	case is.Status != blog.IssueDraft && is.Status != blog.IssueScheduled:
		return nil // going out, or sent: at most once
	}
	// The post's latest text goes out.
	is.Subject, is.Body, is.BodyHTML = oneLine(p.Title), p.Body, p.BodyHTML
	if err := tx.UpdateIssue(ctx, is); err != nil {
		return fmt.Errorf("newsletter: mail post %d: %w", p.ID, err)
	}
	if at.After(now) {
		_, err := tx.SetIssueStatus(ctx, is.ID, editable, blog.IssueScheduled, at)
		return wrap(err)
	}
	if s.Sender == nil {
		return ErrNoSender
	}
	return s.start(ctx, tx, is.ID)
}

// wrap gives store errors the package's prefix.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("newsletter: %w", err)
}
