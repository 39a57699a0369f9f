// Package jobs runs Quire's durable background work on River: publishing
// scheduled posts and sending mail. Jobs are rows in the database, survive
// restarts, retry with backoff, and each effect happens once.
package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/store"
)

// Config is what the queue needs.
type Config struct {
	Store  *store.Store
	Mail   mail.Sender // sends directly; the queue retries it
	Logger *slog.Logger
}

// Queue enqueues jobs and, once started, works them.
type Queue struct{}

// Migrate creates or updates River's own tables.
func Migrate(ctx context.Context, st *store.Store) error { return errors.New("jobs: not written yet") }

// New returns a queue that can enqueue jobs; Start makes it work them too.
func New(c Config) (*Queue, error) { return nil, errors.New("jobs: not written yet") }

// Start begins working jobs until Stop.
func (q *Queue) Start(ctx context.Context) error { return errors.New("jobs: not written yet") }

// Stop finishes running jobs and stops.
func (q *Queue) Stop(ctx context.Context) error { return nil }

// SchedulePublish enqueues the job that publishes postID at at.
func (q *Queue) SchedulePublish(ctx context.Context, postID int64, at time.Time) error {
	return errors.New("jobs: not written yet")
}

// Send enqueues m to be sent by the mail job (it implements mail.Sender).
func (q *Queue) Send(ctx context.Context, m mail.Message) error { return errors.New("jobs: not written yet") }
