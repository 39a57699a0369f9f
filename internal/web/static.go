package web

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/httpenc"
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
	h.serveStatic(w, r, f)
}

// serveStatic answers with the theme's static file f, revalidated by its
// hash, and cached for a year when asked for with that hash as ?v=. Each
// file is compressed once per process, at the best levels, the first
// time a client asks for each coding.
func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request, f *theme.StaticFile) {
	forever := r.URL.RawQuery != "" && r.URL.Query().Get("v") == f.Hash
	h.staticResponses(f)[boolIndex(forever)].Serve(w, r)
}

// staticResponses returns f's two responses, made on first use: to be
// revalidated, and immutable. They share one body.
func (h *Handler) staticResponses(f *theme.StaticFile) *[2]*httpenc.Response {
	if rs, ok := h.statics.Load(f); ok {
		return rs.(*[2]*httpenc.Response)
	}
	body := httpenc.NewBody(f.Data, f.ContentType, httpenc.Static, nil)
	rs := &[2]*httpenc.Response{}
	for i, cc := range []string{"public, max-age=0, must-revalidate", immutable} {
		rs[i] = httpenc.NewResponse(http.Header{"Etag": {`"` + f.Hash + `"`}, "Cache-Control": {cc},
			"Content-Type": {f.ContentType}}, body)
	}
	got, _ := h.statics.LoadOrStore(f, rs)
	return got.(*[2]*httpenc.Response)
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}
