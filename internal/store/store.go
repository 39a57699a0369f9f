// Package store keeps Quire's data in SQLite (and, later, PostgreSQL) through
// database/sql. Every method takes a context first; multi-step writes run in
// one transaction; differences between engines live in dialect.go.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/quirehq/quire/internal/blog"
)

//go:embed migrations
var migrations embed.FS

// ErrSchemaTooNew means the database was migrated by a newer Quire.
var ErrSchemaTooNew = errors.New("store: the database was created by a newer version of Quire; upgrade Quire to use it")

// Store is Quire's database.
type Store struct {
	db   *sql.DB
	conn queryer // db, or the transaction of a Store made by InTx
	txn  *sql.Tx // set inside InTx
	d    dialect
	// Path is the SQLite file, for engines that have one.
	Path string
	// dsn is the PostgreSQL connection string (with its password: never log it).
	dsn string
	// watch keeps the content version (version.go); shared by InTx copies.
	watch *versionWatch
}

// PostgresDSN returns the connection string of a PostgreSQL store, for
// components that need their own pool (the job queue). It holds the
// password: never log it.
func (s *Store) PostgresDSN() string { return s.dsn }

// OpenSQLite opens (creating when missing) the SQLite database at path, with
// WAL, a busy timeout, foreign keys, and write transactions that take the
// lock when they begin.
func OpenSQLite(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create data directory: %w", err)
		}
	}
	db, err := sql.Open("sqlite", SQLiteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// Check the file is writable now, with one clear error, rather than on
	// the first post.
	if _, err := db.ExecContext(ctx, "PRAGMA user_version = 0"); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %s is not writable: %w", path, err)
	}
	return &Store{db: db, conn: db, d: sqliteDialect{}, Path: path, watch: &versionWatch{}}, nil
}

// SQLiteDSN is the connection string Quire uses for a SQLite file.
func SQLiteDSN(path string) string {
	return "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// DB returns the underlying pool, for the job queue and tests.
func (s *Store) DB() *sql.DB { return s.db }

// Engine names the database engine: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.d.name() }

// Close stops watching the content version and closes the pool.
func (s *Store) Close() error {
	s.watch.stopWatching()
	return s.db.Close()
}

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.conn.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

func (s *Store) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+s.d.name())
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	p, err := goose.NewProvider(s.d.gooseDialect(), s.db, sub)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// Migrate applies pending migrations and returns how many ran. It refuses a
// database whose schema is newer than this binary knows.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	p, err := s.provider()
	if err != nil {
		return 0, err
	}
	if err := s.checkVersion(ctx, p); err != nil {
		return 0, err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	return len(res), nil
}

// NeedsMigration reports whether migrations are pending.
func (s *Store) NeedsMigration(ctx context.Context) (bool, error) {
	p, err := s.provider()
	if err != nil {
		return false, err
	}
	if err := s.checkVersion(ctx, p); err != nil {
		return false, err
	}
	return p.HasPending(ctx)
}

func (s *Store) checkVersion(ctx context.Context, p *goose.Provider) error {
	srcs := p.ListSources()
	if len(srcs) == 0 {
		return nil
	}
	known := srcs[len(srcs)-1].Version
	var exists int
	_ = s.conn.QueryRowContext(ctx, s.d.tableExistsQuery(), "goose_db_version").Scan(&exists)
	if exists == 0 {
		return nil
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	if cur > known {
		return fmt.Errorf("%w (schema %d, this binary knows %d)", ErrSchemaTooNew, cur, known)
	}
	return nil
}

// tx runs fn in one transaction, committing when it returns nil.
// Inside InTx it joins the outer transaction.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	if s.txn != nil {
		return fn(s.txn)
	}
	t, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(t); err != nil {
		_ = t.Rollback()
		s.watch.rolledBack(t)
		return err
	}
	if err := t.Commit(); err != nil {
		s.watch.rolledBack(t)
		return fmt.Errorf("store: commit: %w", err)
	}
	s.watch.committed(t)
	return nil
}

// InTx runs fn with a Store whose every method works inside one
// transaction, committed when fn returns nil and rolled back otherwise: a
// multi-step change (a folder of posts, an import) happens whole or not at
// all.
func (s *Store) InTx(ctx context.Context, fn func(*Store) error) error {
	if s.txn != nil {
		return fn(s)
	}
	return s.tx(ctx, func(t *sql.Tx) error {
		c := *s
		c.conn, c.txn = t, t
		return fn(&c)
	})
}

// Tx returns the transaction of a Store made by InTx, and nil for any
// other: the job queue writes its rows in it, so a job and the rows it
// follows from are committed together or not at all.
func (s *Store) Tx() *sql.Tx { return s.txn }

// queryer is what reads need from *sql.DB and *sql.Tx alike.
type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
}

// q rewrites a query written with ? placeholders for the engine.
func (s *Store) q(query string) string { return s.d.rebind(query) }

// bump advances the content version inside a write transaction, so every
// instance and every command sees the change on its next request; this
// process knows the new version as soon as the transaction commits. It
// advances the posts version too (PostsVersion): bump is for any change,
// bumpComments for one that touches comments alone.
func (s *Store) bump(ctx context.Context, t queryer) error {
	return s.bumpVersion(ctx, t, "UPDATE site_state SET version = version + 1, posts_version = posts_version + 1 WHERE id = 1 RETURNING version")
}

// bumpComments is bump for a change to comments only (a new comment, a
// moderation): what is built from posts alone (the sidebar's archives and
// categories) stays valid.
func (s *Store) bumpComments(ctx context.Context, t queryer) error {
	return s.bumpVersion(ctx, t, "UPDATE site_state SET version = version + 1 WHERE id = 1 RETURNING version")
}

func (s *Store) bumpVersion(ctx context.Context, t queryer, q string) error {
	var v int64
	if err := t.QueryRowContext(ctx, q).Scan(&v); err != nil {
		return fmt.Errorf("store: bump content version: %w", err)
	}
	s.watch.bumped(t, v)
	return nil
}

// PostsVersion returns a number that changes whenever anything but comments
// changes (posts, pages, terms, media, users, settings): what is made from
// those alone may be kept across a comment's change of the content
// version. It is read once per content version (a change of the posts
// version moves the content version too); inside a transaction it is
// always read.
func (s *Store) PostsVersion(ctx context.Context) (int64, error) {
	return memoized(ctx, s, "posts_version", func() (int64, error) {
		var v int64
		if err := s.conn.QueryRowContext(ctx, "SELECT posts_version FROM site_state WHERE id = 1").Scan(&v); err != nil {
			return 0, fmt.Errorf("store: posts version: %w", err)
		}
		return v, nil
	})
}

// BumpContentVersion marks content as changed outside a store write (a theme
// reload, say).
func (s *Store) BumpContentVersion(ctx context.Context) error { return s.bump(ctx, s.db) }

func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %s: %w", what, blog.ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnix(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}
