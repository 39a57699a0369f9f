package newsletter

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/site"
)

// separateLists says what an unsubscribe from the newsletter leaves alone.
const separateLists = "Emails about comments you follow are a separate list: this does not stop them " +
	"(each of those emails has its own link)."

// unsubscribeShow offers to stop the newsletter, and, to someone who left
// already, to sign up again. It changes nothing.
func (s *Service) unsubscribeShow(w http.ResponseWriter, r *http.Request) {
	sub, err := s.unsubscribeInfo(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if sub.Status != blog.SubscriberActive && sub.Status != blog.SubscriberPending {
		s.showUnsubscribed(w, r, "You are not subscribed", sub)
		return
	}
	s.show(w, r, http.StatusOK, notify.Page{Title: "Stop the weekly tip?",
		Paragraphs: []string{"Press the button and this site sends no more of " + s.listName(r) + " to your address.", separateLists},
		Form:       &notify.Form{Button: "Unsubscribe"}})
}

// unsubscribeDo takes the address off the list. It is also the RFC 8058
// one-click target: a mail provider POSTs List-Unsubscribe=One-Click to
// it, with no cookie and no form token; the link's token is all it needs,
// it answers 200, and doing it again changes nothing.
func (s *Service) unsubscribeDo(w http.ResponseWriter, r *http.Request) {
	sub, err := s.Unsubscribe(r.Context(), r.PathValue("token"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showUnsubscribed(w, r, "You are unsubscribed", sub)
}

// showUnsubscribed says the address gets no more issues, and offers to
// sign up again (an address that bounced or complained is not offered it
// here).
func (s *Service) showUnsubscribed(w http.ResponseWriter, r *http.Request, title string, sub *blog.Subscriber) {
	p := notify.Page{Title: title,
		Paragraphs: []string{"You will get no more of " + s.listName(r) + ".", separateLists}}
	if sub.Status == blog.SubscriberUnsubscribed {
		p.Paragraphs = append(p.Paragraphs, "Changed your mind? You can sign up again.")
		p.Form = &notify.Form{Action: site.PathFor(r, ResubscribePath+r.PathValue("token")), Button: "Sign up again"}
	}
	s.show(w, r, http.StatusOK, p)
}
