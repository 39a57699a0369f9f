package web

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// authorArchive serves /author/NAME/ and its older pages.
func (h *Handler) authorArchive(w http.ResponseWriter, r *http.Request) {
	tail, ok := parseArchivePath(r.PathValue("rest"))
	if !ok || len(tail.segs) != 1 || tail.feed != "" {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := h.Store.UserByLogin(r.Context(), tail.segs[0])
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base := st.AuthorPath(u)
	if canon := tail.canonical(base); !samePath(r, canon) {
		redirect(w, r, canon)
		return
	}
	h.showList(w, r, st, ver, c, listSpec{
		base:    base,
		filter:  blog.PostFilter{AuthorID: u.ID},
		title:   "Posts by " + u.Name,
		heading: "Posts by " + u.Name,
		empty:   u.Name + " has not published anything yet.",
		// Accounts that never published are not listed, so logins stay private.
		emptyIs404: true,
	}, tail.page)
}
