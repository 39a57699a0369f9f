package store

import (
	"context"
	"strings"
)

// Open opens the database named by target: a postgres:// URL runs on
// PostgreSQL, anything else is the path of a SQLite file.
func Open(ctx context.Context, target string) (*Store, error) {
	if IsPostgresURL(target) {
		return OpenPostgres(ctx, target)
	}
	return OpenSQLite(ctx, strings.TrimPrefix(target, "sqlite://"))
}
