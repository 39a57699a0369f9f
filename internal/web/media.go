package web

import (
	"net/http"
	"strconv"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/media"
)

// immutable is the Cache-Control of responses whose URL changes when their
// bytes do.
const immutable = "public, max-age=31536000, immutable"

// mediaFile serves a stored image, GET /media/{id}/{name}?w=N: the
// smallest stored copy at least N pixels wide (the original without w).
// Images never change under their ID, so they are cached for a year.
func (h *Handler) mediaFile(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	width := 0
	if s := r.URL.Query().Get("w"); s != "" {
		if width, err = strconv.Atoi(s); err != nil || width < 0 || width > 100000 {
			h.fail(w, r, blog.ErrNotFound)
			return
		}
	}
	m, err := h.Store.Media(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if r.PathValue("name") != m.Filename {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	// The ETag names the copy that would be served, so it can be checked
	// before the bytes are read.
	chosen := m.Width
	if width > 0 {
		for _, cw := range m.Widths {
			if cw >= width {
				chosen = cw
				break
			}
		}
	}
	etag := `"m` + strconv.FormatInt(m.ID, 10) + "-" + strconv.Itoa(chosen) + `"`
	hd := w.Header()
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", immutable)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, etag) {
		notModified(w)
		return
	}
	f, err := h.Store.MediaFile(r.Context(), id, chosen)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd.Set("Content-Type", media.ContentType(f.Data))
	hd.Set("Content-Length", strconv.Itoa(len(f.Data)))
	hd.Set("Last-Modified", m.CreatedAt.UTC().Format(http.TimeFormat))
	_, _ = w.Write(f.Data)
}
