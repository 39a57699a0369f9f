package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
)

// ErrBackupEngine is returned by Backup on an engine whose own tools make
// backups (PostgreSQL: pg_dump).
var ErrBackupEngine = errors.New("store: backup copies SQLite databases only")

// Backup writes a consistent copy of a SQLite database to path, which must
// not exist, while the site keeps running: VACUUM INTO reads one snapshot
// (writers go on in the WAL meanwhile) and writes a compact database file,
// which is then synced to disk (SQLite does not sync what VACUUM INTO
// writes) and checked with PRAGMA quick_check. The copy is a plain
// rollback-journal database: one self-contained file.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.d.name() != "sqlite" {
		return ErrBackupEngine
	}
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := syncFile(path); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	cp, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: abs, RawQuery: "mode=ro"}).String())
	if err != nil {
		return fmt.Errorf("store: backup: open the copy: %w", err)
	}
	defer cp.Close()
	var verdict string
	if err := cp.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&verdict); err != nil {
		return fmt.Errorf("store: backup: check the copy: %w", err)
	}
	if verdict != "ok" {
		return fmt.Errorf("store: backup: the copy fails its check: %s", verdict)
	}
	return nil
}

// syncFile flushes path and its directory entry to disk.
func syncFile(path string) error {
	for _, p := range []string{path, filepath.Dir(path)} {
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
