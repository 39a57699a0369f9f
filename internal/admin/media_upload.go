package admin

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/media"
)

// maxUploadRequest bounds an upload request: the largest image plus room
// for the rest of the form.
const maxUploadRequest = media.MaxUploadBytes + 1<<20

// mediaUpload stores an uploaded image and its resized copies.
func (h *Handler) mediaUpload(w http.ResponseWriter, r *http.Request, u *blog.User) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadRequest)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.showMedia(w, r, u, http.StatusRequestEntityTooLarge,
				"That file is larger than 20 MB: make it smaller and upload it again.")
			return
		}
		h.showMedia(w, r, u, http.StatusBadRequest, "The upload did not arrive whole. Please try again.")
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, header, err := r.FormFile("file")
	if err != nil {
		h.showMedia(w, r, u, http.StatusUnprocessableEntity, "Choose an image to upload.")
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		h.showMedia(w, r, u, http.StatusBadRequest, "The upload did not arrive whole. Please try again.")
		return
	}
	m, files, err := media.Process(header.Filename, data)
	if fe, ok := blog.AsValidation(err); ok {
		msg := fe[media.Field]
		for _, v := range fe {
			if msg == "" {
				msg = v
			}
		}
		h.showMedia(w, r, u, http.StatusUnprocessableEntity, msg)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m.AuthorID = u.ID
	m.Alt = strings.TrimSpace(r.FormValue("alt"))
	if err := h.Store.CreateMedia(r.Context(), m, files); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "Uploaded "+m.Filename+".")
	http.Redirect(w, r, "/admin/media/", http.StatusSeeOther)
}
