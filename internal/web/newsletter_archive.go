package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// issuesPerPage is how many past issues a page of the archive lists.
const issuesPerPage = 20

// issuePath is the archive page of a sent issue.
func issuePath(is *blog.Issue) string {
	return newsletter.ArchivePath + strconv.FormatInt(is.ID, 10) + "/"
}

// archiveOn reports whether the archive of sent issues is shown.
func (h *Handler) archiveOn(st *site.Settings) bool {
	return h.Newsletter != nil && st.Newsletter.Archive
}

// newsletterArchive lists the sent issues, newest first (/newsletter/,
// /newsletter/page/N/), with an RSS feed; 404 when the author turned the
// archive off.
func (h *Handler) newsletterArchive(w http.ResponseWriter, r *http.Request) {
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.archiveOn(st) {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	n := 1
	if s := r.PathValue("n"); s != "" {
		if n, err = strconv.Atoi(s); err != nil || n < 2 || n > 100000 {
			h.fail(w, r, blog.ErrNotFound)
			return
		}
	}
	if h.publicCache(w, r, ver, c.lastMod) {
		return
	}
	issues, total, err := h.Store.Issues(r.Context(), store.IssueFilter{Statuses: []blog.IssueStatus{blog.IssueSent},
		Limit: issuesPerPage, Offset: (n - 1) * issuesPerPage})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if n > 1 && len(issues) == 0 {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	pages := max((total+issuesPerPage-1)/issuesPerPage, 1)
	lv := &listView{Page: n, Pages: pages, Empty: "No issues have been sent yet. Sign up to get the first one.",
		Items: make([]itemView, len(issues))}
	for i := range issues {
		lv.Items[i] = issueItem(st, &issues[i])
	}
	if n > 1 {
		lv.Prev = st.Path(site.Paged(newsletter.ArchivePath, n-1))
	}
	if n < pages {
		lv.Next = st.Path(site.Paged(newsletter.ArchivePath, n+1))
	}
	title := "The weekly tip: past issues"
	pv := h.newPage(r, st, c, title)
	pv.Heading, pv.List = title, lv
	pv.Intro = "Every issue of the weekly tip from " + st.Title + ", newest first."
	pv.Description = pv.Intro
	pv.Canonical = st.Abs(site.Paged(newsletter.ArchivePath, n))
	pv.Feeds = append(pv.Feeds, feedLink{Type: "application/rss+xml", Title: st.Title + " » Weekly tip (RSS)",
		URL: st.Abs(newsletter.ArchivePath + "feed/")})
	if err := h.render(w, http.StatusOK, "home", pv); err != nil {
		h.fail(w, r, err)
	}
}

// issueItem is a sent issue as the archive lists it.
func issueItem(st *site.Settings, is *blog.Issue) itemView {
	t := is.SentAt.In(st.Loc)
	teaser := is.Preheader
	if teaser == "" {
		teaser = markup.Summary(is.BodyHTML, 40)
	}
	return itemView{Title: is.Subject, URL: st.Path(issuePath(is)), Date: t.Format("January 2, 2006"), DateISO: t.Format(time.RFC3339),
		Teaser: template.HTML("<p>" + template.HTMLEscapeString(teaser) + "</p>"), ContinueURL: st.Path(issuePath(is))}
}

// newsletterIssue shows one sent issue (/newsletter/ID/).
func (h *Handler) newsletterIssue(w http.ResponseWriter, r *http.Request) {
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if !h.archiveOn(st) || err != nil || id <= 0 {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	if h.publicCache(w, r, ver, c.lastMod) {
		return
	}
	is, err := h.Store.Issue(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if is.Status != blog.IssueSent {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	if r.URL.Path != issuePath(is) {
		redirect(w, r, issuePath(is))
		return
	}
	pv := h.newPage(r, st, c, is.Subject)
	item := issueItem(st, is)
	item.Teaser, item.ContinueURL = "", ""
	pv.Post = &postView{itemView: item,
		Body: template.HTML(strings.ReplaceAll(is.BodyHTML, blog.MoreTag, "")), //nolint:gosec // sanitised by markup when stored
		Prev: &link{Title: "All past issues", URL: st.Path(newsletter.ArchivePath)}}
	pv.Canonical = st.Abs(issuePath(is))
	pv.Description = is.Preheader
	if pv.Description == "" {
		pv.Description = markup.Summary(is.BodyHTML, 30)
	}
	pv.setOpenGraph(st, "article", is.Subject, pv.Description, pv.Canonical, "")
	pv.Feeds = append(pv.Feeds, feedLink{Type: "application/rss+xml", Title: st.Title + " » Weekly tip (RSS)",
		URL: st.Abs(newsletter.ArchivePath + "feed/")})
	if err := h.render(w, http.StatusOK, "post", pv); err != nil {
		h.fail(w, r, err)
	}
}

// newsletterFeed is the RSS feed of sent issues (/newsletter/feed/).
func (h *Handler) newsletterFeed(w http.ResponseWriter, r *http.Request) {
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !h.archiveOn(st) {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	if h.publicCache(w, r, ver, c.lastMod) {
		return
	}
	issues, _, err := h.Store.Issues(r.Context(), store.IssueFilter{Statuses: []blog.IssueStatus{blog.IssueSent}, Limit: st.FeedItems})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	updated := time.Unix(0, 0)
	entries := make([]feedEntry, len(issues))
	for i := range issues {
		is := &issues[i]
		if is.SentAt.After(updated) {
			updated = is.SentAt
		}
		body := absoluteURLs(strings.ReplaceAll(is.BodyHTML, blog.MoreTag, ""), st.BaseURL)
		summary := is.Preheader
		if summary == "" {
			summary = markup.Summary(is.BodyHTML, 40)
		}
		entries[i] = feedEntry{post: &blog.Post{Title: is.Subject, PublishedAt: is.SentAt, UpdatedAt: is.UpdatedAt,
			GUID: st.Abs(issuePath(is))}, url: st.Abs(issuePath(is)), author: st.Title,
			summary: template.HTMLEscapeString(summary), content: body}
	}
	out, err := rssFeedXML(st, feedSpec{kind: feedRSS, title: st.Title + " » Weekly tip",
		description: "Every issue of the weekly tip from " + st.Title + ".", home: newsletter.ArchivePath,
		self: newsletter.ArchivePath + "feed/"}, entries, updated)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write(out)
}
