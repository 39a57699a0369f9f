package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// mediaPerPage is how many images the library grid shows at once.
const mediaPerPage = 30

// mediaItem is an image in the library grid.
type mediaItem struct {
	blog.Media
	Thumb, URL string
	Editable   bool
}

// mediaListData is what the library shows.
type mediaListData struct {
	Items []mediaItem
	Total int
	Pager pager
	Error string // an upload problem
}

// mediaList shows the library grid with the upload form.
func (h *Handler) mediaList(w http.ResponseWriter, r *http.Request, u *blog.User) {
	h.showMedia(w, r, u, http.StatusOK, "")
}

// showMedia renders the library, with an upload problem when there is one.
func (h *Handler) showMedia(w http.ResponseWriter, r *http.Request, u *blog.User, status int, uploadErr string) {
	ctx := r.Context()
	page := pageNum(r)
	total, err := h.Store.CountMedia(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ms, err := h.Store.ListMedia(ctx, mediaPerPage, (page-1)*mediaPerPage)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	set, _, err := h.Site.Current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := mediaListData{Total: total, Pager: newPager(page, total, mediaPerPage, "/admin/media/"), Error: uploadErr}
	for i := range ms {
		m := &ms[i]
		d.Items = append(d.Items, mediaItem{Media: *m, Thumb: set.MediaPath(m, 480), URL: set.MediaPath(m, 0),
			Editable: u.CanEditOthers() || m.AuthorID == u.ID})
	}
	var fe blog.FieldErrors
	if uploadErr != "" {
		fe = blog.FieldErrors{"file": uploadErr}
	}
	h.render(w, r, status, "media_list", &view{Title: "Media", Section: "media", Errors: fe, D: d})
}
