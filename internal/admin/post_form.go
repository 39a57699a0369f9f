package admin

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// postForm is the editor form: the text exactly as typed, so a form with
// errors comes back with nothing lost, plus the choices it offers.
type postForm struct {
	ID            int64
	Type          blog.PostType
	Title         string
	Slug          string
	Body          string
	Excerpt       string
	Status        string
	Date          string // YYYY-MM-DD in the site's time zone
	Time          string // HH:MM
	Password      string
	Tags          string // comma-separated names
	NewCategories string // comma-separated names
	ParentID      int64
	FeaturedID    int64
	CategoryIDs   []int64
	// CommentsClosed is the "Allow comments" box unticked; CommentsSent
	// tells a form that had the box from one that did not.
	CommentsClosed bool
	CommentsSent   bool
	// PingsClosed is the "Allow pingbacks & trackbacks" box unticked (it
	// covers webmentions too); PingsSent tells a form that had the box.
	PingsClosed bool
	PingsSent   bool
	// Trackbacks is the "Send trackbacks to" field as typed;
	// TrackbacksSent tells a form that had it from one that did not.
	Trackbacks     string
	TrackbacksSent bool
	// Email is "Also send this post by email" ticked; EmailSent tells a
	// form that had the box from one that did not.
	Email     bool
	EmailSent bool
	// Sticky is "Stick to the top of the blog" ticked; StickySent tells a
	// form that had the box (posts only) from one that did not.
	Sticky     bool
	StickySent bool

	Existing   *blog.Post // nil for a new post
	ViewURL    string     // reader URL of a public post
	Action     string     // where the form posts
	Categories []blog.Term
	Parents    []blog.Post
	Media      []mediaChoice
	Preview    template.HTML
	PreviewErr string
	Previewed  bool
	TimeZone   string
	// Outbound lists the pages the post links to (and its trackbacks),
	// with how telling each of them went.
	Outbound []outboundRow
	// EmailIssue is the issue that mails the post, nil when none;
	// EmailOffered shows the box (a post, to an editor or the owner, not
	// mailed yet); Subscribers is how many are active.
	EmailIssue   *blog.Issue
	EmailOffered bool
	Subscribers  int
}

// EmailGone reports whether the post has gone out by email (or is going
// out now): it never goes again.
func (f *postForm) EmailGone() bool { return f.EmailIssue != nil && !f.EmailIssue.Editable() }

// mediaChoice is an image offered in a picker, with its thumbnail URL.
type mediaChoice struct {
	blog.Media
	Thumb string
}

// Live reports whether the post being edited is out (published,
// scheduled or private), so the editor offers "Update" rather than the
// buttons that would publish it again or make it a draft.
func (f *postForm) Live() bool {
	if f.Existing == nil {
		return false
	}
	switch f.Existing.Status {
	case blog.StatusPublished, blog.StatusScheduled, blog.StatusPrivate:
		return true
	}
	return false
}

// Noun is "post" or "page", for labels.
func (f *postForm) Noun() string {
	if f.Type == blog.TypePage {
		return "page"
	}
	return "post"
}

// Statuses are the choices of the status menu.
func (f *postForm) Statuses() []blog.Status {
	out := []blog.Status{blog.StatusDraft, blog.StatusPublished, blog.StatusScheduled, blog.StatusPrivate}
	if f.Status == string(blog.StatusTrash) {
		out = append(out, blog.StatusTrash)
	}
	return out
}

// formFromPost fills the form from a stored post.
func formFromPost(p *blog.Post, loc *time.Location) *postForm {
	f := &postForm{
		ID: p.ID, Type: p.Type, Title: p.Title, Slug: p.Slug, Body: p.Body, Excerpt: p.Excerpt,
		Status: string(p.Status), Password: p.Password, ParentID: p.ParentID, FeaturedID: p.FeaturedID, Existing: p,
		CommentsClosed: p.CommentsClosed, PingsClosed: p.PingsClosed, Sticky: p.Sticky,
	}
	// A draft's date is only when it was last saved; it gets its real date
	// when published.
	if p.Status != blog.StatusDraft && !p.PublishedAt.IsZero() {
		t := p.PublishedAt.In(loc)
		f.Date, f.Time = t.Format("2006-01-02"), t.Format("15:04")
	}
	var tags []string
	for _, t := range p.Tags {
		tags = append(tags, t.Name)
	}
	f.Tags = strings.Join(tags, ", ")
	for _, c := range p.Categories {
		f.CategoryIDs = append(f.CategoryIDs, c.ID)
	}
	return f
}

// formFromRequest reads the typed form.
func formFromRequest(r *http.Request, typ blog.PostType) *postForm {
	f := &postForm{
		Type:          typ,
		Title:         r.PostFormValue("title"),
		Slug:          strings.TrimSpace(r.PostFormValue("slug")),
		Body:          strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"),
		Excerpt:       strings.ReplaceAll(r.PostFormValue("excerpt"), "\r\n", "\n"),
		Status:        r.PostFormValue("status"),
		Date:          strings.TrimSpace(r.PostFormValue("date")),
		Time:          strings.TrimSpace(r.PostFormValue("time")),
		Password:      r.PostFormValue("password"),
		Tags:          r.PostFormValue("tags"),
		NewCategories: r.PostFormValue("new_categories"),
	}
	if r.PostFormValue("comments_field") == "1" {
		f.CommentsSent, f.CommentsClosed = true, r.PostFormValue("comments_open") != "1"
	}
	if r.PostFormValue("pings_field") == "1" {
		f.PingsSent, f.PingsClosed = true, r.PostFormValue("pings_open") != "1"
	}
	if r.PostFormValue("sticky_field") == "1" {
		f.StickySent, f.Sticky = true, r.PostFormValue("sticky") == "1"
	}
	if r.PostFormValue("email_field") == "1" {
		f.EmailSent, f.Email = true, r.PostFormValue("email") == "1"
	}
	if r.PostFormValue("trackbacks_field") == "1" {
		f.TrackbacksSent, f.Trackbacks = true, strings.ReplaceAll(r.PostFormValue("trackbacks"), "\r\n", "\n")
	}
	f.ParentID, _ = strconv.ParseInt(r.PostFormValue("parent"), 10, 64)
	f.FeaturedID, _ = strconv.ParseInt(r.PostFormValue("featured"), 10, 64)
	for _, s := range r.PostForm["category"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			f.CategoryIDs = append(f.CategoryIDs, id)
		}
	}
	return f
}

// parseWhen reads the date and time typed in loc. Both empty gives the
// zero time.
func parseWhen(date, clock string, loc *time.Location, fe blog.FieldErrors) time.Time {
	if date == "" && clock == "" {
		return time.Time{}
	}
	if date == "" {
		fe.Add("published_at", "Enter a date as well as a time, like 2026-03-01.")
		return time.Time{}
	}
	if clock == "" {
		clock = "00:00"
	}
	layout := "2006-01-02 15:04"
	if strings.Count(clock, ":") == 2 {
		layout = "2006-01-02 15:04:05"
	}
	t, err := time.ParseInLocation(layout, date+" "+clock, loc)
	if err != nil {
		fe.Add("published_at", "Enter the date as YYYY-MM-DD and the time as HH:MM, like 2026-03-01 and 09:30.")
		return time.Time{}
	}
	return t
}

// splitNames splits a comma-separated list, dropping blanks and repeats.
func splitNames(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range strings.Split(s, ",") {
		n = strings.Join(strings.Fields(n), " ")
		if n == "" || seen[strings.ToLower(n)] {
			continue
		}
		seen[strings.ToLower(n)] = true
		out = append(out, n)
	}
	return out
}

// fillChoices loads what the editor offers: categories, parent pages and
// images.
func (h *Handler) fillChoices(ctx context.Context, f *postForm, set *site.Settings) error {
	var err error
	if f.Categories, err = h.Store.Terms(ctx, blog.Category); err != nil {
		return err
	}
	if f.Type == blog.TypePage {
		pages, _, err := h.Store.ListPosts(ctx, blog.PostFilter{Type: blog.TypePage, IncludeAll: true, Limit: 500})
		if err != nil {
			return err
		}
		for _, p := range pages {
			if p.ID != f.ID {
				f.Parents = append(f.Parents, p)
			}
		}
	}
	ms, err := h.Store.ListMedia(ctx, 60, 0)
	if err != nil {
		return err
	}
	found := f.FeaturedID == 0
	for _, m := range ms {
		found = found || m.ID == f.FeaturedID
		f.Media = append(f.Media, mediaChoice{Media: m, Thumb: set.MediaPath(&m, 480)})
	}
	if !found {
		// The chosen image is older than the ones listed: offer it too.
		if m, err := h.Store.Media(ctx, f.FeaturedID); err == nil {
			f.Media = append(f.Media, mediaChoice{Media: *m, Thumb: set.MediaPath(m, 480)})
		}
	}
	f.TimeZone = set.TimeZone
	if err := h.fillOutbound(ctx, f, set); err != nil {
		return err
	}
	if f.Existing != nil && f.Existing.IsPublic(h.now()) {
		f.ViewURL = set.PostPath(f.Existing)
	}
	if f.ID != 0 {
		f.Action = "/admin/posts/" + strconv.FormatInt(f.ID, 10)
	} else {
		f.Action = "/admin/" + f.Noun() + "s/new"
	}
	return nil
}

// showPostForm renders the editor with status.
func (h *Handler) showPostForm(w http.ResponseWriter, r *http.Request, status int, f *postForm, fe blog.FieldErrors) {
	set, _, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.fillChoices(r.Context(), f, set); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.fillEmail(r.Context(), f, userFrom(r.Context())); err != nil {
		h.fail(w, r, err)
		return
	}
	title := "New " + f.Noun()
	if f.ID != 0 {
		title = "Edit " + f.Noun()
	}
	h.render(w, r, status, "post_form", &view{Title: title, Section: f.Noun() + "s", Errors: fe, D: f})
}

// fillEmail loads what "Also send this post by email" shows: the post's
// issue, whether the box is offered, and how many would receive it.
func (h *Handler) fillEmail(ctx context.Context, f *postForm, u *blog.User) error {
	if h.Newsletter == nil || f.Type != blog.TypePost {
		return nil
	}
	if f.ID != 0 {
		is, err := h.Store.IssueByPost(ctx, f.ID)
		switch {
		case err == nil:
			f.EmailIssue = is
		case !errors.Is(err, blog.ErrNotFound):
			return err
		}
	}
	if !f.EmailSent {
		f.Email = f.EmailIssue != nil && f.EmailIssue.Editable()
	}
	f.EmailOffered = u != nil && u.CanEditOthers() && !f.EmailGone()
	counts, err := h.Store.SubscriberCounts(ctx)
	if err != nil {
		return err
	}
	f.Subscribers = counts[blog.SubscriberActive]
	return nil
}
