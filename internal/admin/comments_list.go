package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// commentsPerAdminPage is how many comments the moderation list shows.
const commentsPerAdminPage = 20

// commentTab is one tab above the comment list: a status with its count.
type commentTab struct {
	Label   string
	Status  string // "all" for pending and approved together
	Count   int
	URL     string
	Current bool
}

// commentRow is a comment in the list, with the actions its status offers.
type commentRow struct {
	blog.Comment
	Excerpt string
	Actions []commentAction
}

// commentsListData is what the comment list shows.
type commentsListData struct {
	Tabs      []commentTab
	Status    string
	Search    string
	PostID    int64
	PostTitle string
	Rows      []commentRow
	Total     int
	Pager     pager
	Back      string // this page, where forms come back to
	Bulk      []commentAction
}

// commentTabs are the list's tabs in order: the filter value and label.
var commentTabs = []struct{ Status, Label string }{
	{"all", "All"}, {"pending", "Pending"}, {"approved", "Approved"}, {"spam", "Spam"}, {"trash", "Trash"},
}

// commentsList shows the moderation list: one status (pending and approved
// by default, as WordPress's "All"), with counts, a search by text, name,
// email, URL or IP, and paging. Authors see the comments on their own
// posts only.
func (h *Handler) commentsList(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	q := r.URL.Query()
	status := q.Get("status")
	if status != "all" && !blog.ValidCommentStatus(blog.CommentStatus(status)) {
		status = "all"
	}
	search := strings.TrimSpace(q.Get("s"))
	if len(search) > 200 {
		search = strings.ToValidUTF8(search[:200], "")
	}
	d := commentsListData{Status: status, Search: search}
	scope := moderationScope(u)
	if id, err := strconv.ParseInt(q.Get("post"), 10, 64); err == nil && id > 0 {
		p, err := h.Store.Post(ctx, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if scope != 0 && !canEdit(u, p) {
			h.fail(w, r, errForbidden)
			return
		}
		d.PostID, d.PostTitle = p.ID, p.Title
	}

	counts, err := h.Store.ModerationStatusCounts(ctx, scope)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, t := range commentTabs {
		n := counts[blog.CommentStatus(t.Status)]
		if t.Status == "all" {
			n = counts[blog.CommentPending] + counts[blog.CommentApproved]
		}
		d.Tabs = append(d.Tabs, commentTab{Label: t.Label, Status: t.Status, Count: n,
			URL: commentsListURL(t.Status, "", 0), Current: t.Status == status})
	}

	page := pageNum(r)
	f := store.CommentFilter{PostAuthorID: scope, PostID: d.PostID, Search: search,
		Limit: commentsPerAdminPage, Offset: (page - 1) * commentsPerAdminPage}
	if status == "all" {
		f.Statuses = []blog.CommentStatus{blog.CommentPending, blog.CommentApproved}
		d.Bulk = actionsFor("")
	} else {
		f.Statuses = []blog.CommentStatus{blog.CommentStatus(status)}
		d.Bulk = actionsFor(blog.CommentStatus(status))
	}
	list, total, err := h.Store.ListComments(ctx, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := commentsListURL(status, search, d.PostID)
	d.Total, d.Pager = total, newPager(page, total, commentsPerAdminPage, base)
	d.Back = base
	if page > 1 {
		d.Back = d.Pager.Base + "page=" + strconv.Itoa(page)
	}
	for _, c := range list {
		d.Rows = append(d.Rows, commentRow{Comment: c, Excerpt: commentExcerpt(c.Content), Actions: actionsFor(c.Status)})
	}
	h.render(w, r, http.StatusOK, "comments_list", &view{Title: "Comments", Section: "comments", D: d})
}

// commentsListURL is the comment list filtered by status, search and post.
func commentsListURL(status, search string, postID int64) string {
	v := url.Values{}
	if status != "" && status != "all" {
		v.Set("status", status)
	}
	if search != "" {
		v.Set("s", search)
	}
	if postID != 0 {
		v.Set("post", strconv.FormatInt(postID, 10))
	}
	if len(v) == 0 {
		return "/admin/comments/"
	}
	return "/admin/comments/?" + v.Encode()
}
