package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/quirehq/quire/internal/config"
	"github.com/quirehq/quire/internal/store"
)

func cmdBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const synopsis = "Usage: quire backup [flags] FILE\n\n" +
		"Writes a consistent copy of a SQLite site to FILE while it runs (images included: they\n" +
		"live in the database). Restore: stop Quire, copy FILE over DATA/quire.db, remove\n" +
		"DATA/quire.db-wal and DATA/quire.db-shm, start Quire. On PostgreSQL use pg_dump."
	flags := flag.NewFlagSet("backup", flag.ContinueOnError)
	var db dbFlags
	db.register(flags)
	force := flags.Bool("force", false, "replace FILE if it exists")
	if err := parseFlags(flags, args, getenv, stdout, synopsis); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return config.Usagef("say which file to write, for example: quire backup quire-backup.db")
	}
	file := flags.Arg(0)

	src := filepath.Join(db.data, "quire.db")
	if db.databaseURL != "" {
		if store.IsPostgresURL(db.databaseURL) {
			return config.Usagef("this site is on PostgreSQL; back it up with pg_dump: pg_dump -Fc DBNAME > FILE (see docs/deploy.md)")
		}
		if strings.Contains(db.databaseURL, "://") && !strings.HasPrefix(db.databaseURL, "sqlite://") {
			return config.Usagef("--database-url must start with postgres:// or name a SQLite file, got %s", store.RedactURL(db.databaseURL))
		}
		src = strings.TrimPrefix(db.databaseURL, "sqlite://")
	}
	// Check everything before writing anything.
	if fi, err := os.Stat(src); err != nil || !fi.Mode().IsRegular() {
		return config.Usagef("there is no Quire database at %s (use --data DIR or --database-url)", src)
	}
	if same, _ := sameFile(src, file); same {
		return config.Usagef("%s is the site's own database; choose another file", file)
	}
	dir := filepath.Dir(file)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return config.Usagef("the directory %s does not exist", dir)
	}
	if _, err := os.Lstat(file); err == nil && !*force {
		return config.Usagef("%s already exists; add --force to replace it", file)
	}

	st, err := store.Open(ctx, src)
	if err != nil {
		return err
	}
	defer st.Close()
	// Write next to FILE under a temporary name, then move it into place,
	// so FILE is never half written and an old backup stays whole until
	// the new one is complete.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(file)+".tmp-*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	tmp.Close()
	os.Remove(tmpName) // VACUUM INTO wants to create the file itself
	defer os.Remove(tmpName)
	if err := st.Backup(ctx, tmpName); err != nil {
		return err
	}
	// The copy holds password hashes and readers' addresses: readable by
	// its owner only.
	if err := os.Chmod(tmpName, 0o600); err != nil {
		return err
	}
	if *force {
		err = os.Rename(tmpName, file)
	} else {
		err = os.Link(tmpName, file) // fails if FILE appeared meanwhile
		if errors.Is(err, fs.ErrExist) {
			return config.Usagef("%s already exists; add --force to replace it", file)
		}
		if err != nil { // a file system without hard links
			if _, serr := os.Lstat(file); serr == nil {
				return config.Usagef("%s already exists; add --force to replace it", file)
			}
			err = os.Rename(tmpName, file)
		}
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return err
	}
	fi, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes)\n", src, file, fi.Size())
	return nil
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}

// syncDir flushes dir's entries (a file just moved in) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
