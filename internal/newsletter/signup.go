package newsletter

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/comments"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/store"
)

// SignupFormID is the form number the signup forms' signed time tokens
// carry (comments.Service.NewToken): no post has it, so a comment form's
// token is no good for a signup, nor the other way round.
const SignupFormID = 0

// FormTokens makes and checks the signed time tokens of forms;
// *comments.Service is one.
type FormTokens interface {
	NewToken(ctx context.Context, formID int64) (string, error)
	CheckToken(ctx context.Context, token string, formID int64) (comments.RefusalKind, error)
}

// SignupRequest is one signup from the box on a page or from /subscribe/.
type SignupRequest struct {
	Email, Name string
	// Source is blog.SourceBox or blog.SourcePage; Detail says more for
	// the subscriber's history (the page the box was on).
	Source, Detail string
	// Token is the form's signed time token, Honeypot the field that must
	// stay empty, IPBucket the client's address as rate limits count it
	// (clientip.BucketFrom).
	Token, Honeypot, IPBucket string
}

// Refusal is a signup refused for a reason other than a field's value;
// Msg is for the reader. Stale means the form should be shown again with
// a fresh token and what was typed.
type Refusal struct {
	Msg   string
	Stale bool
}

func (r *Refusal) Error() string { return r.Msg }

// AsRefusal returns the refusal inside err, if any.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}

// SignupDone is what every accepted signup is told, whether the address
// was new, waiting, subscribed already or had left: the answer says
// nothing about who is on the list.
const SignupDone = "Check your inbox to confirm: we sent you an email with a link. " +
	"If it does not arrive in a few minutes, look in your spam folder."

// Signup takes a signup from a form, cheapest checks first: the honeypot
// (a filled one is answered as a success, and nothing is done), the
// signed time token, the fields (every problem at once, as a
// *blog.ValidationError), the client's hourly limit; then, in one
// transaction, the subscriber and its confirmation mail (Subscribe). An
// accepted signup returns nil and the reader is told SignupDone.
func (s *Service) Signup(ctx context.Context, tokens FormTokens, r SignupRequest) error {
	if r.Honeypot != "" {
		return nil
	}
	kind, err := tokens.CheckToken(ctx, r.Token, SignupFormID)
	if err != nil {
		return fmt.Errorf("newsletter: signup: %w", err)
	}
	switch kind {
	case comments.RefusedStale:
		return &Refusal{Stale: true, Msg: "This form had been open too long to be sent. Please check your address and press the button again."}
	case comments.RefusedTooFast:
		return &Refusal{Stale: true, Msg: "You sent the form very quickly; please wait a moment and press the button again."}
	}
	if err := blog.ValidateSubscriber(r.Email, r.Name); err != nil {
		return err
	}
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		return fmt.Errorf("newsletter: signup: %w", err)
	}
	ok, err := s.Store.Allow(ctx, "newsletter-signup:"+r.IPBucket, set.Newsletter.SignupsPerIP, time.Hour)
	if err != nil {
		return fmt.Errorf("newsletter: signup: %w", err)
	}
	if !ok {
		return &Refusal{Msg: "Many signups came from your network in the last hour. Please try again later."}
	}
	return s.Store.InTx(ctx, func(tx *store.Store) error {
		return s.Subscribe(ctx, tx, r.Email, r.Name, r.Source, r.Detail)
	})
}

// Subscribe records, in the transaction of tx, that email (with an
// optional first name) asked for the newsletter from source, and writes
// the confirmation mail it needs: a new address is added pending; one
// that waits, left, bounced or complained gets a confirmation mail (the
// only mail an unconfirmed address ever gets) — at most
// Newsletter.ConfirmsPerDay a day per address; one subscribed already gets
// nothing. The comment form's "Yes! I want the weekly tip" comes here
// directly, in the transaction that stores the comment.
func (s *Service) Subscribe(ctx context.Context, tx *store.Store, email, name, source, detail string) error {
	if err := blog.ValidateSubscriber(email, name); err != nil {
		return err
	}
	now := s.now()
	sub := &blog.Subscriber{Email: email, Name: name, Source: source, CreatedAt: now}
	created, err := tx.AddSubscriber(ctx, sub, blog.SubscriberEvent{Kind: blog.EventSignup, Detail: signupDetail(source, detail)})
	if err != nil {
		return fmt.Errorf("newsletter: subscribe: %w", err)
	}
	if !created {
		if sub.Status == blog.SubscriberActive {
			return tx.AddSubscriberEvent(ctx, blog.SubscriberEvent{SubscriberID: sub.ID, At: now, Kind: blog.EventSignup,
				Detail: signupDetail(source, detail) + "; subscribed already, nothing sent"})
		}
		if err := tx.AddSubscriberEvent(ctx, blog.SubscriberEvent{SubscriberID: sub.ID, At: now, Kind: blog.EventSignup,
			Detail: signupDetail(source, detail)}); err != nil {
			return err
		}
		if name = strings.TrimSpace(name); name != "" && name != sub.Name && sub.Status == blog.SubscriberPending {
			if _, err := tx.UpdateSubscriber(ctx, sub.ID, sub.Email, name, blog.SubscriberEvent{}); err != nil {
				return fmt.Errorf("newsletter: subscribe: %w", err)
			}
		}
	}
	return s.confirmJob(ctx, tx, sub, now)
}

// confirmJob writes the confirmation mail of sub in tx's transaction,
// unless the address had its share today.
func (s *Service) confirmJob(ctx context.Context, tx *store.Store, sub *blog.Subscriber, now time.Time) error {
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		return fmt.Errorf("newsletter: %w", err)
	}
	ok, err := notify.AllowConfirmMail(ctx, tx, "newsletter-confirm", sub.Email, set.Newsletter.ConfirmsPerDay)
	if err != nil {
		return fmt.Errorf("newsletter: %w", err)
	}
	if !ok {
		return tx.AddSubscriberEvent(ctx, blog.SubscriberEvent{SubscriberID: sub.ID, At: now, Kind: blog.EventSignup,
			Detail: "no confirmation mail: the address had " + strconv.Itoa(set.Newsletter.ConfirmsPerDay) + " today"})
	}
	if err := tx.AddSubscriberEvent(ctx, blog.SubscriberEvent{SubscriberID: sub.ID, At: now, Kind: blog.EventConfirmSent}); err != nil {
		return err
	}
	key := "newsletter-confirm:" + strconv.FormatInt(sub.ID, 10) + ":" + strconv.FormatInt(now.UnixNano(), 10)
	if err := s.Jobs.Mail(ctx, tx, jobs.MailJob{Mail: MailConfirm, SubscriberID: sub.ID, Asked: now.Unix(), Key: key}); err != nil {
		return fmt.Errorf("newsletter: confirmation mail: %w", err)
	}
	return nil
}

func signupDetail(source, detail string) string {
	where := map[string]string{
		blog.SourceBox: "the signup box", blog.SourcePage: "the subscribe page", blog.SourceComment: "the comment form",
		blog.SourceAdmin: "the admin", blog.SourceImport: "an import", blog.SourceCLI: "the command line",
		blog.SourceResign: "the unsubscribe page",
	}[source]
	if where == "" {
		where = "a form"
	}
	if detail != "" {
		return "from " + where + " (" + detail + ")"
	}
	return "from " + where
}
