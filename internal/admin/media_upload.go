package admin

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/media"
	"github.com/quirehq/quire/internal/site"
)

// maxUploadRequest bounds an upload request: the largest image plus room
// for the rest of the form.
const maxUploadRequest = media.MaxUploadBytes + 1<<20

// maxAltField bounds the upload form's alt text as it is read.
const maxAltField = 4 << 10

// mediaUpload stores an uploaded image and its resized copies. The form is
// read as it arrives, the image straight into memory (never to a temporary
// file), the request bounded to maxUploadRequest.
func (h *Handler) mediaUpload(w http.ResponseWriter, r *http.Request, u *blog.User) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadRequest)
	filename, data, alt, err := readUpload(r)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		h.showMedia(w, r, u, http.StatusRequestEntityTooLarge,
			"That file is larger than 20 MB: make it smaller and upload it again.")
		return
	case err != nil:
		h.showMedia(w, r, u, http.StatusBadRequest, "The upload did not arrive whole. Please try again.")
		return
	case data == nil:
		h.showMedia(w, r, u, http.StatusUnprocessableEntity, "Choose an image to upload.")
		return
	}
	m, files, err := h.Media.Process(r.Context(), filename, data)
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
	if errors.Is(err, media.ErrBusy) {
		w.Header().Set("Retry-After", "10")
		h.showMedia(w, r, u, http.StatusServiceUnavailable,
			"Quire is busy with other images just now: please upload this one again in a moment.")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m.AuthorID = u.ID
	m.Alt = strings.TrimSpace(alt)
	if err := h.Store.CreateMedia(r.Context(), m, files); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "Uploaded "+m.Filename+".")
	http.Redirect(w, r, site.PathFor(r, "/admin/media/"), http.StatusSeeOther)
}

// readUpload reads the upload form part by part: the "file" part's name
// and bytes (nil when there is none), and the "alt" text. Other parts are
// skipped. A file larger than media.MaxUploadBytes is read only that far
// and refused by media.Process.
func readUpload(r *http.Request) (filename string, data []byte, alt string, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, "", err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return filename, data, alt, nil
		}
		if err != nil {
			return "", nil, "", err
		}
		switch part.FormName() {
		case "file":
			if part.FileName() == "" && data == nil {
				break // no file chosen
			}
			filename = part.FileName()
			if data, err = io.ReadAll(io.LimitReader(part, media.MaxUploadBytes+1)); err != nil {
				return "", nil, "", err
			}
		case "alt":
			b, err := io.ReadAll(io.LimitReader(part, maxAltField))
			if err != nil {
				return "", nil, "", err
			}
			alt = string(b)
		}
		if _, err := io.Copy(io.Discard, part); err != nil {
			return "", nil, "", err
		}
	}
}
