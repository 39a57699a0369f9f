package wpimport

import (
	"context"
	"errors"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/wxr"
)

// MediaSource brings an attachment's file in: from a copy of
// wp-content/uploads, or fetched from the old site.
type MediaSource interface {
	// Open returns the file at the attachment's URL.
	Open(ctx context.Context, fileURL string) ([]byte, error)
}

func (im *importer) fetchMedia(ctx context.Context, a *attachment, it *wxr.Item) (*blog.Media, error) {
	return nil, errors.New("wpimport: media files are not imported yet")
}
