package admin

import (
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
)

// postsPerAdminPage is how many rows an admin list shows.
const postsPerAdminPage = 20

// statusTab is one tab above a list: a status with its count.
type statusTab struct {
	Label   string
	Status  blog.Status // "" for all
	Count   int
	URL     string
	Current bool
}

// postRow is a post in the list, with what the row may offer.
type postRow struct {
	blog.Post
	Editable bool
	ViewURL  string
}

// postsListData is what the list template shows.
type postsListData struct {
	Type   blog.PostType
	Noun   string
	Tabs   []statusTab
	Rows   []postRow
	Status blog.Status
	Total  int
	Pager  pager
}

// postsList lists posts or pages of one status (all but trash by default),
// with counts per status. Authors see only their own.
func (h *Handler) postsList(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	typ, noun := blog.TypePost, "Posts"
	if strings.HasPrefix(r.URL.Path, "/admin/pages/") {
		typ, noun = blog.TypePage, "Pages"
	}
	var author int64
	if !u.CanEditOthers() {
		author = u.ID
	}
	status := blog.Status(r.URL.Query().Get("status"))
	if status != "" && !blog.ValidStatus(status) {
		status = ""
	}
	counts, err := h.Store.PostStatusCounts(ctx, typ, author)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	all := 0
	for st, n := range counts {
		if st != blog.StatusTrash {
			all += n
		}
	}
	tabs := []statusTab{{Label: "All", Count: all, URL: listURL(typ, ""), Current: status == ""}}
	for _, st := range []blog.Status{blog.StatusPublished, blog.StatusDraft, blog.StatusScheduled, blog.StatusPrivate, blog.StatusTrash} {
		label := statusLabel(st)
		if st == blog.StatusDraft {
			label = "Drafts"
		}
		tabs = append(tabs, statusTab{Label: label, Status: st, Count: counts[st], URL: listURL(typ, st), Current: st == status})
	}
	page := pageNum(r)
	f := blog.PostFilter{Type: typ, AuthorID: author, Limit: postsPerAdminPage, Offset: (page - 1) * postsPerAdminPage}
	if status != "" {
		f.Statuses = []blog.Status{status}
	} else {
		f.IncludeAll = true
	}
	posts, total, err := h.Store.ListPosts(ctx, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	set, _, err := h.Site.Current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := postsListData{Type: typ, Noun: noun, Tabs: tabs, Status: status, Total: total,
		Pager: newPager(page, total, postsPerAdminPage, listURL(typ, status))}
	now := h.now()
	for i := range posts {
		p := &posts[i]
		row := postRow{Post: *p, Editable: canEdit(u, p)}
		if p.IsPublic(now) {
			if p.Type == blog.TypePage {
				// List reads do not load ancestors; the page's own path needs them.
				if full, err := h.Store.Post(ctx, p.ID); err == nil {
					row.ViewURL = set.PostPath(full)
				}
			} else {
				row.ViewURL = set.PostPath(p)
			}
		}
		d.Rows = append(d.Rows, row)
	}
	h.render(w, r, http.StatusOK, "posts_list", &view{Title: noun, Section: strings.ToLower(noun), D: d})
}
