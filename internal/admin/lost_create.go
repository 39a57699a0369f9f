package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// resetTTL is how long a password-reset link works.
const resetTTL = time.Hour

// lostCreate emails a single-use reset link when the address has an
// account. The answer is the same whether it has one or not.
func (h *Handler) lostCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	email := blog.NormalizeEmail(r.PostFormValue("email"))
	form := lostForm{Email: email}
	wait, err := h.allow(ctx, resetPerIP, clientip.BucketFrom(r))
	perAccount := false
	if err == nil && wait == 0 && email != "" {
		var acct string
		if acct, err = h.accountKey(ctx, email); err == nil {
			wait, err = h.allow(ctx, resetPerAccount, acct)
			perAccount = wait > 0
		}
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if wait > 0 {
		setRetryAfter(w, wait)
		form.Error = tooManyMessage(wait)
		if perAccount {
			// Whoever asked, the links already sent still work: the
			// account's owner is not locked out by someone asking often.
			form.Error = "If an account uses this address, links were emailed to it in the last hour, and each works for an hour: look in your inbox (and spam folder). " + form.Error
		}
		h.render(w, r, http.StatusTooManyRequests, "lost", &view{Title: "Lost your password?", D: form})
		return
	}
	if !blog.ValidEmail(email) {
		h.render(w, r, http.StatusUnprocessableEntity, "lost", &view{Title: "Lost your password?",
			Errors: blog.FieldErrors{"email": "Enter a valid email address, like name@example.com."}, D: form})
		return
	}
	u, err := h.Store.UserByEmail(ctx, email)
	switch {
	case errors.Is(err, blog.ErrNotFound):
		// Say nothing different: whether an address has an account is private.
	case err != nil:
		h.fail(w, r, err)
		return
	default:
		if err := h.sendReset(r, u); err != nil {
			// Logged, not shown: the answer must not differ for real accounts.
			h.logError(r, err)
		}
	}
	form.Sent = true
	h.render(w, r, http.StatusOK, "lost", &view{Title: "Check your email", D: form})
}

// sendReset writes the job that mails u a reset link. The job names the
// account only: the link and its single-use token are made when the job
// runs (resetMail), so no secret waits in the queue and the link uses the
// base URL of the process that sends it.
func (h *Handler) sendReset(r *http.Request, u *blog.User) error {
	return h.Jobs.Mail(r.Context(), h.Store, jobs.MailJob{Mail: MailPasswordReset, UserID: u.ID,
		Asked: h.now().Unix(), Epoch: u.SessionEpoch})
}

// MailPasswordReset is the mail with a single-use link to choose a new
// password, for the account jobs.MailJob.UserID.
const MailPasswordReset = "password_reset"

// MailComposers returns the builders of the admin's mails, by
// jobs.MailJob.Mail, for the queue that sends them.
func MailComposers(st *store.Store, s *site.Site) map[string]jobs.Composer {
	return map[string]jobs.Composer{
		MailPasswordReset: func(ctx context.Context, j jobs.MailJob) (mail.Message, error) {
			return resetMail(ctx, st, s, j)
		},
	}
}

// resetMail issues a reset token for the account j names and builds the
// mail with its link. A request older than a link's life, or made before
// the password last changed, sends nothing: a retried mail must not hand
// out a fresh link hours later, nor after the owner has moved on.
func resetMail(ctx context.Context, st *store.Store, s *site.Site, j jobs.MailJob) (mail.Message, error) {
	u, err := st.User(ctx, j.UserID)
	if errors.Is(err, blog.ErrNotFound) || (err == nil && u.Email == "") {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	if err == nil && (u.SessionEpoch != j.Epoch || (j.Asked != 0 && time.Since(time.Unix(j.Asked, 0)) > resetTTL)) {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	if err != nil {
		return mail.Message{}, fmt.Errorf("admin: reset mail: %w", err)
	}
	set, _, err := s.Current(ctx)
	if err != nil {
		return mail.Message{}, fmt.Errorf("admin: reset mail: %w", err)
	}
	tok, err := st.IssueToken(ctx, store.TokenPasswordReset, u.ID, resetTTL)
	if err != nil {
		return mail.Message{}, fmt.Errorf("admin: reset mail: %w", err)
	}
	link := set.Abs("/admin/reset/" + tok)
	text := "Hello " + u.Name + ",\n\n" +
		"Someone asked to reset the password of your account on " + set.Title + ".\n" +
		"To choose a new password, or to log in once without changing it, open this link within one hour:\n\n" + link + "\n\n" +
		"The link works once. If you did not ask for it, ignore this email: your password stays as it is.\n"
	return mail.Message{To: u.Email, Subject: "[" + set.Title + "] Reset your password", Text: text}, nil
}
