package admin

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/linkback/send"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// maxPostForm bounds the editor form: a 1 MiB body and room for the rest.
const maxPostForm = 2 << 20

// postSave handles every button of the editor: Preview (renders, saves
// nothing), Save draft, Publish (which schedules when the date is in the
// future, as WordPress does) and Save (with the chosen status).
func (h *Handler) postSave(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	var existing *blog.Post
	typ := blog.TypePost
	if strings.HasPrefix(r.URL.Path, "/admin/pages/") {
		typ = blog.TypePage
	}
	if r.PathValue("id") != "" {
		p, err := h.editablePost(r, u)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		existing, typ = p, p.Type
	}
	// The server's body limit has read the form, bounded (bodyLimits in
	// internal/server), or answered 413 already.
	set, _, err := h.Site.Current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := formFromRequest(r, typ)
	f.Existing = existing
	if existing != nil {
		f.ID = existing.ID
	}
	action := r.PostFormValue("action")

	if action == "preview" {
		f.Previewed = true
		// Render refuses, after a linear check and before any work, a
		// text whose rendering would take long.
		// In the post's own format: an imported WordPress post previews
		// as WordPress showed it.
		pv := &blog.Post{Body: f.Body}
		if existing != nil {
			pv.ID, pv.Format = existing.ID, existing.Format
		}
		err := markup.Prepare(pv)
		html := pv.BodyHTML
		if le, ok := markup.AsLimit(err); ok {
			f.PreviewErr = "The preview could not be made: " + le.Message() + "."
			h.showPostForm(w, r, http.StatusUnprocessableEntity, f, blog.FieldErrors{"body": le.Message() + "."})
			return
		}
		if err != nil {
			f.PreviewErr = "The preview could not be made: " + err.Error()
		}
		f.Preview = safeHTML(html)
		h.showPostForm(w, r, http.StatusOK, f, nil)
		return
	}

	p, fe := h.postFromForm(ctx, set.Loc, set.Discussion.PingsOpen, f, existing, u, action)
	trackbacks := trackbacksFromForm(f, fe)
	if len(fe) == 0 {
		if err := markup.Prepare(p); err != nil {
			le, ok := markup.AsLimit(err)
			if !ok {
				h.fail(w, r, err)
				return
			}
			fe = blog.FieldErrors{"body": le.Message() + "."}
		}
	}
	var before, mailed *blog.Issue
	if len(fe) == 0 {
		// The post, the job that publishes it later and the jobs that tell
		// the pages it links to are one write.
		var scheduleErr, linksErr, mailErr error
		if existing != nil && h.Newsletter != nil {
			if before, err = h.Store.IssueByPost(ctx, existing.ID); err != nil && !errors.Is(err, blog.ErrNotFound) {
				h.fail(w, r, err)
				return
			}
		}
		err := h.Store.InTx(ctx, func(tx *store.Store) error {
			changed, err := tx.SavePost(ctx, p)
			if err != nil {
				return err
			}
			if p.Status == blog.StatusScheduled {
				if scheduleErr = h.Jobs.SchedulePublish(ctx, tx, p.ID, p.PublishedAt); scheduleErr != nil {
					return scheduleErr
				}
			}
			linksErr = h.postChanged(ctx, tx, p.ID, send.Change{Content: changed,
				SetTrackbacks: f.TrackbacksSent, Trackbacks: trackbacks})
			if linksErr != nil {
				return linksErr
			}
			// "Also send this post by email": its issue is written, and
			// handed to the sending engine when the post is public, with
			// the post; at most once however often it is saved.
			if h.Newsletter != nil {
				var want *bool
				if f.EmailSent && u.CanEditOthers() {
					want = &f.Email
				}
				mailed, mailErr = h.Newsletter.PostSaved(ctx, tx, p, want)
			}
			return mailErr
		})
		if verrs, ok := blog.AsValidation(err); ok {
			fe = verrs
		} else if err != nil && scheduleErr != nil {
			h.logError(r, err)
			fe = blog.FieldErrors{"published_at": "The publishing job could not be scheduled, so nothing was saved. " +
				"Please try again in a moment."}
		} else if err != nil && mailErr != nil && !store.IsUnavailable(err) {
			h.logError(r, err)
			fe = blog.FieldErrors{"email": "The email to subscribers could not be started, so nothing was saved. " +
				"Please try again in a moment."}
		} else if err != nil && linksErr != nil && !store.IsUnavailable(err) {
			h.logError(r, err)
			fe = blog.FieldErrors{"body": "The notices to the sites this " + f.Noun() + " links to could not be queued, " +
				"so nothing was saved. Please try again in a moment."}
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if len(fe) > 0 {
		h.showPostForm(w, r, http.StatusUnprocessableEntity, f, fe)
		return
	}

	msg := statusLabel(p.Status) + " " + f.Noun() + " saved."
	switch p.Status {
	case blog.StatusPublished:
		msg = "Published. " + set.Abs(set.PostPath(p))
		if existing != nil && existing.Status == blog.StatusPublished {
			msg = "Updated. " + set.Abs(set.PostPath(p))
		}
	case blog.StatusScheduled:
		msg = "Scheduled for " + p.PublishedAt.In(set.Loc).Format("2 Jan 2006 15:04") + " (" + set.TimeZone + ")."
	}
	h.setFlash(r, msg+mailNote(before, mailed, p, h.now()))
	http.Redirect(w, r, site.PathFor(r, "/admin/posts/"+strconv.FormatInt(p.ID, 10)), http.StatusSeeOther)
}

// mailNote says what saving did about the post's email, for the flash
// message: before and after are its issue (nil when none).
func mailNote(before, after *blog.Issue, p *blog.Post, now time.Time) string {
	switch {
	case after == nil || !after.Editable() && before != nil && !before.Editable():
		return ""
	case after.Status == blog.IssueSending:
		return " It is going out by email to the newsletter's subscribers."
	case !p.IsPublic(now):
		return " It goes out by email when it is published."
	}
	return " Its email waits: sending is not available on this site yet (Newsletter, Send now)."
}

// maxTrackbacks is the most addresses "Send trackbacks to" takes.
const maxTrackbacks = 20

// trackbacksFromForm reads "Send trackbacks to", adding to fe what is
// wrong with it; nil when the form did not have the field.
func trackbacksFromForm(f *postForm, fe blog.FieldErrors) []string {
	if !f.TrackbacksSent {
		return nil
	}
	urls, bad := send.ParseTrackbacks(f.Trackbacks)
	switch {
	case len(bad) > 0:
		fe.Add("trackbacks", "Enter whole web addresses starting with http:// or https://; these are not: "+
			strings.Join(bad, " ")+".")
	case len(urls) > maxTrackbacks:
		fe.Add("trackbacks", fmt.Sprintf("Enter at most %d addresses.", maxTrackbacks))
	}
	return urls
}

// safeHTML marks HTML from markup.Render, which sanitises it, as safe to
// include in a page.
func safeHTML(s string) template.HTML { return template.HTML(s) } //nolint:gosec // sanitised by markup

// postFromForm turns the typed form into the post to save, reporting every
// problem the store would not find itself.
func (h *Handler) postFromForm(ctx context.Context, loc *time.Location, pingsOpen bool, f *postForm, existing *blog.Post, u *blog.User, action string) (*blog.Post, blog.FieldErrors) {
	fe := blog.FieldErrors{}
	p := &blog.Post{Type: f.Type, AuthorID: u.ID}
	if existing != nil {
		cp := *existing
		p = &cp
		p.Author, p.Featured, p.Parents = nil, nil, nil
	}
	p.Title = strings.TrimSpace(f.Title)
	p.Slug = blog.Slugify(f.Slug)
	if f.Slug != "" && p.Slug == "" {
		fe.Add("slug", "Use letters, digits and hyphens.")
	}
	p.Body, p.Excerpt, p.Password = f.Body, strings.TrimSpace(f.Excerpt), f.Password
	p.ParentID = 0
	if p.Type == blog.TypePage {
		p.ParentID = f.ParentID
	}
	p.FeaturedID = f.FeaturedID
	if f.CommentsSent {
		p.CommentsClosed = f.CommentsClosed
	}
	if f.StickySent {
		p.Sticky = f.Sticky && p.Type == blog.TypePost
	}
	switch {
	case f.PingsSent:
		p.PingsClosed = f.PingsClosed
	case existing == nil:
		p.PingsClosed = !pingsOpen // a form without the box: the site's default
	}
	if p.FeaturedID != 0 {
		if _, err := h.Store.Media(ctx, p.FeaturedID); err != nil {
			fe.Add("featured", "That image no longer exists. Choose another.")
		}
	}

	switch action {
	case "draft":
		p.Status = blog.StatusDraft
	case "publish":
		p.Status = blog.StatusPublished
	default:
		p.Status = blog.Status(f.Status)
	}
	now := h.now()
	when := parseWhen(f.Date, f.Time, loc, fe)
	switch p.Status {
	case blog.StatusPublished, blog.StatusPrivate:
		if when.IsZero() {
			when = now
			if existing != nil && existing.Status == p.Status {
				when = existing.PublishedAt
			}
		}
		if p.Status == blog.StatusPublished && when.After(now) {
			p.Status = blog.StatusScheduled
		}
	case blog.StatusScheduled:
		if when.IsZero() {
			if _, bad := fe["published_at"]; !bad {
				fe.Add("published_at", "Choose the date and time to publish at.")
			}
		} else if !when.After(now) {
			fe.Add("published_at", "Choose a date in the future to schedule, or publish now.")
		}
	}
	p.PublishedAt = when

	p.Categories = nil
	for _, id := range f.CategoryIDs {
		p.Categories = append(p.Categories, blog.Term{ID: id, Taxonomy: blog.Category})
	}
	for _, n := range splitNames(f.NewCategories) {
		p.Categories = append(p.Categories, blog.Term{Name: n, Taxonomy: blog.Category})
	}
	p.Tags = nil
	for _, n := range splitNames(f.Tags) {
		p.Tags = append(p.Tags, blog.Term{Name: n, Taxonomy: blog.Tag})
	}
	// A text that would take long to render is refused before it is.
	if le, ok := markup.AsLimit(markup.Check(p.Body)); ok {
		fe.Add("body", le.Message()+".")
	}
	// Show the store's own checks beside ours, all at once.
	if err := p.Validate(); err != nil {
		var ve *blog.ValidationError
		if errors.As(err, &ve) {
			for k, v := range ve.Fields {
				fe.Add(k, v)
			}
		}
	}
	return p, fe
}
