package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Settings returns every stored admin setting by name.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := s.conn.QueryContext(ctx, "SELECT name, value FROM settings")
	if err != nil {
		return nil, fmt.Errorf("store: settings: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("store: settings: %w", err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SaveSettings stores the given settings in one transaction.
func (s *Store) SaveSettings(ctx context.Context, values map[string]string) error {
	return s.tx(ctx, func(t *sql.Tx) error {
		for k, v := range values {
			if _, err := t.ExecContext(ctx, s.q(`INSERT INTO settings (name, value) VALUES (?, ?)
				ON CONFLICT (name) DO UPDATE SET value = excluded.value`), k, v); err != nil {
				return fmt.Errorf("store: save setting %s: %w", k, err)
			}
		}
		return s.bump(ctx, t)
	})
}
