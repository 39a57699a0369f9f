package admin

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/newsletter/deliver"
)

// issuesPerPage is how many issues the newsletter's list shows.
const issuesPerPage = 20

// issueURL is the admin page of issue id.
func issueURL(id int64) string { return "/admin/newsletter/" + strconv.FormatInt(id, 10) }

// issueStatusLabel names an issue's status as the admin shows it; a post's
// issue still waiting says so.
func issueStatusLabel(is *blog.Issue) string {
	switch is.Status {
	case blog.IssueDraft:
		if is.Kind == blog.IssuePost && is.PostID != 0 {
			return "Waits for its post"
		}
		return "Draft"
	case blog.IssueQueued:
		return "In the tip queue"
	case blog.IssueScheduled:
		return "Scheduled"
	case blog.IssueSending:
		return "Sending"
	case blog.IssueSent:
		return "Sent"
	}
	return string(is.Status)
}

// issueRow is an issue with its deliveries counted.
type issueRow struct {
	blog.Issue
	Label  string
	Counts blog.DeliveryCounts
}

// issueRow loads the counts of is.
func (h *Handler) issueRow(ctx context.Context, is blog.Issue) (issueRow, error) {
	row := issueRow{Issue: is, Label: issueStatusLabel(&is)}
	if is.Status == blog.IssueSending || is.Status == blog.IssueSent {
		c, err := h.Store.DeliveryCounts(ctx, is.ID)
		if err != nil {
			return row, err
		}
		row.Counts = c
	}
	return row, nil
}

// issueForm is the issue editor: the text as typed, so a form with errors
// comes back with nothing lost, and the schedule's date and time.
type issueForm struct {
	ID                       int64
	Subject, Preheader, Body string
	Date, Time               string // the schedule, in the site's time zone
	Issue                    *blog.Issue
	Post                     *blog.Post // the post a post's issue mails
	TimeZone                 string
	Active                   int // active subscribers, who would receive it now
	Sendable                 bool
}

// Editable reports whether the issue's text may change (always for a new
// one).
func (f *issueForm) Editable() bool { return f.Issue == nil || f.Issue.Editable() }

// FollowsPost reports whether the issue goes out with its post, not on
// its own.
func (f *issueForm) FollowsPost() bool {
	return f.Issue != nil && f.Issue.Kind == blog.IssuePost && f.Issue.PostID != 0
}

// Label is the issue's status in words.
func (f *issueForm) Label() string {
	if f.Issue == nil {
		return "New"
	}
	return issueStatusLabel(f.Issue)
}

// issueFormFrom fills the form from a stored issue.
func issueFormFrom(is *blog.Issue, loc *time.Location) *issueForm {
	f := &issueForm{ID: is.ID, Subject: is.Subject, Preheader: is.Preheader, Body: is.Body, Issue: is}
	if is.Status == blog.IssueScheduled && !is.ScheduledAt.IsZero() {
		t := is.ScheduledAt.In(loc)
		f.Date, f.Time = t.Format("2006-01-02"), t.Format("15:04")
	}
	return f
}

// issueFormFromRequest reads the typed form.
func issueFormFromRequest(r *http.Request) *issueForm {
	return &issueForm{
		Subject:   r.PostFormValue("subject"),
		Preheader: r.PostFormValue("preheader"),
		Body:      strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"),
		Date:      strings.TrimSpace(r.PostFormValue("date")),
		Time:      strings.TrimSpace(r.PostFormValue("time")),
	}
}

// showIssueForm renders the issue editor with status.
func (h *Handler) showIssueForm(w http.ResponseWriter, r *http.Request, status int, f *issueForm, fe blog.FieldErrors) {
	ctx := r.Context()
	set, _, err := h.Site.Current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.TimeZone = set.TimeZone
	counts, err := h.Store.SubscriberCounts(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.Active = counts[blog.SubscriberActive]
	f.Sendable = h.Newsletter.Sender != nil
	if f.FollowsPost() {
		if p, err := h.Store.Post(ctx, f.Issue.PostID); err == nil {
			f.Post = p
		}
	}
	title := "New issue"
	if f.ID != 0 {
		title = "Edit issue"
	}
	h.render(w, r, status, "newsletter_issue_form", &view{Title: title, Section: "newsletter", Errors: fe, D: f})
}

// issueProblem turns what a newsletter action refused into words for the
// author, or reports that err is not such a refusal.
func issueProblem(err error) (string, bool) {
	switch {
	case errors.Is(err, newsletter.ErrFollowsPost):
		return "This issue mails a post: it goes out when its post is published, not on its own.", true
	case errors.Is(err, newsletter.ErrNoSender):
		return "Sending issues is not available on this site yet: the issue is saved, and can be tested, queued or scheduled.", true
	case errors.Is(err, blog.ErrConflict):
		return "The issue has started going out (or was sent) in the meantime, so it can no longer change.", true
	}
	return "", false
}

// scheduleTime reads the schedule's date and time typed in loc, adding a
// problem to fe under "scheduled_at".
func scheduleTime(date, clock string, loc *time.Location, fe blog.FieldErrors) time.Time {
	if date == "" && clock == "" {
		fe.Add("scheduled_at", "Choose the date and time to send it at.")
		return time.Time{}
	}
	own := blog.FieldErrors{}
	t := parseWhen(date, clock, loc, own)
	if msg, bad := own["published_at"]; bad {
		fe.Add("scheduled_at", msg)
	}
	return t
}

// weeklyState is what the admin says of the weekly send, from the
// engine's plan (deliver.Engine.NextSend): when the next slot is and what
// goes then, and what the last slot did (with why, when nothing went).
type weeklyState struct {
	Next string
	// Last, with the issue it sent (0: none); empty before any slot.
	Last        string
	LastIssueID int64
	// Scheduled are the issues that go at their own time.
	Scheduled []blog.Issue
}

// weekly reads the engine's plan as of now; nil when there is no engine.
func (h *Handler) weekly(ctx context.Context) (*weeklyState, error) {
	if h.Delivery == nil {
		return nil, nil
	}
	p, err := h.Delivery.NextSend(ctx, h.now())
	if err != nil {
		return nil, err
	}
	return weeklyFromPlan(p), nil
}

// weeklyFromPlan says the engine's plan p in words.
func weeklyFromPlan(p *deliver.Plan) *weeklyState {
	w := &weeklyState{Scheduled: p.Scheduled}
	loc := p.At.Location()
	day := func(t time.Time) string { return t.In(loc).Format("Monday 2 January 2006 at 15:04") }
	if !p.Weekly {
		w.Next = "The weekly send is off (Newsletter settings)."
	} else {
		when := "Next weekly send: " + day(p.At) + " (" + loc.String() + "): "
		switch p.What {
		case deliver.SlotIssue:
			w.Next = when + "the next tip in the queue, “" + p.Issue.Subject + "”."
		case deliver.SlotDigest:
			w.Next = when + "a digest of " + counted(len(p.Posts), "post") + " published since " +
				p.Since.In(loc).Format("Monday 2 January") + ", the queue being empty."
		case deliver.SlotNoSubscribers:
			w.Next = when + "nothing, as things stand: no one has confirmed a subscription yet."
		default:
			w.Next = when + "nothing, as things stand: the queue is empty and no post was published since " +
				p.Since.In(loc).Format("Monday 2 January") + "."
		}
	}
	if l := p.Last; l != nil {
		w.Last = "Last weekly send, " + day(l.Slot) + ": "
		switch l.Outcome {
		case deliver.SlotIssue:
			w.Last += "the tip “" + l.Detail + "” went out."
			w.LastIssueID = l.IssueID
		case deliver.SlotDigest:
			w.Last += "a digest, “" + l.Detail + "”, went out."
			w.LastIssueID = l.IssueID
		default:
			w.Last += "nothing was sent. " + l.Detail
		}
	}
	return w
}

// issueArchivePath is the reader page of sent issue id.
func issueArchivePath(id int64) string {
	return newsletter.ArchivePath + strconv.FormatInt(id, 10) + "/"
}
