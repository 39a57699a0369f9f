package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/config"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/store"
)

// dbFlags are the flags every subcommand uses to find the site.
type dbFlags struct {
	data        string
	databaseURL string
	// retryFor is how long to keep trying an unreachable database.
	retryFor time.Duration
	log      io.Writer
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", "quire-data", "`directory` holding the site's data (the SQLite database by default)")
	fs.StringVar(&d.databaseURL, "database-url", "", "`database`: postgres://user:pass@host/db for PostgreSQL, or a SQLite file path (default DATA/quire.db)")
	fs.DurationVar(&d.retryFor, "database-wait", 30*time.Second, "how long to keep retrying an unreachable PostgreSQL server at start")
}

// target returns what store.Open should open.
func (d *dbFlags) target() (string, error) {
	if d.databaseURL != "" {
		if strings.Contains(d.databaseURL, "://") && !store.IsPostgresURL(d.databaseURL) && !strings.HasPrefix(d.databaseURL, "sqlite://") {
			return "", config.Usagef("--database-url must start with postgres:// or name a SQLite file, got %s", store.RedactURL(d.databaseURL))
		}
		if !store.IsPostgresURL(d.databaseURL) {
			return d.databaseURL, checkDir(filepath.Dir(strings.TrimPrefix(d.databaseURL, "sqlite://")))
		}
		return d.databaseURL, nil
	}
	if strings.TrimSpace(d.data) == "" {
		return "", config.Usagef("--data must name a directory")
	}
	return filepath.Join(d.data, "quire.db"), checkDir(d.data)
}

// checkDir creates dir when missing and checks it is writable.
func checkDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return config.Usagef("the data directory %s cannot be created: %v", dir, errors.Unwrap(err))
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return config.Usagef("the data directory %s is not writable", dir)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// open opens the site's database, applying migrations when migrate is set,
// and otherwise refusing one that needs them. An unreachable PostgreSQL
// server is retried with backoff for retryFor.
func (d *dbFlags) open(ctx context.Context, migrate bool) (*store.Store, error) {
	target, err := d.target()
	if err != nil {
		return nil, err
	}
	st, err := d.connect(ctx, target)
	if err != nil {
		return nil, err
	}
	if migrate {
		err := st.WithMigrationLock(ctx, func() error {
			if _, err := st.Migrate(ctx); err != nil {
				return schemaErr(err)
			}
			return jobs.Migrate(ctx, st)
		})
		if err != nil {
			st.Close()
			return nil, err
		}
		return st, nil
	}
	pending, err := st.NeedsMigration(ctx)
	if err != nil {
		st.Close()
		return nil, schemaErr(err)
	}
	if pending {
		st.Close()
		return nil, config.Usagef("the database needs migrating: run quire migrate (or quire serve, which migrates)")
	}
	return st, nil
}

func (d *dbFlags) connect(ctx context.Context, target string) (*store.Store, error) {
	if !store.IsPostgresURL(target) {
		return store.Open(ctx, target)
	}
	retryFor := d.retryFor
	if retryFor == 0 {
		retryFor = 30 * time.Second
	}
	deadline := time.Now().Add(retryFor)
	wait := 250 * time.Millisecond
	for {
		st, err := store.Open(ctx, target)
		if err == nil {
			return st, nil
		}
		if strings.Contains(err.Error(), "is not valid") {
			return nil, config.Usagef("%v", err)
		}
		if strings.Contains(err.Error(), "password authentication failed") {
			return nil, config.Usagef("the database refused the user name or password in --database-url (%s)", store.RedactURL(target))
		}
		if time.Now().Add(wait).After(deadline) || ctx.Err() != nil {
			return nil, fmt.Errorf("the database is unreachable (gave up after %s): %w", retryFor, err)
		}
		if d.log != nil {
			fmt.Fprintf(d.log, "quire: database unreachable, retrying in %s: %v\n", wait, err)
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if wait *= 2; wait > 5*time.Second {
			wait = 5 * time.Second
		}
	}
}

func schemaErr(err error) error {
	if errors.Is(err, store.ErrSchemaTooNew) {
		return config.Usagef("%v", err)
	}
	return fmt.Errorf("migrate: %w", err)
}
