// Package newsletter runs the weekly tip's readers' and author's sides:
// signups from the box on every page, the /subscribe/ page and the comment
// form, double opt-in with signed links, the welcome mail, one-click
// unsubscribe (RFC 8058) and signing up again, and the author's issues —
// written, previewed, tested, queued, scheduled or sent now — and
// subscribers (added by hand, imported, exported, erased).
//
// The newsletter's list is its own: comment follow-ups are a separate list
// (internal/notify), whose signing, pages and per-address limits this
// package shares.
//
// Sending an issue to every subscriber is the job of a Sender (the
// delivery engine): this package moves the issue to "sending" and calls
// Sender.Enqueue in the same transaction. Its own mails (confirmation,
// welcome, test) are durable mail jobs naming IDs, built when they run.
package newsletter

import (
	"context"
	"time"

	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// The mails of this package, as jobs.MailJob.Mail names them.
const (
	// MailConfirm asks subscriber SubscriberID to confirm (double
	// opt-in).
	MailConfirm = "newsletter_confirm"
	// MailWelcome welcomes subscriber SubscriberID once confirmed.
	MailWelcome = "newsletter_welcome"
	// MailTest sends issue IssueID, marked as a test, to user UserID or
	// to the address To.
	MailTest = "newsletter_test"
)

// ConfirmTTL is how long a confirmation link works.
const ConfirmTTL = 7 * 24 * time.Hour

// Signing purposes of the newsletter's links.
const (
	purposeConfirm     = "newsletter-confirm"
	purposeUnsubscribe = "newsletter-unsubscribe"
)

// Sender starts sending an issue to every active subscriber: the delivery
// engine implements it. Enqueue runs inside the transaction tx that moved
// the issue to "sending" (send now, quire newsletter send, a post published
// with email: true), and writes there the deliveries and the jobs that
// send them, so the status change and its jobs are committed together or
// not at all. Its error rolls everything back.
type Sender interface {
	Enqueue(ctx context.Context, tx *store.Store, issueID int64) error
}

// MailJobs writes mail jobs in the transaction of tx; *jobs.Inserter (and
// *jobs.Queue) is one.
type MailJobs interface {
	Mail(ctx context.Context, tx *store.Store, jobs ...jobs.MailJob) error
}

// Service is the newsletter of one site.
type Service struct {
	Store *store.Store
	Site  *site.Site
	Jobs  MailJobs
	// Sender sends issues; nil refuses to start a send (with a message
	// saying so) but lets everything else work.
	Sender Sender
	Now    func() time.Time // nil: time.Now
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) signer() notify.Signer { return notify.Signer{Site: s.Site, Now: s.Now} }

// render turns an issue's Markdown into sanitised HTML.
func render(body string) (string, error) { return markup.Render(body) }
