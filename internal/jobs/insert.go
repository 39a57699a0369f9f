package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/quirehq/quire/internal/store"
)

// Inserter writes jobs in the store's own transactions, so a job and the
// rows it follows from (a comment and the mail about it, a scheduled post
// and its publishing job) are committed together or not at all: a crash
// between the two cannot keep one and lose the other.
//
// It is an insert-only River client on a database/sql driver over the
// store's own pool — River's SQLite driver on SQLite, its database/sql
// driver on PostgreSQL — whose transaction type is the *sql.Tx that
// store.InTx runs in. It never works jobs and opens no connection of its
// own: a Queue (in quire serve) works what it writes. On PostgreSQL the
// insert sends River's NOTIFY in the same transaction, delivered on commit,
// so a working queue on any instance starts the job at once; on SQLite the
// queue finds it on its next poll (Config.FetchPollInterval).
type Inserter struct {
	client *river.Client[*sql.Tx]
}

// NewInserter returns an inserter for st's database, whose River tables
// must exist (Migrate).
func NewInserter(st *store.Store) (*Inserter, error) {
	return newInserter(st, nil)
}

func newInserter(st *store.Store, log *slog.Logger) (*Inserter, error) {
	if st == nil {
		return nil, errors.New("jobs: no store")
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var d riverdriver.Driver[*sql.Tx]
	switch st.Engine() {
	case "sqlite":
		d = riversqlite.New(st.DB())
	case "postgres":
		d = riverdatabasesql.New(st.DB())
	default:
		return nil, fmt.Errorf("jobs: no River driver for the %q engine", st.Engine())
	}
	// No workers and no queues: River makes an insert-only client, which
	// starts nothing and checks no job kind against a worker list.
	c, err := river.NewClient(d, &river.Config{Logger: slog.New(minLevel{h: log.Handler(), min: slog.LevelWarn})})
	if err != nil {
		return nil, fmt.Errorf("jobs: river insert client: %w", err)
	}
	return &Inserter{client: c}, nil
}

// insert writes args in tx's transaction, or in a transaction of its own
// when tx was not made by store.InTx.
func (in *Inserter) insert(ctx context.Context, tx *store.Store, params ...river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	if t := tx.Tx(); t != nil {
		_, err := in.client.InsertManyTx(ctx, t, params)
		return err
	}
	return tx.InTx(ctx, func(tx *store.Store) error {
		_, err := in.client.InsertManyTx(ctx, tx.Tx(), params)
		return err
	})
}

// SchedulePublish writes, in tx's transaction, the job that publishes
// postID at at. Scheduling the same post for the same time again adds
// nothing while the first job waits.
func (in *Inserter) SchedulePublish(ctx context.Context, tx *store.Store, postID int64, at time.Time) error {
	// The store keeps times to the second; so does the job, so the same
	// schedule always makes the same args.
	at = at.UTC().Truncate(time.Second)
	if err := in.insert(ctx, tx, river.InsertManyParams{Args: publishArgs{PostID: postID, At: at}, InsertOpts: publishOpts(at)}); err != nil {
		return fmt.Errorf("jobs: schedule publishing post %d: %w", postID, err)
	}
	return nil
}

// Mail writes, in tx's transaction, a job for each message named: the
// queue builds each message when its job runs (Config.Composers), from
// what the database and the settings say then. A job whose Key waits to
// be sent already is not written twice.
func (in *Inserter) Mail(ctx context.Context, tx *store.Store, jobs ...MailJob) error {
	params := make([]river.InsertManyParams, 0, len(jobs))
	for _, j := range jobs {
		if j.Mail == "" {
			return errors.New("jobs: enqueue mail: the job does not say which mail it is")
		}
		params = append(params, river.InsertManyParams{Args: mailArgs{Job: j, Key: j.Key}, InsertOpts: mailOpts(j.Key)})
	}
	if err := in.insert(ctx, tx, params...); err != nil {
		return fmt.Errorf("jobs: enqueue mail: %w", err)
	}
	return nil
}
