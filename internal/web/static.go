package web

import (
	"net/http"
	"strconv"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/theme"
)

// staticFile serves the theme's static files at /static/NAME. With the
// current content hash as ?v= (as theme.Asset writes links) the file is
// cached for a year; otherwise it must be revalidated.
func (h *Handler) staticFile(w http.ResponseWriter, r *http.Request) {
	f, ok := h.Theme.Static(r.PathValue("name"))
	if !ok {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	serveStatic(w, r, f)
}

// serveStatic answers with the theme's static file f, revalidated by its
// hash, and cached for a year when asked for with that hash as ?v=.
func serveStatic(w http.ResponseWriter, r *http.Request, f *theme.StaticFile) {
	etag := `"` + f.Hash + `"`
	hd := w.Header()
	hd.Set("ETag", etag)
	if r.URL.Query().Get("v") == f.Hash {
		hd.Set("Cache-Control", immutable)
	} else {
		hd.Set("Cache-Control", "public, max-age=0, must-revalidate")
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, etag) {
		notModified(w)
		return
	}
	hd.Set("Content-Type", f.ContentType)
	hd.Set("Content-Length", strconv.Itoa(len(f.Data)))
	_, _ = w.Write(f.Data)
}
