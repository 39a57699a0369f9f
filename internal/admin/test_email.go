package admin

import (
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/mail"
)

// mailTest sends one email directly (not through the queue) and shows
// whether it went, with the mail server's own words when it did not.
func (h *Handler) mailTest(w http.ResponseWriter, r *http.Request, u *blog.User) {
	to := blog.NormalizeEmail(r.PostFormValue("to"))
	if to == "" {
		to = u.Email
	}
	d := outboxData{TestTo: to}
	if !blog.ValidEmail(to) {
		d.Failed = true
		h.showOutbox(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sender := h.MailTest
	if sender == nil {
		sender = h.Mailer
	}
	msg := mail.Message{
		To:      to,
		Subject: "[" + set.Title + "] Test email",
		Text: "This is a test email from " + set.Title + " (" + set.BaseURL + "), sent by " + u.Name +
			" from the admin.\n\nIf you can read this, the site can send mail.\n",
	}
	if err := sender.Send(r.Context(), msg); err != nil {
		h.Logger.WarnContext(r.Context(), "admin: test email failed", "err", err)
		d.Failed = true
		d.Result = "The test email to " + to + " was not sent. The mail server said: " + strings.TrimSpace(err.Error())
		h.showOutbox(w, r, http.StatusBadGateway, d)
		return
	}
	d.Result = "The test email was sent to " + to + "."
	h.showOutbox(w, r, http.StatusOK, d)
}
