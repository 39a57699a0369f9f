package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// dashboardData is what the dashboard shows.
type dashboardData struct {
	Posts, Pages map[string]int // by status
	Media        int
	// PendingComments is how many comments the user may moderate wait.
	PendingComments int
	Users           int
	Drafts          []blog.Post
	Scheduled       []blog.Post
	// Weekly says when the next weekly tip goes and what it will be, and
	// what the last slot did (editors and the owner).
	Weekly *weeklyState
}

// dashboard shows counts and quick links.
func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	var author int64
	if !u.CanEditOthers() {
		author = u.ID
	}
	var d dashboardData
	var err error
	for _, c := range []struct {
		typ blog.PostType
		out *map[string]int
	}{{blog.TypePost, &d.Posts}, {blog.TypePage, &d.Pages}} {
		counts, err := h.Store.PostStatusCounts(ctx, c.typ, author)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		*c.out = map[string]int{}
		for st, n := range counts {
			(*c.out)[string(st)] = n
		}
	}
	pending, err := h.Store.ModerationStatusCounts(ctx, moderationScope(u))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.PendingComments = pending[blog.CommentPending]
	if d.Media, err = h.Store.CountMedia(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Users, err = h.Store.CountUsers(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Drafts, _, err = h.Store.ListPosts(ctx, blog.PostFilter{Type: "any", AuthorID: author,
		Statuses: []blog.Status{blog.StatusDraft}, Limit: 5}); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Scheduled, _, err = h.Store.ListPosts(ctx, blog.PostFilter{Type: "any", AuthorID: author,
		Statuses: []blog.Status{blog.StatusScheduled}, Limit: 5}); err != nil {
		h.fail(w, r, err)
		return
	}
	if u.CanEditOthers() && h.Newsletter != nil {
		if d.Weekly, err = h.weekly(ctx); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusOK, "dashboard", &view{Title: "Dashboard", Section: "dashboard", D: d})
}
