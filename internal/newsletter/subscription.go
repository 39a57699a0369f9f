package newsletter

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/store"
)

// ErrStaleLink is a genuine confirmation link that no longer applies: it
// expired, or the subscriber changed (left, say) after it was mailed. The
// page offers a new one.
var ErrStaleLink = errors.New("newsletter: the confirmation link has expired")

// confirmTarget reads a confirmation token: the subscriber it names, or
// ErrStaleLink with the subscriber, or an error wrapping blog.ErrNotFound
// for a link that was not made here or names no one now.
func (s *Service) confirmTarget(ctx context.Context, st *store.Store, token string) (*blog.Subscriber, error) {
	id, issued, err := s.openConfirm(ctx, token)
	if err != nil && !errors.Is(err, notify.ErrExpiredToken) {
		if errors.Is(err, notify.ErrBadToken) {
			return nil, fmt.Errorf("newsletter: confirm: %w", blog.ErrNotFound)
		}
		return nil, err
	}
	sub, serr := st.Subscriber(ctx, id)
	if serr != nil {
		return nil, fmt.Errorf("newsletter: confirm: %w", serr)
	}
	if err != nil || issued.Before(sub.StatusAt) {
		return sub, ErrStaleLink
	}
	return sub, nil
}

// Confirm confirms the subscription the link's token names (double
// opt-in): the subscriber becomes active, the consent is recorded, and the
// welcome mail is written, in one transaction. It returns the subscriber
// and whether it was active already (then nothing changes, and no second
// welcome is sent). ErrStaleLink when the link expired or no longer
// applies; an error wrapping blog.ErrNotFound when it is not genuine.
func (s *Service) Confirm(ctx context.Context, token string) (sub *blog.Subscriber, already bool, err error) {
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		cur, err := s.confirmTarget(ctx, tx, token)
		if cur != nil && cur.Status == blog.SubscriberActive {
			sub, already = cur, true
			return nil
		}
		if err != nil {
			sub = cur
			return err
		}
		now := s.now()
		sub, _, err = tx.ChangeSubscriber(ctx, cur.ID, store.SubscriberChange{Status: blog.SubscriberActive,
			From:      []blog.SubscriberStatus{cur.Status},
			ConsentAt: now, ConsentSource: "confirmed the link mailed to the address (signed up " + signupDetail(cur.Source, "") + ")",
			Event: blog.SubscriberEvent{Kind: blog.EventConfirmed}, Now: now})
		if err != nil {
			return err
		}
		if sub.Status != blog.SubscriberActive {
			return fmt.Errorf("newsletter: confirm: the subscriber changed meanwhile: %w", blog.ErrConflict)
		}
		return s.welcomeJob(ctx, tx, sub)
	})
	if errors.Is(err, ErrStaleLink) {
		return sub, false, err
	}
	if err != nil {
		return nil, false, err
	}
	return sub, already, nil
}

// welcomeJob writes the welcome mail of a subscriber who just confirmed.
func (s *Service) welcomeJob(ctx context.Context, tx *store.Store, sub *blog.Subscriber) error {
	if err := tx.AddSubscriberEvent(ctx, blog.SubscriberEvent{SubscriberID: sub.ID, At: s.now(), Kind: blog.EventWelcomeSent}); err != nil {
		return err
	}
	key := "newsletter-welcome:" + strconv.FormatInt(sub.ID, 10) + ":" + strconv.FormatInt(sub.ConsentAt.Unix(), 10)
	if err := s.Jobs.Mail(ctx, tx, jobs.MailJob{Mail: MailWelcome, SubscriberID: sub.ID, Key: key}); err != nil {
		return fmt.Errorf("newsletter: welcome mail: %w", err)
	}
	return nil
}

// RenewConfirm mails a new confirmation link to the subscriber an expired
// (or stale) link names, within the per-address daily limit. It returns
// the subscriber; already is true when it is active (nothing is sent).
func (s *Service) RenewConfirm(ctx context.Context, token string) (sub *blog.Subscriber, already bool, err error) {
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		cur, err := s.confirmTarget(ctx, tx, token)
		if err != nil && !errors.Is(err, ErrStaleLink) {
			return err
		}
		sub = cur
		if cur.Status == blog.SubscriberActive {
			already = true
			return nil
		}
		return s.confirmJob(ctx, tx, cur, s.now())
	})
	return sub, already, err
}

// unsubscribeTarget reads an unsubscribe token: the subscriber and the
// issue of the link, or an error wrapping blog.ErrNotFound.
func (s *Service) unsubscribeTarget(ctx context.Context, st *store.Store, token string) (*blog.Subscriber, int64, error) {
	id, issueID, err := s.openUnsubscribe(ctx, token)
	if errors.Is(err, notify.ErrBadToken) {
		return nil, 0, fmt.Errorf("newsletter: unsubscribe: %w", blog.ErrNotFound)
	}
	if err != nil {
		return nil, 0, err
	}
	sub, err := st.Subscriber(ctx, id)
	if err != nil {
		return nil, 0, fmt.Errorf("newsletter: unsubscribe: %w", err)
	}
	return sub, issueID, nil
}

// Unsubscribe takes the subscriber the link's token names off the list
// (RFC 8058's one-click POST, or the page's button). Doing it again
// changes nothing and is no error. A subscriber who bounced or complained
// stays as they are: they get nothing either way. The history records the
// issue whose link it was, so the issue's page counts it.
func (s *Service) Unsubscribe(ctx context.Context, token string) (*blog.Subscriber, error) {
	var out *blog.Subscriber
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		sub, issueID, err := s.unsubscribeTarget(ctx, tx, token)
		if err != nil {
			return err
		}
		detail := "by the link in a mail"
		if issueID != 0 {
			if is, err := tx.Issue(ctx, issueID); err == nil {
				detail = "by the link in “" + is.Subject + "”"
			} else {
				issueID = 0
			}
		}
		out, _, err = tx.ChangeSubscriber(ctx, sub.ID, store.SubscriberChange{Status: blog.SubscriberUnsubscribed,
			From:  []blog.SubscriberStatus{blog.SubscriberActive, blog.SubscriberPending},
			Event: blog.SubscriberEvent{Kind: blog.EventUnsubscribed, Detail: detail, IssueID: issueID}, Now: s.now()})
		return err
	})
	return out, err
}

// Resubscribe puts back on the list a subscriber who left, from the
// unsubscribe page's "Sign up again" (the link's token proves the mailbox
// is theirs, so no new confirmation is needed). Only an unsubscribed
// subscriber changes.
func (s *Service) Resubscribe(ctx context.Context, token string) (*blog.Subscriber, error) {
	var out *blog.Subscriber
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		sub, _, err := s.unsubscribeTarget(ctx, tx, token)
		if err != nil {
			return err
		}
		now := s.now()
		out, _, err = tx.ChangeSubscriber(ctx, sub.ID, store.SubscriberChange{Status: blog.SubscriberActive,
			From:      []blog.SubscriberStatus{blog.SubscriberUnsubscribed},
			ConsentAt: now, ConsentSource: "signed up again on the unsubscribe page",
			Event: blog.SubscriberEvent{Kind: blog.EventResubscribed}, Now: now})
		return err
	})
	return out, err
}

// unsubscribeInfo reads what an unsubscribe page shows, changing nothing.
func (s *Service) unsubscribeInfo(ctx context.Context, token string) (*blog.Subscriber, error) {
	sub, _, err := s.unsubscribeTarget(ctx, s.Store, token)
	return sub, err
}
