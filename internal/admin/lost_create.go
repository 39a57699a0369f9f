package admin

import (
	"errors"
	"net/http"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/mail"
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

// sendReset issues a reset token for u and mails the link.
func (h *Handler) sendReset(r *http.Request, u *blog.User) error {
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		return err
	}
	tok, err := h.Store.IssueToken(r.Context(), store.TokenPasswordReset, u.ID, resetTTL)
	if err != nil {
		return err
	}
	link := set.Abs("/admin/reset/" + tok)
	text := "Hello " + u.Name + ",\n\n" +
		"Someone asked to reset the password of your account on " + set.Title + ".\n" +
		"To choose a new password, or to log in once without changing it, open this link within one hour:\n\n" + link + "\n\n" +
		"The link works once. If you did not ask for it, ignore this email: your password stays as it is.\n"
	return h.Mailer.Send(r.Context(), mail.Message{To: u.Email, Subject: "[" + set.Title + "] Reset your password", Text: text})
}
