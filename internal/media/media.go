// Package media checks uploaded images and makes their resized copies.
package media

import (
	"errors"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// MaxUploadBytes is the largest image accepted.
const MaxUploadBytes = 20 << 20

// Process decodes an uploaded image, refuses anything that is not a JPEG,
// PNG, GIF or WebP image (with a message a person understands), and returns
// its record and files: the original first, then copies resized to each of
// blog.MediaWidths narrower than it.
func Process(filename string, data []byte) (*blog.Media, []store.MediaFile, error) {
	return nil, nil, errors.New("media: not written yet")
}
