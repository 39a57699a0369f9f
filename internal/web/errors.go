package web

import (
	"errors"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// statusError is a failure that has its own status and a message safe to
// show the reader.
type statusError struct {
	status int
	msg    string
}

func (e *statusError) Error() string { return "web: " + http.StatusText(e.status) + ": " + e.msg }

// errBadRequest reports input the reader can correct.
func errBadRequest(msg string) error { return &statusError{status: http.StatusBadRequest, msg: msg} }

// fail turns err into the response. It is the only place errors become
// responses: "not found" is the themed 404 page, a statusError shows its
// message with its status, and anything else is logged and shown as a
// friendly 500 page that reveals nothing internal.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	// An address a site imported from WordPress had answers 301 to what
	// it became.
	if errors.Is(err, blog.ErrNotFound) && h.redirectOld(w, r) {
		return
	}
	hd := w.Header()
	hd.Del("ETag")
	hd.Del("Last-Modified")
	hd.Del("Content-Disposition")
	hd.Set("Cache-Control", "no-store")

	status, heading, msg := http.StatusInternalServerError, "Something went wrong",
		"Sorry, this page could not be shown just now. Please try again in a moment."
	var se *statusError
	switch {
	case errors.Is(err, blog.ErrNotFound):
		status, heading, msg = http.StatusNotFound, "Page not found",
			"Sorry, there is nothing at this address. It may have moved, or the link may be mistyped."
	case errors.As(err, &se):
		status, heading, msg = se.status, http.StatusText(se.status), se.msg
	case store.IsUnavailable(err):
		h.Logger.WarnContext(r.Context(), "web: database unavailable", "path", r.URL.Path, "err", err)
		hd.Set("Retry-After", "30")
		h.unavailable(w)
		return
	default:
		h.Logger.ErrorContext(r.Context(), "web: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}

	page := "error"
	if status == http.StatusNotFound {
		page = "404"
	}
	st, ver, err2 := h.Site.Current(r.Context())
	if err2 == nil {
		c, err3 := h.chromeFor(r.Context(), st, ver)
		if err3 == nil {
			pv := h.newPage(r, st, c, heading)
			pv.Heading, pv.Message, pv.Robots = heading, msg, "noindex"
			if err4 := h.render(w, status, page, pv); err4 == nil {
				return
			} else {
				h.Logger.ErrorContext(r.Context(), "web: render error page", "err", err4)
			}
		} else if status != http.StatusInternalServerError {
			h.Logger.ErrorContext(r.Context(), "web: error page", "err", err3)
		}
	} else if status != http.StatusInternalServerError {
		h.Logger.ErrorContext(r.Context(), "web: error page", "err", err2)
	}
	// The themed page could not be built: answer in plain text.
	hd.Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(heading + "\n\n" + msg + "\n"))
}

// unavailablePage is shown while the database cannot be reached; it needs
// nothing from the database or the theme.
const unavailablePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Back in a moment</title></head>
<body><main><h1>Back in a moment</h1>
<p>The site is briefly unavailable while we reconnect to its database. Please try again in a minute.</p>
</main></body></html>
`

// unavailable answers 503 with a friendly page.
func (h *Handler) unavailable(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write([]byte(unavailablePage))
}
