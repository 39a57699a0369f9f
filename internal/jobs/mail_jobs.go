package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/store"
)

// KindMail is the job that builds one message when it runs and sends it.
const KindMail = "mail"

// MailJob names one message to send: which mail it is and the IDs it is
// about, never its text. The message — subject, body, the site's URLs — is
// built by the Composer registered for Mail when the job runs, from the
// database and the settings of the process running it, so a job written by
// the command line links to the site as the serving process knows it.
type MailJob struct {
	// Mail says which Composer builds the message ("comment_followup"…).
	Mail           string `json:"mail"`
	CommentID      int64  `json:"comment_id,omitempty"`
	SubscriptionID int64  `json:"subscription_id,omitempty"`
	UserID         int64  `json:"user_id,omitempty"`
	// SubscriberID and IssueID name a newsletter subscriber and issue.
	SubscriberID int64 `json:"subscriber_id,omitempty"`
	IssueID      int64 `json:"issue_id,omitempty"`
	// To is an address that belongs to no account nor subscriber (a test
	// issue sent to an address typed on the command line); other mails
	// find their recipient from the IDs.
	To string `json:"to,omitempty"`
	// Status is a comment's status when the job was written, for mails
	// whose links act only on a comment still in that state.
	Status string `json:"status,omitempty"`
	// Asked is when the mail was asked for (Unix seconds), and Epoch the
	// account's credential generation then (blog.User.SessionEpoch), for
	// mails that must not go out once they are stale: a reset link asked
	// for before the password changed, or hours ago.
	Asked int64 `json:"asked,omitempty"`
	Epoch int64 `json:"epoch,omitempty"`
	// Key makes the message idempotent (mail.Message.Key): a message whose
	// key was sent already is not sent again, and a job whose key waits
	// already is not written twice. Empty: no such guarantee.
	Key string `json:"key,omitempty"`
}

// Composer builds the message a mail job names. It returns
// ErrNothingToSend when there is no longer anything to say (the comment
// was moderated or deleted, the reader unsubscribed).
type Composer func(ctx context.Context, j MailJob) (mail.Message, error)

// ErrNothingToSend tells the mail job that its message no longer applies:
// the job ends without sending anything.
var ErrNothingToSend = errors.New("jobs: nothing to send")

// mailArgs is a MailJob as stored. Key repeats the job's key so that a
// unique insert compares keys only.
type mailArgs struct {
	Job MailJob `json:"job"`
	Key string  `json:"key,omitempty" river:"unique"`
}

func (mailArgs) Kind() string { return KindMail }

func (mailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: mailMaxAttempts}
}

type mailWorker struct {
	river.WorkerDefaults[mailArgs]
	st        *store.Store
	mail      mail.Sender
	composers map[string]Composer
	retry     func(attempt int) time.Duration
	log       *slog.Logger
}

// Work builds the message unless its key says it went out already, sends
// it and records the key.
func (w *mailWorker) Work(ctx context.Context, job *river.Job[mailArgs]) error {
	j := job.Args.Job
	if j.Key != "" {
		sent, err := w.st.MailSent(ctx, j.Key)
		if err != nil {
			return fmt.Errorf("jobs: mail %s: %w", j.Mail, err)
		}
		if sent {
			return nil
		}
	}
	compose := w.composers[j.Mail]
	if compose == nil {
		// A process that does not know this mail wrote it: retried, so a
		// process that does can send it.
		return fmt.Errorf("jobs: mail %s: no composer is registered for it", j.Mail)
	}
	m, err := compose(ctx, j)
	if errors.Is(err, ErrNothingToSend) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("jobs: mail %s: %w", j.Mail, err)
	}
	m.Key = j.Key
	if err := m.Validate(); err != nil {
		// Built wrong, or to an address that cannot be one: no retry
		// makes it right.
		return river.JobCancel(fmt.Errorf("jobs: mail %s: %w", j.Mail, err))
	}
	return deliver(ctx, w.st, w.mail, w.log, m)
}

// NextRetry uses the configured retry delay, or River's backoff when none
// is set.
func (w *mailWorker) NextRetry(job *river.Job[mailArgs]) time.Time {
	if w.retry == nil {
		return time.Time{}
	}
	return time.Now().Add(w.retry(job.Attempt))
}

// deliver sends m with sender and records its key as sent. A recipient the
// server refuses for good cancels the job rather than retrying it.
func deliver(ctx context.Context, st *store.Store, sender mail.Sender, log *slog.Logger, m mail.Message) error {
	if sender == nil {
		return errors.New("jobs: send mail: no mail sender is configured")
	}
	if err := sender.Send(ctx, m); err != nil {
		if mail.Permanent(err) {
			log.WarnContext(ctx, "mail refused for good; not retrying", "err", err)
			return river.JobCancel(err)
		}
		return err
	}
	if m.Key != "" {
		if err := st.MarkMailSent(ctx, m.Key); err != nil {
			// The message went out; retrying would send it twice. Log it
			// and finish.
			log.ErrorContext(ctx, "mail sent but not recorded as sent", "key", m.Key, "err", err)
		}
	}
	return nil
}
