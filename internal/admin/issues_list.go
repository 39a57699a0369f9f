package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// issueTab is one tab above the issues: a status with its count.
type issueTab struct {
	Label   string
	Count   int
	URL     string
	Current bool
}

// issuesData is what the newsletter's page shows.
type issuesData struct {
	Weekly      *weeklyState // when the next weekly tip goes, what, and what went last
	Queue       []blog.Issue
	Tabs        []issueTab
	Rows        []issueRow
	Pager       pager
	Subscribers map[string]int // by status
}

// issuesList is the newsletter's page: the next weekly send, the tip queue
// (reordered with buttons that need no script) and every issue of a
// status, with its deliveries counted.
func (h *Handler) issuesList(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	var d issuesData
	var err error
	if d.Weekly, err = h.weekly(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Queue, err = h.Store.TipQueue(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	counts, err := h.Store.SubscriberCounts(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Subscribers = map[string]int{}
	for st, n := range counts {
		d.Subscribers[string(st)] = n
	}
	status := blog.IssueStatus(r.URL.Query().Get("status"))
	if !blog.ValidIssueStatus(status) {
		status = ""
	}
	tabs := []struct {
		label  string
		status blog.IssueStatus
	}{{"All", ""}, {"Drafts", blog.IssueDraft}, {"Queued", blog.IssueQueued}, {"Scheduled", blog.IssueScheduled},
		{"Sending", blog.IssueSending}, {"Sent", blog.IssueSent}}
	for _, t := range tabs {
		f := store.IssueFilter{Limit: 1}
		url := "/admin/newsletter/"
		if t.status != "" {
			f.Statuses = []blog.IssueStatus{t.status}
			url += "?status=" + string(t.status)
		}
		_, n, err := h.Store.Issues(ctx, f)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Tabs = append(d.Tabs, issueTab{Label: t.label, Count: n, URL: url, Current: t.status == status})
	}
	page := pageNum(r)
	f := store.IssueFilter{Limit: issuesPerPage, Offset: (page - 1) * issuesPerPage}
	base := "/admin/newsletter/"
	if status != "" {
		f.Statuses = []blog.IssueStatus{status}
		base += "?status=" + string(status)
	}
	list, total, err := h.Store.Issues(ctx, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, is := range list {
		row, err := h.issueRow(ctx, is)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.Rows = append(d.Rows, row)
	}
	d.Pager = newPager(page, total, issuesPerPage, base)
	h.render(w, r, http.StatusOK, "newsletter_issues", &view{Title: "Newsletter", Section: "newsletter", D: d})
}
