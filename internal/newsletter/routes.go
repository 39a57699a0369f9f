package newsletter

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/site"
)

// Routes registers the pages the newsletter's mails link to. Each GET
// shows a page with a button and changes nothing (mail scanners follow
// links); the button POSTs. These pages are notify.Pages: no sidebar and
// no signup box before their button. The unsubscribe POST also serves
// RFC 8058 one-click requests, which come without cookies or a form
// token. The signup box, /subscribe/ and the archive are reader pages
// (internal/web). With tracking on, OpenPath and ClickPath serve the
// issues' open image and click redirect (tracking.go).
func (s *Service) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+ConfirmPath+"{token}", s.confirmShow)
	mux.HandleFunc("POST "+ConfirmPath+"{token}", s.confirmDo)
	mux.HandleFunc("GET "+UnsubscribePath+"{token}", s.unsubscribeShow)
	mux.HandleFunc("POST "+UnsubscribePath+"{token}", s.unsubscribeDo)
	mux.HandleFunc("GET "+ResubscribePath+"{token}", s.resubscribeShow)
	mux.HandleFunc("POST "+ResubscribePath+"{token}", s.resubscribeDo)
	mux.HandleFunc("GET "+OpenPath+"{token}", s.trackOpen)
	mux.HandleFunc("GET "+ClickPath+"{token}", s.trackClick)
}

// show writes a page (notify.ShowPage: never cached, indexed or
// referred).
func (s *Service) show(w http.ResponseWriter, r *http.Request, code int, p notify.Page) {
	notify.ShowPage(w, r, s.Site, code, p)
}

// fail turns err into a page: a link that is not genuine, or names no one
// now, is a 404 that says so and changed nothing; anything else is logged
// and shown as our fault.
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, blog.ErrNotFound) {
		s.show(w, r, http.StatusNotFound, notify.Page{Title: "This link does not work",
			Paragraphs: []string{"The link is not one this site made, or it was copied only in part, or the subscription " +
				"it was for has been erased. Nothing was changed."},
			Links: []notify.Link{{Label: "Sign up for the weekly tip", URL: site.PathFor(r, "/subscribe/")}}})
		return
	}
	slog.ErrorContext(r.Context(), "newsletter: request failed", "err", err)
	s.show(w, r, http.StatusInternalServerError, notify.Page{Title: "Something went wrong",
		Paragraphs: []string{"Something went wrong on our side and nothing was changed. Please try again in a few minutes."}})
}

// listName is how pages name the newsletter.
func (s *Service) listName(r *http.Request) string {
	set, _, err := s.Site.Current(r.Context())
	if err != nil {
		return "the weekly tip"
	}
	return "the weekly tip from " + set.Title
}
