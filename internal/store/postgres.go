package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
)

type postgresDialect struct{}

func (postgresDialect) name() string                { return "postgres" }
func (postgresDialect) gooseDialect() goose.Dialect { return goose.DialectPostgres }
func (postgresDialect) rebind(q string) string      { return rebindDollar(q) }
func (postgresDialect) tableExistsQuery() string {
	return "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
}
func (postgresDialect) isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func (postgresDialect) searchMatch(text string) (string, string, []any, bool) {
	q := WebSearchQuery(text)
	if q == "" {
		return "", "", nil, false
	}
	return "FROM posts p ", "p.search @@ websearch_to_tsquery('english', quire_unaccent(?))", []any{q}, true
}

func (postgresDialect) searchOrder() string { return "p.published_at DESC, p.id DESC" }

// countSearch counts with sequential scans off: for a word in most posts
// the planner reads every row and matches its tsvector (detoasting each:
// 500 ms on 10,000 posts), where the GIN index's bitmap needs no look at
// the tsvectors at all (11 ms).
func (postgresDialect) countSearch(ctx context.Context, db *sql.DB, q string, args []any) (int, error) {
	t, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer t.Rollback()
	if _, err := t.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
		return 0, err
	}
	var n int
	err = t.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

func (postgresDialect) joinPosts(cond string) string { return "JOIN posts p ON " + cond }

func (postgresDialect) tablesQuery() string {
	return "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
}

func (postgresDialect) columnsQuery() string {
	return `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()
		AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`
}

func (postgresDialect) beforeCopy(ctx context.Context, t *sql.Tx) error {
	_, err := t.ExecContext(ctx, "SET CONSTRAINTS ALL DEFERRED")
	return err
}

// afterCopy moves every identity sequence past the highest copied id, so
// new posts and comments can be written afterwards.
func (postgresDialect) afterCopy(ctx context.Context, t *sql.Tx, tables []copyTable) error {
	for _, ct := range tables {
		var seq sql.NullString
		err := t.QueryRowContext(ctx, `SELECT pg_get_serial_sequence(table_name, 'id') FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id'`, ct.name).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !seq.Valid) {
			continue // no id column, or not an identity
		}
		if err != nil {
			return fmt.Errorf("store: sequence of %s: %w", ct.name, err)
		}
		q := "SELECT setval($1, COALESCE((SELECT max(id) FROM " + ct.name + "), 0) + 1, false)"
		if _, err := t.ExecContext(ctx, q, seq.String); err != nil {
			return fmt.Errorf("store: advance sequence of %s: %w", ct.name, err)
		}
	}
	return nil
}

// afterCopyCommitted vacuums and analyzes the database: a bulk copy leaves
// the planner without statistics and every row's visibility unknown.
func (postgresDialect) afterCopyCommitted(ctx context.Context, db *sql.DB) error {
	_, err := db.ExecContext(ctx, "VACUUM (ANALYZE)")
	return err
}

// lockKey takes a transaction-scoped advisory lock on (class,
// hashtext(key)), released when t commits or rolls back. Two keys that hash
// alike only wait for each other.
func (postgresDialect) lockKey(ctx context.Context, t *sql.Tx, class int, key string) error {
	_, err := t.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1, hashtext($2))", class, key)
	return err
}

// isBusy is true for serialization failures, deadlocks and lock timeouts:
// the transaction was rolled back and may be run again.
func (postgresDialect) isBusy(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "55P03")
}

// WebSearchQuery rewrites reader input for websearch_to_tsquery so it means
// what FTS5Query means on SQLite: every word must match, quoted phrases
// match in order, and nothing typed is an operator.
func WebSearchQuery(text string) string {
	words, phrases := SearchTerms(text)
	clean := func(s string) string {
		s = strings.NewReplacer("'", " ", "-", " ").Replace(s)
		return strings.Join(strings.Fields(s), " ")
	}
	var parts []string
	for _, p := range phrases {
		if c := clean(p); c != "" {
			parts = append(parts, `"`+c+`"`)
		}
	}
	for _, w := range words {
		c := clean(w)
		if c == "" || strings.EqualFold(c, "or") {
			continue
		}
		// Quoting each word keeps "or" and a leading "-" from being read
		// as operators.
		parts = append(parts, `"`+c+`"`)
	}
	return strings.Join(parts, " ")
}

// IsPostgresURL reports whether s names a PostgreSQL database.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// RedactURL returns a database URL with its password replaced, for messages.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "the database URL"
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// OpenPostgres connects to the PostgreSQL database at dsn.
func OpenPostgres(ctx context.Context, dsn string) (*Store, error) {
	if _, err := pgconn.ParseConfig(dsn); err != nil {
		return nil, fmt.Errorf("store: the database URL %s is not valid: %s", RedactURL(dsn), redactErr(err, dsn))
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %s", RedactURL(dsn), redactErr(err, dsn))
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to %s: %s", RedactURL(dsn), redactErr(err, dsn))
	}
	return &Store{db: db, conn: db, d: postgresDialect{}, dsn: dsn, watch: &versionWatch{}}, nil
}

// redactErr returns err's text with any password in dsn removed.
func redactErr(err error, dsn string) string {
	msg := err.Error()
	if u, perr := url.Parse(dsn); perr == nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
		}
	}
	return msg
}

// migrationLockID is the advisory lock under which instances migrate, so
// that when several start at once the migrations run exactly once.
const migrationLockID = 0x71756972 // "quir"

// WithMigrationLock runs fn while holding the migration lock. On SQLite the
// database's own write lock is enough and fn just runs.
func (s *Store) WithMigrationLock(ctx context.Context, fn func() error) error {
	if s.d.name() != "postgres" {
		return fn()
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: migration lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
		return fmt.Errorf("store: migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockID)
	return fn()
}
