package store

import (
	"context"
	"fmt"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// RecordOpen records that subscriber subID opened issue issueID, once:
// only a subscriber the issue was sent to counts, and a second open
// changes nothing. It reports whether this was the first.
func (s *Store) RecordOpen(ctx context.Context, issueID, subID int64, at time.Time) (bool, error) {
	res, err := s.conn.ExecContext(ctx, s.q(`INSERT INTO newsletter_opens (issue_id, subscriber_id, at)
		SELECT issue_id, subscriber_id, ? FROM newsletter_deliveries WHERE issue_id = ? AND subscriber_id = ?
		ON CONFLICT (issue_id, subscriber_id) DO NOTHING`), at.Unix(), issueID, subID)
	if err != nil {
		return false, fmt.Errorf("store: record open: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RecordClick records that subscriber subID followed link number link
// of issue issueID, once per link: only a subscriber the issue was sent
// to counts. It reports whether this was the first.
func (s *Store) RecordClick(ctx context.Context, issueID, subID int64, link int, at time.Time) (bool, error) {
	res, err := s.conn.ExecContext(ctx, s.q(`INSERT INTO newsletter_clicks (issue_id, subscriber_id, link, at)
		SELECT issue_id, subscriber_id, ?, ? FROM newsletter_deliveries WHERE issue_id = ? AND subscriber_id = ?
		ON CONFLICT (issue_id, subscriber_id, link) DO NOTHING`), link, at.Unix(), issueID, subID)
	if err != nil {
		return false, fmt.Errorf("store: record click: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// IssueTracking counts issue issueID's unique opens and clicks.
func (s *Store) IssueTracking(ctx context.Context, issueID int64) (blog.IssueTracking, error) {
	tr := blog.IssueTracking{LinkClicks: map[int]int{}}
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT
		(SELECT COUNT(*) FROM newsletter_opens WHERE issue_id = ?),
		(SELECT COUNT(DISTINCT subscriber_id) FROM newsletter_clicks WHERE issue_id = ?)`), issueID, issueID).Scan(&tr.Opens, &tr.Clickers)
	if err != nil {
		return tr, fmt.Errorf("store: issue tracking: %w", err)
	}
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT link, COUNT(*) FROM newsletter_clicks WHERE issue_id = ? GROUP BY link`), issueID)
	if err != nil {
		return tr, fmt.Errorf("store: issue tracking: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var link, n int
		if err := rows.Scan(&link, &n); err != nil {
			return tr, fmt.Errorf("store: issue tracking: %w", err)
		}
		tr.LinkClicks[link] = n
	}
	if err := rows.Err(); err != nil {
		return tr, fmt.Errorf("store: issue tracking: %w", err)
	}
	return tr, nil
}
