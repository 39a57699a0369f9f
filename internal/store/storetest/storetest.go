// Package storetest opens real, migrated databases for tests.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/quirehq/quire/internal/store"
)

// New returns a migrated SQLite store in a temporary directory, closed when
// the test ends.
func New(t testing.TB) *store.Store {
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
