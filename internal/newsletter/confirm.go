package newsletter

import (
	"errors"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/notify"
)

// confirmShow asks the reader to confirm with a button; opening the link
// alone confirms nothing. An expired link offers a new one.
func (s *Service) confirmShow(w http.ResponseWriter, r *http.Request) {
	sub, err := s.confirmTarget(r.Context(), s.Store, r.PathValue("token"))
	switch {
	case sub != nil && sub.Status == blog.SubscriberActive:
		s.showSubscribed(w, r)
	case errors.Is(err, ErrStaleLink):
		s.showExpired(w, r)
	case err != nil:
		s.fail(w, r, err)
	default:
		s.show(w, r, http.StatusOK, notify.Page{Title: "Confirm your subscription",
			Paragraphs: []string{"You asked for " + s.listName(r) + ". Press the button to confirm; " +
				"every email has a link to stop them."},
			Form: &notify.Form{Button: "Yes, send me the weekly tip"}})
	}
}

// confirmDo confirms (double opt-in) and sends the welcome mail, or, for
// an expired link's "Send me a new link", mails a fresh confirmation.
func (s *Service) confirmDo(w http.ResponseWriter, r *http.Request) {
	if r.PostFormValue("renew") != "" {
		_, already, err := s.RenewConfirm(r.Context(), r.PathValue("token"))
		switch {
		case err != nil:
			s.fail(w, r, err)
		case already:
			s.showSubscribed(w, r)
		default:
			s.show(w, r, http.StatusOK, notify.Page{Title: "Check your inbox",
				Paragraphs: []string{"We sent you a new confirmation link. It works for 7 days."}})
		}
		return
	}
	_, already, err := s.Confirm(r.Context(), r.PathValue("token"))
	switch {
	case errors.Is(err, ErrStaleLink):
		s.showExpired(w, r)
	case err != nil:
		s.fail(w, r, err)
	case already:
		s.showSubscribed(w, r)
	default:
		s.show(w, r, http.StatusOK, notify.Page{Title: "Thank you: you are subscribed",
			Paragraphs: []string{"You will get " + s.listName(r) + ". A welcome email is on its way. " +
				"Every email has a link to stop them."},
			Links: []notify.Link{{Label: "Go to the site", URL: "/"}}})
	}
}

func (s *Service) showSubscribed(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, http.StatusOK, notify.Page{Title: "You are subscribed already",
		Paragraphs: []string{"You get " + s.listName(r) + ". Nothing more to do."},
		Links:      []notify.Link{{Label: "Go to the site", URL: "/"}}})
}

// showExpired answers a genuine link that no longer works, offering a new
// one. It changes nothing.
func (s *Service) showExpired(w http.ResponseWriter, r *http.Request) {
	s.show(w, r, http.StatusGone, notify.Page{Title: "This link has expired",
		Paragraphs: []string{"Confirmation links work for 7 days, and only until the subscription changes. " +
			"Nothing was changed. Press the button and we will email you a new link."},
		Form: &notify.Form{Hidden: []notify.Hidden{{Name: "renew", Value: "1"}}, Button: "Send me a new link"}})
}
