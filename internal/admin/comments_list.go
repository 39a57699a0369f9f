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
	// Source is a linkback's linking page, when it is a usable link.
	Source string
}

// CanReply reports whether the row offers "Reply": a pending or approved
// comment, not a linkback (the thread nests nothing under one).
func (r commentRow) CanReply() bool {
	return !r.Type.IsLinkback() && (r.Status == blog.CommentPending || r.Status == blog.CommentApproved)
}

// commentTypeChoice is one entry of the list's type filter.
type commentTypeChoice struct {
	Value, Label string
	Current      bool
}

// commentTypeFilters are the type filter's choices, as WordPress's "All
// comment types / Comments / Pings", with each kind of linkback too.
var commentTypeFilters = []struct {
	Value, Label string
	Types        []blog.CommentType
}{
	{"", "All comment types", nil},
	{"comment", "Comments", []blog.CommentType{blog.TypeComment}},
	{"pings", "Pings (all linkbacks)", []blog.CommentType{blog.TypePingback, blog.TypeTrackback, blog.TypeWebmention}},
	{"pingback", "Pingbacks", []blog.CommentType{blog.TypePingback}},
	{"trackback", "Trackbacks", []blog.CommentType{blog.TypeTrackback}},
	{"webmention", "Webmentions", []blog.CommentType{blog.TypeWebmention}},
}

// commentTypes returns the types the filter value v selects (none for all)
// and the value as understood ("" when unknown).
func commentTypes(v string) ([]blog.CommentType, string) {
	for _, f := range commentTypeFilters {
		if f.Value == v {
			return f.Types, v
		}
	}
	return nil, ""
}

// commentsListData is what the comment list shows.
type commentsListData struct {
	Tabs      []commentTab
	Status    string
	Type      string // the type filter's value: "" for every type
	Types     []commentTypeChoice
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
// by default, as WordPress's "All"), with counts, a filter by type
// (comments, or pings: pingbacks, trackbacks and webmentions), a search by
// text, name, email, URL or IP, and paging. Authors see the comments on
// their own posts only.
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
	types, typ := commentTypes(q.Get("comment_type"))
	d := commentsListData{Status: status, Type: typ, Search: search}
	for _, f := range commentTypeFilters {
		d.Types = append(d.Types, commentTypeChoice{Value: f.Value, Label: f.Label, Current: f.Value == typ})
	}
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
			URL: commentsListURL(t.Status, "", 0, typ), Current: t.Status == status})
	}

	page := pageNum(r)
	f := store.CommentFilter{PostAuthorID: scope, PostID: d.PostID, Search: search, Types: types,
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
	base := commentsListURL(status, search, d.PostID, typ)
	d.Total, d.Pager = total, newPager(page, total, commentsPerAdminPage, base)
	d.Back = base
	if page > 1 {
		d.Back = d.Pager.Base + "page=" + strconv.Itoa(page)
	}
	for _, c := range list {
		row := commentRow{Comment: c, Excerpt: commentExcerpt(c.Content), Actions: actionsFor(c.Status)}
		if c.Type.IsLinkback() {
			row.Source = sourceLink(firstNonEmpty(c.SourceURL, c.AuthorURL))
		}
		d.Rows = append(d.Rows, row)
	}
	h.render(w, r, http.StatusOK, "comments_list", &view{Title: "Comments", Section: "comments", D: d})
}

// commentsListURL is the comment list filtered by status, search, post
// and type.
func commentsListURL(status, search string, postID int64, typ string) string {
	v := url.Values{}
	if status != "" && status != "all" {
		v.Set("status", status)
	}
	if typ != "" {
		v.Set("comment_type", typ)
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
