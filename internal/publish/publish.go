// Package publish reads Markdown files with YAML front matter, as Hugo and
// Jekyll write them, and creates or updates the posts they describe.
package publish

import (
	"context"
	"errors"
	"time"

	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Scheduler enqueues the durable job that publishes a scheduled post.
type Scheduler interface {
	SchedulePublish(ctx context.Context, postID int64, at time.Time) error
}

// Result says what publishing one file did.
type Result struct {
	Path   string
	Action string // "created", "updated" or "unchanged"
	URL    string
}

// Options configure a run.
type Options struct {
	Store    *store.Store
	Settings *site.Settings
	Jobs     Scheduler
	AuthorID int64 // the author of new posts
	Warn     func(msg string)
}

// Files publishes every file in paths (folders are read recursively), all
// or nothing: when any file is invalid nothing is written and the error
// names the file and line.
func Files(ctx context.Context, o Options, paths []string) ([]Result, error) {
	return nil, errors.New("publish: not written yet")
}
