package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"
	"time"
)

// copyTable is one table copy-db moves, with the columns that order its rows.
type copyTable struct {
	name  string
	order string
}

// copyTables lists every table of Quire's own schema, parents before
// children. A migration that adds a table adds it here; CopyTo refuses a
// source holding a table it does not know, so nothing is silently left out.
var copyTables = []copyTable{
	{"site_state", "id"},
	{"settings", "name"},
	{"users", "id"},
	{"media", "id"},
	{"media_files", "media_id, width"},
	{"posts", "id"},
	{"post_old_slugs", "slug, post_id"},
	{"terms", "id"},
	{"post_terms", "post_id, term_id"},
	{"sessions", "token"},
	{"tokens", "hash"},
	{"rate_events", "bucket, at"},
	{"outbox", "id"},
	{"sent_mail", "key"},
	{"comments", "id"},
	{"comment_subscriptions", "id"},
	{"comment_subscribers", "email"},
	{"linkback_checks", "source_url, target_url"},
	{"outbound_links", "id"},
	{"newsletter_subscribers", "id"},
	{"newsletter_issues", "id"},
	{"newsletter_events", "id"},
	{"newsletter_deliveries", "issue_id, subscriber_id"},
	{"newsletter_batches", "issue_id, batch"},
	{"newsletter_slots", "slot"},
	{"newsletter_opens", "issue_id, subscriber_id"},
	{"newsletter_clicks", "issue_id, subscriber_id, link"},
	{"wp_ids", "site, kind, old_id"},
}

// notCopied are tables that belong to the engine, the migration tool or the
// job queue (whose jobs are re-enqueued, not copied).
func notCopied(name string) bool {
	return name == "goose_db_version" || strings.HasPrefix(name, "river_") || strings.HasPrefix(name, "posts_fts") ||
		strings.HasPrefix(name, "sqlite_")
}

// TableReport compares one table on both sides of a copy.
type TableReport struct {
	Table          string
	SourceRows     int64
	TargetRows     int64
	SourceChecksum string
	TargetChecksum string
}

// OK reports whether both sides hold the same rows.
func (r TableReport) OK() bool {
	return r.SourceRows == r.TargetRows && r.SourceChecksum == r.TargetChecksum
}

// CopyReport is what CopyTo did.
type CopyReport struct {
	Tables   []TableReport
	Duration time.Duration
}

// ErrTargetNotEmpty means the copy target already holds a site.
var ErrTargetNotEmpty = fmt.Errorf("store: the target database already has content; use --replace to overwrite it")

// CopyTo copies every table of s into dst (both migrated to the same
// version) in one transaction on dst, then advances dst's sequences and
// compares per-table row counts and checksums. dst must be empty unless
// replace is set, in which case it is emptied in the same transaction.
func (s *Store) CopyTo(ctx context.Context, dst *Store, replace bool) (*CopyReport, error) {
	start := time.Now()
	if err := s.checkKnownTables(ctx); err != nil {
		return nil, err
	}
	err := dst.tx(ctx, func(t *sql.Tx) error {
		if !replace {
			if has, err := dst.hasContent(ctx, t); err != nil {
				return err
			} else if has {
				return ErrTargetNotEmpty
			}
		}
		if err := dst.d.beforeCopy(ctx, t); err != nil {
			return fmt.Errorf("store: copy: %w", err)
		}
		for i := len(copyTables) - 1; i >= 0; i-- {
			if _, err := t.ExecContext(ctx, "DELETE FROM "+copyTables[i].name); err != nil {
				return fmt.Errorf("store: empty %s: %w", copyTables[i].name, err)
			}
		}
		for _, ct := range copyTables {
			if err := s.copyRows(ctx, dst, t, ct); err != nil {
				return err
			}
		}
		return dst.d.afterCopy(ctx, t, copyTables)
	})
	if err != nil {
		return nil, err
	}
	if err := dst.d.afterCopyCommitted(ctx, dst.db); err != nil {
		return nil, fmt.Errorf("store: copy: vacuum and analyze: %w", err)
	}
	rep := &CopyReport{}
	for _, ct := range copyTables {
		tr := TableReport{Table: ct.name}
		if tr.SourceRows, tr.SourceChecksum, err = s.tableChecksum(ctx, ct); err != nil {
			return nil, err
		}
		if tr.TargetRows, tr.TargetChecksum, err = dst.tableChecksum(ctx, ct); err != nil {
			return nil, err
		}
		rep.Tables = append(rep.Tables, tr)
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

func (s *Store) checkKnownTables(ctx context.Context) error {
	rows, err := s.conn.QueryContext(ctx, s.d.tablesQuery())
	if err != nil {
		return fmt.Errorf("store: list tables: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("store: list tables: %w", err)
		}
		if notCopied(name) {
			continue
		}
		if !slices.ContainsFunc(copyTables, func(c copyTable) bool { return c.name == name }) {
			return fmt.Errorf("store: copy: table %s is not known to this version of copy-db", name)
		}
	}
	return rows.Err()
}

func (s *Store) hasContent(ctx context.Context, q queryer) (bool, error) {
	for _, ct := range copyTables {
		if ct.name == "site_state" {
			continue
		}
		var one int
		err := q.QueryRowContext(ctx, "SELECT 1 FROM "+ct.name+" LIMIT 1").Scan(&one)
		if err == nil {
			return true, nil
		}
		if err != sql.ErrNoRows {
			return false, fmt.Errorf("store: check %s: %w", ct.name, err)
		}
	}
	return false, nil
}

// columns lists a table's stored (not generated) columns.
func (s *Store) columns(ctx context.Context, q queryer, table string) ([]string, error) {
	rows, err := q.QueryContext(ctx, s.d.columnsQuery(), table)
	if err != nil {
		return nil, fmt.Errorf("store: columns of %s: %w", table, err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("store: columns of %s: %w", table, err)
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

func (s *Store) copyRows(ctx context.Context, dst *Store, t *sql.Tx, ct copyTable) error {
	srcCols, err := s.columns(ctx, s.db, ct.name)
	if err != nil {
		return err
	}
	dstCols, err := dst.columns(ctx, t, ct.name)
	if err != nil {
		return err
	}
	var cols []string
	for _, c := range srcCols {
		if slices.Contains(dstCols, c) {
			cols = append(cols, c)
		}
	}
	rows, err := s.conn.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+ct.name+" ORDER BY "+ct.order)
	if err != nil {
		return fmt.Errorf("store: read %s: %w", ct.name, err)
	}
	defer rows.Close()
	batch := max(1, 5000/len(cols))
	rowPH := "(" + placeholders(len(cols)) + ")"
	var args []any
	n := 0
	flush := func() error {
		if n == 0 {
			return nil
		}
		q := "INSERT INTO " + ct.name + " (" + strings.Join(cols, ", ") + ") VALUES " +
			strings.TrimSuffix(strings.Repeat(rowPH+", ", n), ", ")
		if _, err := t.ExecContext(ctx, dst.q(q), args...); err != nil {
			return fmt.Errorf("store: write %s: %w", ct.name, err)
		}
		args, n = args[:0], 0
		return nil
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("store: read %s: %w", ct.name, err)
		}
		args = append(args, vals...)
		if n++; n == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read %s: %w", ct.name, err)
	}
	return flush()
}

// tableChecksum returns the row count and a SHA-256 over every row's values,
// written the same way whatever the engine.
func (s *Store) tableChecksum(ctx context.Context, ct copyTable) (int64, string, error) {
	cols, err := s.columns(ctx, s.db, ct.name)
	if err != nil {
		return 0, "", err
	}
	slices.Sort(cols)
	rows, err := s.conn.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+ct.name+" ORDER BY "+ct.order)
	if err != nil {
		return 0, "", fmt.Errorf("store: checksum %s: %w", ct.name, err)
	}
	defer rows.Close()
	h := sha256.New()
	var n int64
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", fmt.Errorf("store: checksum %s: %w", ct.name, err)
		}
		for _, v := range vals {
			writeCanonical(h, v)
		}
		h.Write([]byte{0x1e})
		n++
	}
	if err := rows.Err(); err != nil {
		return 0, "", fmt.Errorf("store: checksum %s: %w", ct.name, err)
	}
	return n, hex.EncodeToString(h.Sum(nil))[:16], nil
}

func writeCanonical(h hash.Hash, v any) {
	switch x := v.(type) {
	case nil:
		h.Write([]byte("\x00null"))
	case int64:
		h.Write([]byte("i" + strconv.FormatInt(x, 10)))
	case int32:
		h.Write([]byte("i" + strconv.FormatInt(int64(x), 10)))
	case float64:
		h.Write([]byte("f" + strconv.FormatFloat(x, 'g', -1, 64)))
	case bool:
		h.Write([]byte("b" + strconv.FormatBool(x)))
	case string:
		h.Write([]byte("s"))
		h.Write([]byte(x))
	case []byte:
		h.Write([]byte("s"))
		h.Write(x)
	case time.Time:
		h.Write([]byte("t" + x.UTC().Format(time.RFC3339Nano)))
	default:
		fmt.Fprintf(h, "?%v", x)
	}
	h.Write([]byte{0x1f})
}
