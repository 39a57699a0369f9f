package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/quirehq/quire/internal/store"
)

// riverClient is what Queue uses of a River client, whatever its driver's
// transaction type.
type riverClient interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
	JobDelete(ctx context.Context, id int64) (*rivertype.JobRow, error)
}

// migrator is what Migrate uses of a River migrator.
type migrator interface {
	Migrate(ctx context.Context, direction rivermigrate.Direction, opts *rivermigrate.MigrateOpts) (*rivermigrate.MigrateResult, error)
}

// engine is River set up for one database engine: a client and a migrator
// built on the same driver, and a close function for what the driver owns.
type engine struct {
	newClient   func(cfg *river.Config) (riverClient, error)
	newMigrator func() (migrator, error)
	close       func() error
}

// openEngine chooses River's driver for the store's database engine. This
// is the only place that knows which engines exist.
//
// SQLite: River's SQLite driver wants a pool of its own with a single
// connection (River runs internal operations in parallel, and SQLite
// allows one writer), so this opens a second pool on the same file with
// the store's connection settings.
//
// PostgreSQL: River's pgx driver on a pgx pool of its own to the same
// database, which also gives River LISTEN/NOTIFY, so a job inserted on one
// instance is picked up at once by whichever instance works it.
func openEngine(ctx context.Context, st *store.Store) (*engine, error) {
	switch st.Engine() {
	case "sqlite":
		db, err := sql.Open("sqlite", store.SQLiteDSN(st.Path))
		if err != nil {
			return nil, fmt.Errorf("jobs: open %s: %w", st.Path, err)
		}
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxIdleTime(0)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("jobs: open %s: %w", st.Path, err)
		}
		d := riversqlite.New(db)
		return &engine{
			newClient:   func(cfg *river.Config) (riverClient, error) { return river.NewClient(d, cfg) },
			newMigrator: func() (migrator, error) { return rivermigrate.New(d, nil) },
			close:       db.Close,
		}, nil
	case "postgres":
		pool, err := pgxpool.New(ctx, st.PostgresDSN())
		if err != nil {
			// pgx's errors can quote the connection string; say only what failed.
			return nil, errors.New("jobs: open a PostgreSQL pool for the queue: the database URL was refused")
		}
		if err := pool.Ping(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("jobs: connect to PostgreSQL for the queue: %w", err)
		}
		d := riverpgxv5.New(pool)
		return &engine{
			newClient:   func(cfg *river.Config) (riverClient, error) { return river.NewClient(d, cfg) },
			newMigrator: func() (migrator, error) { return rivermigrate.New(d, nil) },
			close:       func() error { pool.Close(); return nil },
		}, nil
	}
	return nil, fmt.Errorf("jobs: no River driver for the %q engine", st.Engine())
}
