package admin

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/admin.css
var adminCSS []byte

// pageTemplate is one admin page parsed together with the shared layout,
// never executed itself: each path prefix the site is served under gets
// its own clone, with the path function bound to it.
type pageTemplate struct {
	t *template.Template

	mu    sync.Mutex
	bound map[string]*template.Template // by prefix
}

// at returns the page bound to prefix ("/blog" for a site at
// https://example.com/blog): {{path "/admin/"}} gives "/blog/admin/".
func (pt *pageTemplate) at(prefix string) (*template.Template, error) {
	pt.mu.Lock()
	defer pt.mu.Unlock()
	if t := pt.bound[prefix]; t != nil {
		return t, nil
	}
	if pt.bound == nil || len(pt.bound) >= 4 { // one prefix in practice, two while it changes
		pt.bound = map[string]*template.Template{}
	}
	t, err := pt.t.Clone()
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	t.Funcs(template.FuncMap{"path": func(p string) string { return prefix + p }})
	pt.bound[prefix] = t
	return t, nil
}

// view is what every admin template receives. D holds the page's own data.
type view struct {
	Title    string
	Section  string // highlighted in the navigation
	User     *blog.User
	Site     *site.Settings
	Flash    string
	FlashErr bool
	Errors   blog.FieldErrors
	D        any
}

// fieldMsg is passed to the "fielderr" template.
type fieldMsg struct{ Field, Msg string }

var funcs = template.FuncMap{
	"fe": func(errs blog.FieldErrors, field string) fieldMsg { return fieldMsg{field, errs[field]} },
	"when": func(t time.Time, loc *time.Location) string {
		if t.IsZero() {
			return ""
		}
		if loc == nil {
			loc = time.UTC
		}
		return t.In(loc).Format("2 Jan 2006 15:04")
	},
	"statusLabel": statusLabel,
	"add":         func(a, b int) int { return a + b },
	"contains": func(list []int64, id int64) bool {
		for _, x := range list {
			if x == id {
				return true
			}
		}
		return false
	},
	"itoa": func(n int64) string { return strconv.FormatInt(n, 10) },
	// path puts the site's path prefix before a path from its root; each
	// page's clone binds it (pageTemplate.at).
	"path": func(p string) string { return p },
}

// mustParsePages parses each page template with the layout. The templates
// are embedded, so a parse error is a programming error found by any test.
func mustParsePages() map[string]*pageTemplate {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*pageTemplate{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || base == "partials" {
			continue
		}
		t := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", n))
		out[base] = &pageTemplate{t: t}
	}
	return out
}

// statusLabel names a status as the admin shows it.
func statusLabel(s blog.Status) string {
	switch s {
	case blog.StatusPublished:
		return "Published"
	case blog.StatusDraft:
		return "Draft"
	case blog.StatusScheduled:
		return "Scheduled"
	case blog.StatusPrivate:
		return "Private"
	case blog.StatusTrash:
		return "Trash"
	}
	return string(s)
}

type userKey struct{}

// userFrom returns the logged-in user stored by requireUser, or nil.
func userFrom(ctx context.Context) *blog.User {
	u, _ := ctx.Value(userKey{}).(*blog.User)
	return u
}

// setFlash keeps a one-time message for the next page shown.
func (h *Handler) setFlash(r *http.Request, msg string) {
	h.Sessions.Put(r.Context(), "flash", msg)
}

// setFlashErr keeps a one-time error message for the next page shown.
func (h *Handler) setFlashErr(r *http.Request, msg string) {
	h.Sessions.Put(r.Context(), "flash", msg)
	h.Sessions.Put(r.Context(), "flash_err", true)
}

// render writes page name with status. It fills the common fields of v.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	pt, ok := h.pages[name]
	if !ok {
		h.fail(w, r, fmt.Errorf("admin: no template %q", name))
		return
	}
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Site = set
	t, err := pt.at(set.Prefix())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v.User == nil {
		v.User = userFrom(r.Context())
	}
	if v.Flash == "" {
		v.Flash = h.Sessions.PopString(r.Context(), "flash")
		v.FlashErr = h.Sessions.PopBool(r.Context(), "flash_err")
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		h.fail(w, r, fmt.Errorf("admin: render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errForbidden is returned when the user's role does not allow an action.
var errForbidden = errors.New("admin: forbidden")

// fail turns an error into a response: the only place that does. Not found
// and forbidden get their own pages; anything else is logged and shown as a
// safe message.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := http.StatusInternalServerError, errorMessage
	switch {
	case errors.Is(err, blog.ErrNotFound):
		status, msg = http.StatusNotFound, "There is nothing here. It may have been deleted."
	case errors.Is(err, errForbidden):
		status, msg = http.StatusForbidden, "Your role does not allow this. Ask the site owner if you need it."
	case store.IsUnavailable(err):
		status, msg = http.StatusServiceUnavailable, "The database cannot be reached just now. Nothing was saved; please try again in a minute."
		w.Header().Set("Retry-After", "30")
		h.logError(r, err)
	default:
		h.logError(r, err)
	}
	pt := h.pages["message"]
	var buf bytes.Buffer
	v := &view{Title: http.StatusText(status), User: userFrom(r.Context()), D: msg}
	if set, _, serr := h.Site.Current(r.Context()); serr == nil {
		v.Site = set
	}
	w.Header().Set("Cache-Control", "no-store")
	if pt == nil || v.Site == nil {
		http.Error(w, msg, status)
		return
	}
	if t, err := pt.at(v.Site.Prefix()); err != nil || t.Execute(&buf, v) != nil {
		http.Error(w, msg, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// message shows a short page with one message and status.
func (h *Handler) message(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	h.render(w, r, status, "message", &view{Title: title, D: msg})
}

// redactPath hides the secret part of setup and reset links in logs.
func redactPath(p string) string {
	for _, prefix := range []string{"/admin/setup/", "/admin/reset/"} {
		if strings.HasPrefix(p, prefix) {
			return prefix + "REDACTED"
		}
	}
	return p
}

// pathID reads a numeric path value, answering not found when it is not one.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("admin: bad id %q: %w", r.PathValue(name), blog.ErrNotFound)
	}
	return id, nil
}

// pageNum reads ?page=N (1 when absent or bad).
func pageNum(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 || n > 1_000_000 {
		return 1
	}
	return n
}

// pager is what list templates need to link pages.
type pager struct {
	Page, Pages int
	Base        string // URL with query, without page
}

func newPager(page, total, per int, base string) pager {
	pages := (total + per - 1) / per
	if pages < 1 {
		pages = 1
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return pager{Page: page, Pages: pages, Base: base + sep}
}

// PrevURL is the link to the previous page, "" on the first.
func (p pager) PrevURL() string {
	if p.Page <= 1 {
		return ""
	}
	return p.Base + "page=" + strconv.Itoa(p.Page-1)
}

// NextURL is the link to the next page, "" on the last.
func (p pager) NextURL() string {
	if p.Page >= p.Pages {
		return ""
	}
	return p.Base + "page=" + strconv.Itoa(p.Page+1)
}
