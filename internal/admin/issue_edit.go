package admin

import (
	"context"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/newsletter/deliver"
	"github.com/quirehq/quire/internal/site"
)

// issueReport is what the page of an issue going out or sent shows.
type issueReport struct {
	issueRow
	Post       *blog.Post
	ArchiveURL string
	// Progress is how the engine says the sending stands (nil: no
	// engine): Summary in words ("Sending: 1,200 of 2,000 done…", the SMTP
	// server failing since when, the next try).
	Progress *deliver.Progress
	Summary  string
	// Tracking is what open and click tracking recorded (nil: tracking
	// is off and recorded nothing for this issue).
	Tracking *issueTracking
}

// issueTracking is an issue's unique opens and clicks, and each tracked
// link with how many subscribers followed it.
type issueTracking struct {
	On              bool // tracking is on now
	Opens, Clickers int
	Links           []trackedLink
}

// trackedLink is one of an issue's links and its unique clicks.
type trackedLink struct {
	URL    string
	Clicks int
}

// issueTracking reads what tracking recorded of is.
func (h *Handler) issueTracking(ctx context.Context, is *blog.Issue, set *site.Settings) (*issueTracking, error) {
	tr, err := h.Store.IssueTracking(ctx, is.ID)
	if err != nil {
		return nil, err
	}
	if !set.Newsletter.Tracking && tr.Opens == 0 && tr.Clickers == 0 {
		return nil, nil
	}
	links, err := newsletter.IssueLinks(is.BodyHTML, set.BaseURL)
	if err != nil {
		return nil, err
	}
	v := &issueTracking{On: set.Newsletter.Tracking, Opens: tr.Opens, Clickers: tr.Clickers}
	for i, l := range links {
		v.Links = append(v.Links, trackedLink{URL: l, Clicks: tr.LinkClicks[i]})
	}
	return v, nil
}

// issueEdit shows an issue: the editor while it can change, else what
// became of it (its deliveries counted) with its preview.
func (h *Handler) issueEdit(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	is, err := h.Store.Issue(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	set, _, err := h.Site.Current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if is.Editable() {
		h.showIssueForm(w, r, http.StatusOK, issueFormFrom(is, set.Loc), nil)
		return
	}
	row, err := h.issueRow(ctx, *is)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rep := issueReport{issueRow: row}
	if is.PostID != 0 {
		if p, err := h.Store.Post(ctx, is.PostID); err == nil {
			rep.Post = p
		}
	}
	if h.Delivery != nil && (is.Status == blog.IssueSending || is.Status == blog.IssueSent) {
		if rep.Progress, err = h.Delivery.Status(ctx, is.ID); err != nil {
			h.fail(w, r, err)
			return
		}
		rep.Summary = rep.Progress.Summary(set.Loc)
	}
	if rep.Tracking, err = h.issueTracking(ctx, is, set); err != nil {
		h.fail(w, r, err)
		return
	}
	if set.Newsletter.Archive && is.Status == blog.IssueSent {
		rep.ArchiveURL = issueArchivePath(is.ID)
	}
	h.render(w, r, http.StatusOK, "newsletter_issue", &view{Title: is.Subject, Section: "newsletter", D: rep})
}
