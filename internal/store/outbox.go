package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// OutboxMessage is an email kept in the development outbox.
type OutboxMessage struct {
	ID        int64
	To        string
	Subject   string
	Text      string
	HTML      string
	CreatedAt time.Time
}

// AddToOutbox keeps a message that would have been sent.
func (s *Store) AddToOutbox(ctx context.Context, m *OutboxMessage) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	err := s.conn.QueryRowContext(ctx, s.q(`INSERT INTO outbox (recipient, subject, text_body, html_body, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), m.To, m.Subject, m.Text, m.HTML, unix(m.CreatedAt)).Scan(&m.ID)
	if err != nil {
		return fmt.Errorf("store: add to outbox: %w", err)
	}
	return nil
}

// Outbox lists kept messages, newest first.
func (s *Store) Outbox(ctx context.Context, limit int) ([]OutboxMessage, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT id, recipient, subject, text_body, html_body, created_at
		FROM outbox ORDER BY id DESC LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		var created int64
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, &created); err != nil {
			return nil, fmt.Errorf("store: outbox: %w", err)
		}
		m.CreatedAt = fromUnix(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// OutboxMessage returns one kept message.
func (s *Store) OutboxMessage(ctx context.Context, id int64) (*OutboxMessage, error) {
	var m OutboxMessage
	var created int64
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT id, recipient, subject, text_body, html_body, created_at
		FROM outbox WHERE id = ?`), id).Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, &created)
	if err != nil {
		return nil, notFound(err, "outbox message")
	}
	m.CreatedAt = fromUnix(created)
	return &m, nil
}

// MailSent reports whether the message with idempotency key was already sent.
func (s *Store) MailSent(ctx context.Context, key string) (bool, error) {
	var at int64
	err := s.conn.QueryRowContext(ctx, s.q("SELECT sent_at FROM sent_mail WHERE key = ?"), key).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: mail sent: %w", err)
	}
	return true, nil
}

// MarkMailSent records that the message with key went out.
func (s *Store) MarkMailSent(ctx context.Context, key string) error {
	_, err := s.conn.ExecContext(ctx, s.q("INSERT INTO sent_mail (key, sent_at) VALUES (?, ?) ON CONFLICT DO NOTHING"),
		key, time.Now().Unix())
	if err != nil {
		return fmt.Errorf("store: mark mail sent: %w", err)
	}
	return nil
}
