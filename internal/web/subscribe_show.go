package web

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// subscribeShow is the signup page, /subscribe/: the same form as the box,
// on a page of its own. It is the same for every reader (cached).
func (h *Handler) subscribeShow(w http.ResponseWriter, r *http.Request) {
	if h.Newsletter == nil {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if h.publicCache(w, r, ver, c.lastMod) {
		return
	}
	f := h.signupForm(r.Context(), st, blog.SourcePage)
	if f == nil {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	h.showSubscribe(w, r, http.StatusOK, f)
}

// showSubscribe renders /subscribe/ with form f.
func (h *Handler) showSubscribe(w http.ResponseWriter, r *http.Request, status int, f *signupView) {
	st, _, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pv := h.newPage(r, st, c, f.Heading)
	pv.Subscribe = f
	pv.Canonical = st.Abs(subscribePath)
	pv.Description = f.Text
	if status != http.StatusOK || f.Done {
		pv.Robots = "noindex"
	}
	if err := h.render(w, status, "subscribe", pv); err != nil {
		h.fail(w, r, err)
	}
}
