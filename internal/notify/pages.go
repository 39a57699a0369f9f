package notify

import (
	"bytes"
	"errors"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

var pageTmpl = template.Must(template.New("").Funcs(template.FuncMap{"paragraphs": paragraphs}).
	ParseFS(files, "templates/page.html"))

// Stylesheet is the theme's stylesheet, which these pages share with the
// reader's pages.
const Stylesheet = "/static/style.css"

// page is one reader-facing page: a title, some sentences, maybe a comment
// (moderation pages), maybe a form with one button, and links on.
type page struct {
	Lang, SiteTitle, Home, Stylesheet string
	Title                             string
	Paragraphs                        []string
	Comment                           *commentView
	Form                              *form
	Links                             []actionLink
}

type commentView struct {
	PostTitle, PostURL                                         string
	AuthorName, AuthorEmail, AuthorURL, AuthorIP, Date, Status string
	Paragraphs                                                 [][]string
}

// form is one button that POSTs to the page's own address (the form has no
// action), with hidden fields.
type form struct {
	Hidden []hidden
	Button string
}

type hidden struct{ Name, Value string }

// show writes p with status code. Every page here carries a secret in its
// address or speaks of one person's subscription: it is never stored, nor
// indexed, nor sent on as a referrer.
func (n *Notifier) show(w http.ResponseWriter, r *http.Request, code int, p page) {
	set, _, err := n.Site.Current(r.Context())
	if err != nil {
		set = &site.Settings{Title: site.Defaults().Title, Language: "en"}
	}
	// Paths, not URLs: the page works whatever host it was reached by,
	// and its stylesheet stays within the server's own-origin policy.
	p.Lang, p.SiteTitle, p.Home, p.Stylesheet = set.Language, set.Title, site.PathFor(r, "/"), site.PathFor(r, Stylesheet)
	var buf bytes.Buffer
	if err := pageTmpl.ExecuteTemplate(&buf, "page", p); err != nil {
		slog.ErrorContext(r.Context(), "notify: render page", "err", err)
		http.Error(w, "Something went wrong on our side. Please try again later.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// fail turns err into a page: a link that no longer works is a 404 that
// says so; anything else is logged and shown as our fault.
func (n *Notifier) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, blog.ErrNotFound) {
		n.show(w, r, http.StatusNotFound, page{Title: "This link does not work any more",
			Paragraphs: []string{"The link is not known here: it may have been used already (you may have unsubscribed before), " +
				"or it was copied only in part. Nothing was changed."}})
		return
	}
	slog.ErrorContext(r.Context(), "notify: request failed", "err", err)
	n.show(w, r, http.StatusInternalServerError, page{Title: "Something went wrong",
		Paragraphs: []string{"Something went wrong on our side and nothing was changed. Please try again in a few minutes."}})
}
