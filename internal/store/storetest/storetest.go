// Package storetest opens real, migrated databases for tests: SQLite by
// default, PostgreSQL when QUIRE_TEST_DATABASE_URL names a server (make test
// starts one and runs the tests a second time on it).
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/quirehq/quire/internal/store"
)

// EnvURL names the variable holding the PostgreSQL server URL for tests.
const EnvURL = "QUIRE_TEST_DATABASE_URL"

// Engine returns "postgres" when tests run on PostgreSQL, else "sqlite".
func Engine() string {
	if os.Getenv(EnvURL) != "" {
		return "postgres"
	}
	return "sqlite"
}

// New returns a migrated store, empty and private to the test, closed (and,
// on PostgreSQL, dropped) when the test ends.
func New(t testing.TB) *store.Store {
	t.Helper()
	if base := os.Getenv(EnvURL); base != "" {
		return newPostgres(t, base)
	}
	return NewSQLite(t)
}

// NewSQLite returns a migrated SQLite store in a temporary directory.
func NewSQLite(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	tplOnce sync.Once
	tplName string
	tplErr  error
	seq     atomic.Int64
)

// URL returns a fresh, migrated PostgreSQL database's URL for the test (for
// tests that start processes), or skips when no server is configured.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip("no PostgreSQL: set " + EnvURL + " (make test does)")
	}
	return createDB(t, base)
}

// EmptyURL returns the URL of a new, empty PostgreSQL database (not even
// migrated), dropped when the test ends, or skips when no server is
// configured.
func EmptyURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip("no PostgreSQL: set " + EnvURL + " (make test does)")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("quire_e_%d_%d", os.Getpid(), seq.Add(1))
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() { dropDB(base, name) })
	return withDB(base, name)
}

func dropDB(base, name string) {
	a, err := sql.Open("pgx", base)
	if err != nil {
		return
	}
	defer a.Close()
	a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
}

func newPostgres(t testing.TB, base string) *store.Store {
	t.Helper()
	dsn := createDB(t, base)
	s, err := store.OpenPostgres(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// createDB makes a database from the package's migrated template.
func createDB(t testing.TB, base string) string {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	tplOnce.Do(func() { tplName, tplErr = makeTemplate(ctx, admin, base) })
	if tplErr != nil {
		t.Fatal(tplErr)
	}
	name := fmt.Sprintf("quire_t_%d_%d", os.Getpid(), seq.Add(1))
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" TEMPLATE "+tplName); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() { dropDB(base, name) })
	return withDB(base, name)
}

func makeTemplate(ctx context.Context, admin *sql.DB, base string) (string, error) {
	name := fmt.Sprintf("quire_tpl_%d", os.Getpid())
	admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("storetest: create template: %w", err)
	}
	s, err := store.OpenPostgres(ctx, withDB(base, name))
	if err != nil {
		return "", err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return "", err
	}
	return name, nil
}

func withDB(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return strings.TrimSuffix(u.String(), "?")
}
