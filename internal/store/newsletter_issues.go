package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

const issueCols = `id, kind, subject, preheader, body, body_html, status, queue_pos, COALESCE(scheduled_at, 0),
	COALESCE(started_at, 0), COALESCE(sent_at, 0), COALESCE(post_id, 0), created_at, updated_at`

func scanIssue(sc interface{ Scan(...any) error }) (blog.Issue, error) {
	var is blog.Issue
	var kind, status string
	var sched, started, sent, created, updated int64
	err := sc.Scan(&is.ID, &kind, &is.Subject, &is.Preheader, &is.Body, &is.BodyHTML, &status, &is.QueuePos,
		&sched, &started, &sent, &is.PostID, &created, &updated)
	is.Kind, is.Status = blog.IssueKind(kind), blog.IssueStatus(status)
	is.ScheduledAt, is.StartedAt, is.SentAt = fromUnix(sched), fromUnix(started), fromUnix(sent)
	is.CreatedAt, is.UpdatedAt = fromUnix(created), fromUnix(updated)
	return is, err
}

// CreateIssue stores a new issue and fills in its ID. Its status is draft
// unless set; a queued issue goes to the end of the tip queue. A second
// issue for the same post is blog.ErrConflict (a post is mailed at most
// once).
func (s *Store) CreateIssue(ctx context.Context, is *blog.Issue) error {
	if is.Status == "" {
		is.Status = blog.IssueDraft
	}
	if is.Kind == "" {
		is.Kind = blog.IssueWritten
	}
	if !blog.ValidIssueStatus(is.Status) {
		return fmt.Errorf("store: create issue: unknown status %q", is.Status)
	}
	now := is.CreatedAt
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC().Truncate(time.Second)
	is.CreatedAt, is.UpdatedAt = now, now
	return s.tx(ctx, func(t *sql.Tx) error {
		is.QueuePos = 0
		if is.Status == blog.IssueQueued {
			pos, err := s.nextQueuePos(ctx, t)
			if err != nil {
				return err
			}
			is.QueuePos = pos
		}
		err := t.QueryRowContext(ctx, s.q(`INSERT INTO newsletter_issues (kind, subject, preheader, body, body_html, status,
			queue_pos, scheduled_at, started_at, sent_at, post_id, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			string(is.Kind), is.Subject, is.Preheader, is.Body, is.BodyHTML, string(is.Status), is.QueuePos,
			nullUnix(is.ScheduledAt), nullUnix(is.StartedAt), nullUnix(is.SentAt), nullID(is.PostID), now.Unix(), now.Unix()).Scan(&is.ID)
		if s.d.isUniqueViolation(err) {
			return fmt.Errorf("store: create issue: post %d has an issue already: %w", is.PostID, blog.ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store: create issue: %w", err)
		}
		return s.bump(ctx, t)
	})
}

func (s *Store) nextQueuePos(ctx context.Context, t *sql.Tx) (int, error) {
	var pos int
	if err := t.QueryRowContext(ctx, "SELECT COALESCE(max(queue_pos), 0) + 1 FROM newsletter_issues WHERE status = 'queued'").Scan(&pos); err != nil {
		return 0, fmt.Errorf("store: tip queue: %w", err)
	}
	return pos, nil
}

// UpdateIssue saves the subject, preheader and body of issue is.ID while it
// can still change (blog.Issue.Editable); once it is going out or sent it
// is blog.ErrConflict.
func (s *Store) UpdateIssue(ctx context.Context, is *blog.Issue) error {
	now := is.UpdatedAt
	if now.IsZero() {
		now = time.Now()
	}
	return s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q(`UPDATE newsletter_issues SET subject = ?, preheader = ?, body = ?, body_html = ?,
			updated_at = ? WHERE id = ? AND status IN ('draft', 'queued', 'scheduled')`),
			is.Subject, is.Preheader, is.Body, is.BodyHTML, now.Unix(), is.ID)
		if err != nil {
			return fmt.Errorf("store: update issue: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			cur, err := s.issue(ctx, t, is.ID)
			if err != nil {
				return err
			}
			return fmt.Errorf("store: update issue %d: it is %s: %w", cur.ID, cur.Status, blog.ErrConflict)
		}
		is.UpdatedAt = fromUnix(now.Unix())
		return s.bump(ctx, t)
	})
}

// Issue returns the issue with id, or blog.ErrNotFound.
func (s *Store) Issue(ctx context.Context, id int64) (*blog.Issue, error) {
	return s.issue(ctx, s.conn, id)
}

func (s *Store) issue(ctx context.Context, q queryer, id int64) (*blog.Issue, error) {
	is, err := scanIssue(q.QueryRowContext(ctx, s.q("SELECT "+issueCols+" FROM newsletter_issues WHERE id = ?"), id))
	if err != nil {
		return nil, notFound(err, "issue")
	}
	return &is, nil
}

// IssueByPost returns the issue that mails post postID, or
// blog.ErrNotFound.
func (s *Store) IssueByPost(ctx context.Context, postID int64) (*blog.Issue, error) {
	is, err := scanIssue(s.conn.QueryRowContext(ctx, s.q("SELECT "+issueCols+" FROM newsletter_issues WHERE post_id = ?"), postID))
	if err != nil {
		return nil, notFound(err, "issue of post")
	}
	return &is, nil
}

// IssueFilter selects issues.
type IssueFilter struct {
	Statuses []blog.IssueStatus // empty: every status
	Limit    int                // 0: no limit
	Offset   int
}

// Issues returns the issues f selects and how many it selects in all: sent
// ones newest sent first, then the others newest first. The tip queue in
// its order is TipQueue.
func (s *Store) Issues(ctx context.Context, f IssueFilter) ([]blog.Issue, int, error) {
	where, args := "", []any{}
	if len(f.Statuses) > 0 {
		where = " WHERE status IN (" + placeholders(len(f.Statuses)) + ")"
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	var total int
	if err := s.conn.QueryRowContext(ctx, s.q("SELECT count(*) FROM newsletter_issues"+where), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: issues: %w", err)
	}
	q := "SELECT " + issueCols + " FROM newsletter_issues" + where + " ORDER BY COALESCE(sent_at, 0) DESC, id DESC"
	if f.Limit > 0 {
		q += " LIMIT ? OFFSET ?"
		args = append(args, f.Limit, f.Offset)
	}
	out, err := s.queryIssues(ctx, q, args...)
	return out, total, err
}

// TipQueue returns the queued issues in the order they go out.
func (s *Store) TipQueue(ctx context.Context) ([]blog.Issue, error) {
	return s.queryIssues(ctx, "SELECT "+issueCols+" FROM newsletter_issues WHERE status = 'queued' ORDER BY queue_pos, id")
}

// DueIssues returns the scheduled issues whose time has come by now,
// earliest first.
func (s *Store) DueIssues(ctx context.Context, now time.Time) ([]blog.Issue, error) {
	return s.queryIssues(ctx, "SELECT "+issueCols+` FROM newsletter_issues WHERE status = 'scheduled' AND scheduled_at <= ?
		ORDER BY scheduled_at, id`, now.Unix())
}

// LastSentIssue returns the issue sent most recently, or blog.ErrNotFound.
func (s *Store) LastSentIssue(ctx context.Context) (*blog.Issue, error) {
	is, err := scanIssue(s.conn.QueryRowContext(ctx, "SELECT "+issueCols+` FROM newsletter_issues
		WHERE status IN ('sending', 'sent') ORDER BY started_at DESC, id DESC LIMIT 1`))
	if err != nil {
		return nil, notFound(err, "last sent issue")
	}
	return &is, nil
}

func (s *Store) queryIssues(ctx context.Context, q string, args ...any) ([]blog.Issue, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: issues: %w", err)
	}
	defer rows.Close()
	var out []blog.Issue
	for rows.Next() {
		is, err := scanIssue(rows)
		if err != nil {
			return nil, fmt.Errorf("store: issues: %w", err)
		}
		out = append(out, is)
	}
	return out, rows.Err()
}

// SetIssueStatus moves issue id to status to, when its status now is one
// of from (any when from is empty), and returns it as it is then; else
// blog.ErrConflict. at is when: the time of a scheduled issue, the start
// of sending, the end of a sent one. Queuing puts the issue at the end of
// the tip queue; leaving the queue takes it out. The content version
// changes, so the archive shows a sent issue at once.
func (s *Store) SetIssueStatus(ctx context.Context, id int64, from []blog.IssueStatus, to blog.IssueStatus, at time.Time) (*blog.Issue, error) {
	if !blog.ValidIssueStatus(to) {
		return nil, fmt.Errorf("store: issue status: unknown status %q", to)
	}
	if at.IsZero() {
		at = time.Now()
	}
	var out *blog.Issue
	err := s.tx(ctx, func(t *sql.Tx) error {
		cur, err := s.issue(ctx, t, id)
		if err != nil {
			return err
		}
		if len(from) > 0 && !containsIssueStatus(from, cur.Status) {
			return fmt.Errorf("store: issue %d is %s, not %s: %w", id, cur.Status, joinIssueStatuses(from), blog.ErrConflict)
		}
		sets := []string{"status = ?", "updated_at = ?"}
		args := []any{string(to), time.Now().Unix()}
		switch to {
		case blog.IssueQueued:
			if cur.Status != blog.IssueQueued {
				pos, err := s.nextQueuePos(ctx, t)
				if err != nil {
					return err
				}
				sets = append(sets, "queue_pos = ?", "scheduled_at = NULL")
				args = append(args, pos)
			}
		case blog.IssueScheduled:
			sets = append(sets, "queue_pos = 0", "scheduled_at = ?")
			args = append(args, at.Unix())
		case blog.IssueSending:
			sets = append(sets, "queue_pos = 0", "started_at = COALESCE(started_at, ?)")
			args = append(args, at.Unix())
		case blog.IssueSent:
			sets = append(sets, "queue_pos = 0", "started_at = COALESCE(started_at, ?)", "sent_at = ?")
			args = append(args, at.Unix(), at.Unix())
		case blog.IssueDraft:
			sets = append(sets, "queue_pos = 0", "scheduled_at = NULL")
		}
		if _, err := t.ExecContext(ctx, s.q("UPDATE newsletter_issues SET "+strings.Join(sets, ", ")+" WHERE id = ?"),
			append(args, id)...); err != nil {
			return fmt.Errorf("store: issue status: %w", err)
		}
		if out, err = s.issue(ctx, t, id); err != nil {
			return err
		}
		return s.bump(ctx, t)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func containsIssueStatus(list []blog.IssueStatus, s blog.IssueStatus) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func joinIssueStatuses(list []blog.IssueStatus) string {
	parts := make([]string, len(list))
	for i, x := range list {
		parts[i] = string(x)
	}
	return strings.Join(parts, " or ")
}

// ReorderTipQueue puts the queued issues in the order ids gives; queued
// issues ids leaves out follow, in their present order, and ids that are
// not queued are ignored. The tip queue is renumbered 1, 2, 3…
func (s *Store) ReorderTipQueue(ctx context.Context, ids []int64) error {
	return s.tx(ctx, func(t *sql.Tx) error {
		queue, err := s.queryIssuesTx(ctx, t, "SELECT "+issueCols+" FROM newsletter_issues WHERE status = 'queued' ORDER BY queue_pos, id")
		if err != nil {
			return err
		}
		queued := map[int64]bool{}
		for _, is := range queue {
			queued[is.ID] = true
		}
		var order []int64
		seen := map[int64]bool{}
		for _, id := range ids {
			if queued[id] && !seen[id] {
				order, seen[id] = append(order, id), true
			}
		}
		for _, is := range queue {
			if !seen[is.ID] {
				order = append(order, is.ID)
			}
		}
		for i, id := range order {
			if _, err := t.ExecContext(ctx, s.q("UPDATE newsletter_issues SET queue_pos = ? WHERE id = ?"), i+1, id); err != nil {
				return fmt.Errorf("store: reorder tip queue: %w", err)
			}
		}
		return nil
	})
}

// MoveInTipQueue moves queued issue id by delta places (negative: sooner),
// within the queue's ends. blog.ErrConflict when it is not queued.
func (s *Store) MoveInTipQueue(ctx context.Context, id int64, delta int) error {
	return s.InTx(ctx, func(tx *Store) error {
		queue, err := tx.TipQueue(ctx)
		if err != nil {
			return err
		}
		at := -1
		ids := make([]int64, len(queue))
		for i, is := range queue {
			ids[i] = is.ID
			if is.ID == id {
				at = i
			}
		}
		if at < 0 {
			return fmt.Errorf("store: move issue %d: it is not in the tip queue: %w", id, blog.ErrConflict)
		}
		to := min(max(at+delta, 0), len(ids)-1)
		ids = append(ids[:at], ids[at+1:]...)
		ids = append(ids[:to], append([]int64{id}, ids[to:]...)...)
		return tx.ReorderTipQueue(ctx, ids)
	})
}

func (s *Store) queryIssuesTx(ctx context.Context, t *sql.Tx, q string, args ...any) ([]blog.Issue, error) {
	c := *s
	c.conn = t
	return c.queryIssues(ctx, q, args...)
}

// DeleteIssue deletes issue id unless it is going out
// (blog.ErrConflict), with its deliveries.
func (s *Store) DeleteIssue(ctx context.Context, id int64) error {
	return s.tx(ctx, func(t *sql.Tx) error {
		cur, err := s.issue(ctx, t, id)
		if err != nil {
			return err
		}
		if cur.Status == blog.IssueSending {
			return fmt.Errorf("store: delete issue %d: it is going out: %w", id, blog.ErrConflict)
		}
		for _, q := range []string{"DELETE FROM newsletter_opens WHERE issue_id = ?", "DELETE FROM newsletter_clicks WHERE issue_id = ?",
			"DELETE FROM newsletter_deliveries WHERE issue_id = ?"} {
			if _, err := t.ExecContext(ctx, s.q(q), id); err != nil {
				return fmt.Errorf("store: delete issue: %w", err)
			}
		}
		if _, err := t.ExecContext(ctx, s.q("UPDATE newsletter_events SET issue_id = NULL WHERE issue_id = ?"), id); err != nil {
			return fmt.Errorf("store: delete issue: %w", err)
		}
		if _, err := t.ExecContext(ctx, s.q("DELETE FROM newsletter_issues WHERE id = ?"), id); err != nil {
			return fmt.Errorf("store: delete issue: %w", err)
		}
		return s.bump(ctx, t)
	})
}
