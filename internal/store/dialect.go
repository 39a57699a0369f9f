package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
)

// dialect holds every difference between the engines Quire runs on. Queries
// elsewhere are written once, with ? placeholders.
type dialect interface {
	name() string
	gooseDialect() goose.Dialect
	rebind(q string) string
	tableExistsQuery() string
	isUniqueViolation(err error) bool
	// searchJoin returns a join clause and condition restricting posts (alias p)
	// to those matching the user's search text, with its arguments.
	searchMatch(text string) (join, cond string, args []any, ok bool)
	searchOrder() string
	// countSearch runs q, a count(*) of the posts matching a search, on db.
	countSearch(ctx context.Context, db *sql.DB, q string, args []any) (int, error)
	// joinPosts joins posts (as p) on cond, to read whether each is public
	// after the table before it has driven: a tag's links, say. SQLite
	// reads it from the small posts_visibility index rather than the rows
	// with their bodies (five times faster on 10,000 posts).
	joinPosts(cond string) string
	// tablesQuery lists the schema's tables; columnsQuery (one argument,
	// the table) its stored columns in order.
	tablesQuery() string
	columnsQuery() string
	// beforeCopy lets rows reference rows copied after them (checked at
	// commit); afterCopy fixes what a bulk copy leaves behind (sequences).
	beforeCopy(ctx context.Context, t *sql.Tx) error
	afterCopy(ctx context.Context, t *sql.Tx, tables []copyTable) error
	// afterCopyCommitted prepares the copied database for use: statistics
	// for the planner, and on PostgreSQL the visibility map that lets
	// index-only scans skip the rows (page 500 of a copied site of 10,000
	// posts: 16 ms before, 0.8 ms after).
	afterCopyCommitted(ctx context.Context, db *sql.DB) error
	// lockKey makes t the only transaction working on key (within class)
	// until it ends, on every instance.
	lockKey(ctx context.Context, t *sql.Tx, class int, key string) error
	// isBusy reports whether err means the database was busy (locked by
	// another writer, a serialization failure) and the same work may simply
	// be tried again.
	isBusy(err error) bool
}

type sqliteDialect struct{}

func (sqliteDialect) name() string                { return "sqlite" }
func (sqliteDialect) gooseDialect() goose.Dialect { return goose.DialectSQLite3 }
func (sqliteDialect) rebind(q string) string      { return q }
func (sqliteDialect) tableExistsQuery() string {
	return "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
}
func (sqliteDialect) isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func (sqliteDialect) searchMatch(text string) (string, string, []any, bool) {
	q := FTS5Query(text)
	if q == "" {
		return "", "", nil, false
	}
	// The full-text index drives: CROSS JOIN keeps SQLite from walking
	// every public post and asking the index about each (seconds on
	// 10,000 posts; milliseconds this way), and the index on
	// posts_visibility answers whether each match is public without
	// reading its row (count 10 -> 4 ms, rank 19 -> 12 ms).
	return "FROM posts_fts CROSS JOIN posts p INDEXED BY posts_visibility ON p.id = posts_fts.rowid ", "posts_fts MATCH ?", []any{q}, true
}

func (sqliteDialect) searchOrder() string { return "posts_fts.rank, p.published_at DESC" }

func (sqliteDialect) countSearch(ctx context.Context, db *sql.DB, q string, args []any) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

func (sqliteDialect) joinPosts(cond string) string {
	return "CROSS JOIN posts p INDEXED BY posts_visibility ON " + cond
}

func (sqliteDialect) tablesQuery() string {
	return "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
}

func (sqliteDialect) columnsQuery() string {
	return "SELECT name FROM pragma_table_xinfo(?) WHERE hidden = 0 ORDER BY cid"
}

func (sqliteDialect) beforeCopy(ctx context.Context, t *sql.Tx) error {
	_, err := t.ExecContext(ctx, "PRAGMA defer_foreign_keys = ON")
	return err
}

// afterCopy has nothing to do: SQLite numbers new rows from max(rowid).
func (sqliteDialect) afterCopy(context.Context, *sql.Tx, []copyTable) error { return nil }

// afterCopyCommitted has nothing to do: Quire's SQLite queries are written
// for the plans they need, without statistics.
func (sqliteDialect) afterCopyCommitted(context.Context, *sql.DB) error { return nil }

// lockKey has nothing to do: Quire's SQLite write transactions begin
// IMMEDIATE (see SQLiteDSN), so each holds the whole database's write lock
// from its first statement.
func (sqliteDialect) lockKey(context.Context, *sql.Tx, int, string) error { return nil }

// isBusy is true for SQLITE_BUSY and SQLITE_LOCKED (and their extended
// codes), which the busy timeout did not absorb.
func (sqliteDialect) isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == 5 || code == 6 // SQLITE_BUSY, SQLITE_LOCKED
}

// rebindDollar turns ? placeholders into $1, $2… for PostgreSQL. Queries in
// this package never hold a literal question mark.
func rebindDollar(q string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// SearchTerms splits what a reader typed into words and "quoted phrases".
// An unmatched quote runs to the end of the text. Nothing typed can make a
// query fail.
func SearchTerms(text string) (words, phrases []string) {
	inQuote := false
	var cur strings.Builder
	flush := func() {
		s := strings.Join(strings.FieldsFunc(cur.String(), notWordRune), " ")
		if s != "" {
			if inQuote && strings.Contains(s, " ") {
				phrases = append(phrases, s)
			} else {
				words = append(words, strings.Fields(s)...)
			}
		}
		cur.Reset()
	}
	for _, r := range text {
		if r == '"' || r == '“' || r == '”' {
			flush()
			inQuote = !inQuote
			continue
		}
		if !inQuote && (r == ' ' || r == '\t' || r == '\n') {
			flush()
			continue
		}
		cur.WriteRune(r)
	}
	flush()
	if len(words) > 20 {
		words = words[:20]
	}
	if len(phrases) > 5 {
		phrases = phrases[:5]
	}
	return words, phrases
}

func notWordRune(r rune) bool {
	return !(r == '\'' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 && !strings.ContainsRune("“”‘’«»…—–", r))
}

// FTS5Query turns reader input into a safe FTS5 query: every word must
// match (prefix for the last one is not used), phrases match in order.
func FTS5Query(text string) string {
	words, phrases := SearchTerms(text)
	parts := make([]string, 0, len(words)+len(phrases))
	quote := func(s string) string {
		s = strings.NewReplacer("'", " ", "-", " ").Replace(s)
		s = strings.Join(strings.Fields(s), " ")
		if s == "" {
			return ""
		}
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	for _, p := range phrases {
		if q := quote(p); q != "" {
			parts = append(parts, q)
		}
	}
	for _, w := range words {
		if q := quote(w); q != "" {
			parts = append(parts, q)
		}
	}
	return strings.Join(parts, " AND ")
}
