package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/quirehq/quire/internal/config"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/store"
)

// dbFlags are the flags every subcommand uses to find the site.
type dbFlags struct {
	data string
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", "quire-data", "directory holding the SQLite database and site data")
}

// open opens the site's database, applying migrations when migrate is set,
// and otherwise refusing one that needs them.
func (d *dbFlags) open(ctx context.Context, migrate bool) (*store.Store, error) {
	if strings.TrimSpace(d.data) == "" {
		return nil, config.Usagef("--data must name a directory")
	}
	if err := os.MkdirAll(d.data, 0o750); err != nil {
		return nil, config.Usagef("the data directory %s cannot be created: %v", d.data, errors.Unwrap(err))
	}
	if f, err := os.CreateTemp(d.data, ".write-check-*"); err != nil {
		return nil, config.Usagef("the data directory %s is not writable", d.data)
	} else {
		f.Close()
		os.Remove(f.Name())
	}
	st, err := store.OpenSQLite(ctx, filepath.Join(d.data, "quire.db"))
	if err != nil {
		return nil, err
	}
	if migrate {
		if _, err := st.Migrate(ctx); err != nil {
			st.Close()
			return nil, schemaErr(err)
		}
		if err := jobs.Migrate(ctx, st); err != nil {
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
		return nil, config.Usagef("the database in %s needs migrating: run quire migrate (or quire serve, which migrates)", d.data)
	}
	return st, nil
}

func schemaErr(err error) error {
	if errors.Is(err, store.ErrSchemaTooNew) {
		return config.Usagef("%v", err)
	}
	return fmt.Errorf("migrate: %w", err)
}
