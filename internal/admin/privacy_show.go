package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// privacyData is what the privacy page shows: the address asked about and
// everything held for it.
type privacyData struct {
	Email      string
	Searched   bool
	Comments   []blog.Comment
	Subs       []store.PrivacySubscription
	Subscriber *store.PrivacySubscriber
	// Newsletter is the address's place on the newsletter's list, nil
	// when it has none.
	Newsletter *blog.Subscriber
	// Confirm is "anonymize" or "delete" while asking to confirm an erase.
	Confirm string
}

// Empty reports whether nothing at all is held for the address.
func (d *privacyData) Empty() bool {
	return len(d.Comments) == 0 && len(d.Subs) == 0 && d.Subscriber == nil && d.Newsletter == nil
}

// privacyShow shows the form that asks which email address to look for.
func (h *Handler) privacyShow(w http.ResponseWriter, r *http.Request, u *blog.User) {
	h.render(w, r, http.StatusOK, "privacy", &view{Title: "Privacy", Section: "privacy", D: &privacyData{}})
}

// privacyEmail reads and checks the form's email address. The lookup is a
// POST so the address never lands in an address bar, history or log.
func privacyEmail(r *http.Request) (string, blog.FieldErrors) {
	email := blog.NormalizeEmail(strings.TrimSpace(r.PostFormValue("email")))
	fe := blog.FieldErrors{}
	switch {
	case email == "":
		fe.Add("email", "Enter the email address to look for.")
	case !blog.ValidEmail(email):
		fe.Add("email", "Enter a valid email address, like name@example.com.")
	}
	return email, fe
}

// privacyRecords gathers everything held for email: comments (every
// status), follow-up subscriptions and the newsletter's subscriber.
func (h *Handler) privacyRecords(ctx context.Context, email string) (*privacyData, error) {
	d := &privacyData{Email: email, Searched: true}
	const batch = 500
	for offset := 0; ; offset += batch {
		list, total, err := h.Store.ListComments(ctx, store.CommentFilter{Email: email, Limit: batch, Offset: offset})
		if err != nil {
			return nil, err
		}
		d.Comments = append(d.Comments, list...)
		if len(list) < batch || len(d.Comments) >= total {
			break
		}
	}
	var err error
	if d.Subs, d.Subscriber, err = h.Store.PrivacySubscriptions(ctx, email); err != nil {
		return nil, err
	}
	sub, err := h.Store.SubscriberByEmail(ctx, email)
	switch {
	case err == nil:
		d.Newsletter = sub
	case !errors.Is(err, blog.ErrNotFound):
		return nil, err
	}
	return d, nil
}
