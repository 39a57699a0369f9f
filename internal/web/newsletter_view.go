package web

import (
	"context"
	"net/http"

	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
)

// Form field names of the newsletter's signup forms (the box on every
// page and /subscribe/): email and name as the issue names them, then
// Quire's signed time token, honeypot and where the form was.
const (
	fieldSignupEmail    = "email"
	fieldSignupName     = "name"
	fieldSignupToken    = "signup_token"
	fieldSignupHoneypot = "signup_hp"
	fieldSignupSource   = "source"
	// fieldNewsletter is the comment form's "Yes! I want the weekly tip".
	fieldNewsletter = "newsletter"
)

// subscribePath is the signup page, and where every signup form posts.
const subscribePath = "/subscribe/"

// signupView is the signup form, in the box on every page (a theme
// partial, "newsletter-box") or on /subscribe/. The box is the same for
// every reader, so it keeps pages cacheable: no cookie is read and nothing
// personal is in it.
type signupView struct {
	Heading, Text, Button, FinePrint string
	Action, Token, Source            string
	// ID prefixes the form's element IDs: the box and the page's own form
	// may not share them.
	ID string
	// Only on /subscribe/: what was typed, every problem beside its
	// field, a message above the form, or Done once accepted.
	Email, Name string
	Errors      map[string]string
	Message     string
	Done        bool
}

// signupForm returns the signup form for source (the box or the page),
// with a fresh signed time token, or nil when the site takes no signups.
func (h *Handler) signupForm(ctx context.Context, st *site.Settings, source string) *signupView {
	if h.Newsletter == nil || h.Comments == nil {
		return nil
	}
	tok, err := h.Comments.NewToken(ctx, newsletter.SignupFormID)
	if err != nil {
		h.Logger.ErrorContext(ctx, "web: signup token", "err", err)
		return nil
	}
	n := &st.Newsletter
	fine := "One email a week. Unsubscribe with one click in any of them. We never share your address."
	if n.Tracking {
		fine += " Our emails record when they are opened and which links are clicked, to learn what helps readers."
	} else {
		fine += " No tracking of opens or clicks."
	}
	return &signupView{Heading: n.BoxHeading(st.Title), Text: n.BoxText(st.Title), Button: n.BoxButton(), FinePrint: fine,
		Action: st.Path(subscribePath), Token: tok, Source: source, ID: "signup-" + source}
}

// wantsJSON reports whether a form was sent by the signup box's script,
// which asks for JSON to answer in place.
func wantsJSON(r *http.Request) bool {
	return r.Header.Get("Accept") == "application/json"
}
