package admin

import (
	"errors"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
)

// issueSave handles every button of the issue editor. Each saves the text
// typed first (a new issue becomes a draft), then: Save, Preview (the
// mail as subscribers will see it), Send a test to me, Put in the tip
// queue, Back to draft, Schedule (a date and time in the site's time zone)
// or Send now (which asks to confirm). Every problem is shown beside its
// field, with the text as typed.
func (h *Handler) issueSave(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	var existing *blog.Issue
	if r.PathValue("id") != "" {
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if existing, err = h.Store.Issue(ctx, id); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	set, _, err := h.Site.Current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := issueFormFromRequest(r)
	f.Issue = existing
	if existing != nil {
		f.ID = existing.ID
		if !existing.Editable() {
			h.setFlashErr(r, "This issue has started going out (or was sent), so it can no longer change.")
			http.Redirect(w, r, site.PathFor(r, issueURL(existing.ID)), http.StatusSeeOther)
			return
		}
	}
	action := r.PostFormValue("action")
	switch action {
	case "save", "preview", "test", "queue", "unqueue", "schedule", "send":
	default:
		action = "save"
	}

	// A post's issue takes its words from the post: only testing and
	// sending (once the post is out) are offered.
	is := existing
	if f.FollowsPost() {
		if action != "test" && action != "preview" && action != "send" {
			h.setFlashErr(r, "This issue mails a post: edit the post to change its words; it goes out when the post is published.")
			http.Redirect(w, r, site.PathFor(r, issueURL(existing.ID)), http.StatusSeeOther)
			return
		}
	} else {
		fe := blog.FieldErrors{}
		in := newsletter.IssueInput{Subject: f.Subject, Preheader: f.Preheader, Body: f.Body}
		if err := h.Newsletter.CheckIssue(in); err != nil {
			verrs, ok := blog.AsValidation(err)
			if !ok {
				h.fail(w, r, err)
				return
			}
			for k, v := range verrs {
				fe.Add(k, v)
			}
		}
		if action == "schedule" {
			if at := scheduleTime(f.Date, f.Time, set.Loc, fe); !at.IsZero() && !at.After(h.now()) {
				fe.Add("scheduled_at", "Choose a time in the future, or send it now.")
			}
		}
		if len(fe) > 0 {
			h.showIssueForm(w, r, http.StatusUnprocessableEntity, f, fe)
			return
		}
		if is, err = h.Newsletter.SaveIssue(ctx, f.ID, in); err != nil {
			h.issueRefused(w, r, f, err)
			return
		}
		f.ID, f.Issue = is.ID, is
	}

	url := issueURL(is.ID)
	switch action {
	case "preview":
		http.Redirect(w, r, site.PathFor(r, url+"/preview"), http.StatusSeeOther)
		return
	case "send":
		http.Redirect(w, r, site.PathFor(r, url+"/send"), http.StatusSeeOther)
		return
	case "test":
		if err := h.Newsletter.SendTest(ctx, is.ID, u.ID, ""); err != nil {
			h.fail(w, r, err)
			return
		}
		h.setFlash(r, "Saved, and a test of this issue is on its way to "+u.Email+".")
	case "queue":
		if err := h.Newsletter.QueueIssue(ctx, is.ID); err != nil {
			h.issueRefused(w, r, f, err)
			return
		}
		h.setFlash(r, "Saved, and put at the end of the tip queue.")
		http.Redirect(w, r, site.PathFor(r, "/admin/newsletter/"), http.StatusSeeOther)
		return
	case "unqueue":
		if err := h.Newsletter.UnqueueIssue(ctx, is.ID); err != nil {
			h.issueRefused(w, r, f, err)
			return
		}
		h.setFlash(r, "Saved as a draft: it is no longer queued or scheduled.")
	case "schedule":
		fe := blog.FieldErrors{}
		at := scheduleTime(f.Date, f.Time, set.Loc, fe)
		if err := h.Newsletter.ScheduleIssue(ctx, is.ID, at); err != nil {
			h.issueRefused(w, r, f, err)
			return
		}
		h.setFlash(r, "Saved, and scheduled for "+at.In(set.Loc).Format("Monday 2 January 2006 at 15:04")+" ("+set.TimeZone+").")
	default:
		h.setFlash(r, "Issue saved.")
	}
	http.Redirect(w, r, site.PathFor(r, url), http.StatusSeeOther)
}

// issueRefused shows the editor again with what the newsletter refused,
// or fails.
func (h *Handler) issueRefused(w http.ResponseWriter, r *http.Request, f *issueForm, err error) {
	if verrs, ok := blog.AsValidation(err); ok {
		h.showIssueForm(w, r, http.StatusUnprocessableEntity, f, verrs)
		return
	}
	if msg, ok := issueProblem(err); ok {
		if errors.Is(err, blog.ErrConflict) && f.ID != 0 {
			h.setFlashErr(r, msg)
			http.Redirect(w, r, site.PathFor(r, issueURL(f.ID)), http.StatusSeeOther)
			return
		}
		h.showIssueForm(w, r, http.StatusConflict, f, blog.FieldErrors{"action": msg})
		return
	}
	h.fail(w, r, err)
}
