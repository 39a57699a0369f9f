package newsletter

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/site"
)

// resubscribeShow offers "Sign up again" with a button; it changes
// nothing.
func (s *Service) resubscribeShow(w http.ResponseWriter, r *http.Request) {
	sub, err := s.unsubscribeInfo(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if sub.Status == blog.SubscriberActive {
		s.showSubscribed(w, r)
		return
	}
	s.show(w, r, http.StatusOK, notify.Page{Title: "Sign up again?",
		Paragraphs: []string{"Press the button to get " + s.listName(r) + " again."},
		Form:       &notify.Form{Button: "Sign up again"}})
}

// resubscribeDo puts the address back on the list.
func (s *Service) resubscribeDo(w http.ResponseWriter, r *http.Request) {
	sub, err := s.Resubscribe(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if sub.Status != blog.SubscriberActive {
		s.show(w, r, http.StatusOK, notify.Page{Title: "You are not signed up again",
			Paragraphs: []string{"This address cannot be signed up from here. Please use the signup form on the site."},
			Links:      []notify.Link{{Label: "Sign up for the weekly tip", URL: site.PathFor(r, "/subscribe/")}}})
		return
	}
	s.show(w, r, http.StatusOK, notify.Page{Title: "Welcome back",
		Paragraphs: []string{"You will get " + s.listName(r) + " again. Every email has a link to stop them."},
		Links:      []notify.Link{{Label: "Go to the site", URL: "/"}}})
}
