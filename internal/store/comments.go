package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

const commentCols = `c.id, c.post_id, COALESCE(c.parent_id, 0), c.type, c.status, c.author_name, c.author_email,
	c.author_url, c.author_ip, c.user_agent, COALESCE(c.user_id, 0), c.content, c.content_html, c.created_at,
	c.updated_at, c.source_url, c.mention_kind, c.source_title, c.author_photo, p.title, p.slug`

func scanComment(sc interface{ Scan(...any) error }) (blog.Comment, error) {
	var c blog.Comment
	var created, updated int64
	err := sc.Scan(&c.ID, &c.PostID, &c.ParentID, &c.Type, &c.Status, &c.AuthorName, &c.AuthorEmail, &c.AuthorURL,
		&c.AuthorIP, &c.UserAgent, &c.UserID, &c.Content, &c.ContentHTML, &created, &updated,
		&c.SourceURL, &c.MentionKind, &c.SourceTitle, &c.AuthorPhoto, &c.PostTitle, &c.PostSlug)
	c.CreatedAt, c.UpdatedAt = fromUnix(created), fromUnix(updated)
	return c, err
}

// CreateComment stores c (already decided: its Status is set) and returns
// its ID in c.ID. A parent must be an approved comment of the same post.
func (s *Store) CreateComment(ctx context.Context, c *blog.Comment) error {
	if !blog.ValidCommentStatus(c.Status) {
		return fmt.Errorf("store: create comment: unknown status %q", c.Status)
	}
	if c.Type == "" {
		c.Type = blog.TypeComment
	}
	if !blog.ValidCommentType(c.Type) {
		return fmt.Errorf("store: create comment: unknown type %q", c.Type)
	}
	now := time.Now().UTC()
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.UpdatedAt = c.CreatedAt
	c.AuthorEmail = blog.NormalizeEmail(c.AuthorEmail)
	return s.tx(ctx, func(t *sql.Tx) error {
		if c.ParentID != 0 {
			var postID int64
			var status string
			err := t.QueryRowContext(ctx, s.q("SELECT post_id, status FROM comments WHERE id = ?"), c.ParentID).Scan(&postID, &status)
			if err != nil || postID != c.PostID || blog.CommentStatus(status) != blog.CommentApproved {
				return (blog.FieldErrors{"comment_parent": "The comment you are replying to is not on this post, or is not published."}).Err()
			}
		}
		err := t.QueryRowContext(ctx, s.q(`INSERT INTO comments (post_id, parent_id, type, status, author_name,
			author_email, author_url, author_ip, user_agent, user_id, content, content_html, created_at, updated_at,
			source_url, mention_kind, source_title, author_photo)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			c.PostID, nullID(c.ParentID), c.Type, c.Status, c.AuthorName, c.AuthorEmail, c.AuthorURL, c.AuthorIP,
			c.UserAgent, nullID(c.UserID), c.Content, c.ContentHTML, unix(c.CreatedAt), unix(c.UpdatedAt),
			c.SourceURL, c.MentionKind, c.SourceTitle, c.AuthorPhoto).Scan(&c.ID)
		if s.d.isUniqueViolation(err) && c.SourceURL != "" {
			return fmt.Errorf("store: create comment: %w", ErrLinkbackExists)
		}
		if err != nil {
			return fmt.Errorf("store: create comment: %w", err)
		}
		return s.bumpComments(ctx, t)
	})
}

// Comment returns the comment with id, with its post's title and slug.
func (s *Store) Comment(ctx context.Context, id int64) (*blog.Comment, error) {
	c, err := scanComment(s.conn.QueryRowContext(ctx, s.q("SELECT "+commentCols+
		" FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id = ?"), id))
	if err != nil {
		return nil, notFound(err, "get comment")
	}
	return &c, nil
}

// PostComments returns a post's comments with the given statuses (approved
// when none), oldest first, as a thread is read.
func (s *Store) PostComments(ctx context.Context, postID int64, statuses ...blog.CommentStatus) ([]blog.Comment, error) {
	if len(statuses) == 0 {
		statuses = []blog.CommentStatus{blog.CommentApproved}
	}
	args := []any{postID}
	for _, st := range statuses {
		args = append(args, st)
	}
	return s.queryComments(ctx, "WHERE c.post_id = ? AND c.status IN ("+placeholders(len(statuses))+
		") ORDER BY c.created_at, c.id", args...)
}

func (s *Store) queryComments(ctx context.Context, where string, args ...any) ([]blog.Comment, error) {
	rows, err := s.conn.QueryContext(ctx, s.q("SELECT "+commentCols+" FROM comments c JOIN posts p ON p.id = c.post_id "+where), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list comments: %w", err)
	}
	defer rows.Close()
	var out []blog.Comment
	for rows.Next() {
		c, err := scanComment(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list comments: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// notReaction is the condition, on comments c, that leaves out likes and
// reposts received by Webmention: they are shown as names in a row, not as
// comments, so they are neither counted among a post's thoughts nor listed
// in comment feeds and the recent comments (as WordPress's ActivityPub
// plugin does with its own likes and reposts).
const notReaction = "NOT (c.type = 'webmention' AND c.mention_kind IN ('like', 'repost'))"

// CommentCounts returns the number of approved comments of each post, as
// WordPress counts them (pingbacks, trackbacks and webmentions included),
// likes and reposts left out.
func (s *Store) CommentCounts(ctx context.Context, postIDs []int64) (map[int64]int, error) {
	out := make(map[int64]int, len(postIDs))
	if len(postIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(postIDs))
	for i, id := range postIDs {
		args[i] = id
	}
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT c.post_id, count(*) FROM comments c WHERE c.status = 'approved'
		AND `+notReaction+` AND c.post_id IN (`+placeholders(len(args))+`) GROUP BY c.post_id`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: comment counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: comment counts: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// RecentComments returns the newest approved comments on public posts,
// linkbacks included, likes and reposts left out.
func (s *Store) RecentComments(ctx context.Context, limit int, now time.Time) ([]blog.Comment, error) {
	return s.queryComments(ctx, `WHERE c.status = 'approved' AND `+notReaction+` AND p.status = 'publish' AND p.published_at <= ?
		AND p.password = '' ORDER BY c.created_at DESC, c.id DESC LIMIT ?`, now.Unix(), limit)
}

// CommentFilter selects comments for moderation screens and the CLI.
type CommentFilter struct {
	Statuses []blog.CommentStatus // none means every status
	PostID   int64
	Type     blog.CommentType
	Types    []blog.CommentType // any of these (with Type, both must hold)
	Search   string             // inside text, name, email, URL or IP
	Email    string             // exactly this author email
	// PostAuthorID limits to comments on this user's posts (not pages),
	// for an author who moderates their own.
	PostAuthorID int64
	Limit        int
	Offset       int
}

// ListComments returns comments matching f, newest first, and how many
// match in all. The total is counted once per content version; with
// several statuses, each status's newest are read from its index and
// merged, rather than every comment of them sorted.
func (s *Store) ListComments(ctx context.Context, f CommentFilter) ([]blog.Comment, int, error) {
	where, args := commentWhere(f)
	from := "FROM comments c "
	if f.PostAuthorID != 0 {
		from += "JOIN posts p ON p.id = c.post_id "
	}
	countQ := s.q("SELECT count(*) " + from + where)
	count := func() (int, error) {
		var n int
		if err := s.conn.QueryRowContext(ctx, countQ, args...).Scan(&n); err != nil {
			return 0, fmt.Errorf("store: count comments: %w", err)
		}
		return n, nil
	}
	var total int
	var err error
	if len(f.Statuses) > 0 && f.PostID == 0 && f.Type == "" && len(f.Types) == 0 && f.Email == "" &&
		f.PostAuthorID == 0 && strings.TrimSpace(f.Search) == "" {
		// By status alone (the moderation tabs): the tabs' counts add up.
		var counts map[blog.CommentStatus]int
		if counts, err = s.ModerationStatusCounts(ctx, 0); err != nil {
			return nil, 0, err
		}
		for _, st := range f.Statuses {
			total += counts[st]
		}
	} else if strings.TrimSpace(f.Search) != "" {
		// Not kept: forgetting addresses (ForgetCommentIPs) changes what
		// a search finds without changing the content version.
		total, err = count()
	} else {
		total, err = memoized(ctx, s, "comments "+countQ+fmt.Sprint(args...), count)
	}
	if err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	if len(f.Statuses) < 2 {
		list, err := s.queryComments(ctx, where+" ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?",
			append(args, limit, f.Offset)...)
		return list, total, err
	}
	// Each status's first offset+limit, merged: the window is among them.
	type key struct{ at, id int64 }
	var keys []key
	for _, st := range f.Statuses {
		one := f
		one.Statuses = []blog.CommentStatus{st}
		w, a := commentWhere(one)
		rows, err := s.conn.QueryContext(ctx, s.q("SELECT c.created_at, c.id "+from+w+
			" ORDER BY c.created_at DESC, c.id DESC LIMIT ?"), append(a, f.Offset+limit)...)
		if err != nil {
			return nil, 0, fmt.Errorf("store: list comments: %w", err)
		}
		for rows.Next() {
			var k key
			if err := rows.Scan(&k.at, &k.id); err != nil {
				rows.Close()
				return nil, 0, fmt.Errorf("store: list comments: %w", err)
			}
			keys = append(keys, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, fmt.Errorf("store: list comments: %w", err)
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.at != b.at {
			return cmp.Compare(b.at, a.at)
		}
		return cmp.Compare(b.id, a.id)
	})
	if f.Offset >= len(keys) {
		return nil, total, nil
	}
	keys = keys[f.Offset:min(len(keys), f.Offset+limit)]
	ids := make([]any, len(keys))
	for i, k := range keys {
		ids[i] = k.id
	}
	list, err := s.queryComments(ctx, "WHERE c.id IN ("+placeholders(len(ids))+") ORDER BY c.created_at DESC, c.id DESC", ids...)
	return list, total, err
}

// commentWhere builds the WHERE clause of f (with its arguments), for
// comments c joined with their posts p.
func commentWhere(f CommentFilter) (string, []any) {
	var conds []string
	var args []any
	if len(f.Statuses) > 0 {
		conds = append(conds, "c.status IN ("+placeholders(len(f.Statuses))+")")
		for _, st := range f.Statuses {
			args = append(args, st)
		}
	}
	if f.PostID != 0 {
		conds = append(conds, "c.post_id = ?")
		args = append(args, f.PostID)
	}
	if f.Type != "" {
		conds = append(conds, "c.type = ?")
		args = append(args, f.Type)
	}
	if len(f.Types) > 0 {
		conds = append(conds, "c.type IN ("+placeholders(len(f.Types))+")")
		for _, t := range f.Types {
			args = append(args, t)
		}
	}
	if f.Email != "" {
		conds = append(conds, "c.author_email = ?")
		args = append(args, blog.NormalizeEmail(f.Email))
	}
	if f.PostAuthorID != 0 {
		conds = append(conds, "p.author_id = ? AND p.type = 'post'")
		args = append(args, f.PostAuthorID)
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(q)) + "%"
		conds = append(conds, `(lower(c.content) LIKE ? ESCAPE '\' OR lower(c.author_name) LIKE ? ESCAPE '\'
			OR lower(c.author_email) LIKE ? ESCAPE '\' OR lower(c.author_url) LIKE ? ESCAPE '\' OR c.author_ip LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like, like, like)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return "WHERE " + strings.Join(conds, " AND "), args
}

// CommentStatusCounts returns how many comments have each status (counted
// once per content version).
func (s *Store) CommentStatusCounts(ctx context.Context) (map[blog.CommentStatus]int, error) {
	return s.ModerationStatusCounts(ctx, 0)
}

// SetCommentStatus moves comments to status, in one transaction, and
// returns how many existed. A comment moved to the trash remembers the
// status it had, for RestoreComments. A comment whose status changes
// records when (CommentStatusChangedAt).
func (s *Store) SetCommentStatus(ctx context.Context, status blog.CommentStatus, ids ...int64) (int, error) {
	if !blog.ValidCommentStatus(status) {
		return 0, fmt.Errorf("store: set comment status: unknown status %q", status)
	}
	now := time.Now().Unix()
	return s.updateComments(ctx, setStatusQuery(status, ""), func(id int64) []any { return []any{status, now, status, now, id} }, ids)
}

// SetCommentStatusFrom moves comment id to status only if its status is
// from now, in one statement, so a decision taken on what a comment was
// cannot undo a later one. It reports whether it changed the comment.
func (s *Store) SetCommentStatusFrom(ctx context.Context, id int64, from, status blog.CommentStatus) (bool, error) {
	if !blog.ValidCommentStatus(status) || !blog.ValidCommentStatus(from) {
		return false, fmt.Errorf("store: set comment status: unknown status %q or %q", from, status)
	}
	now := time.Now().Unix()
	n, err := s.updateComments(ctx, setStatusQuery(status, " AND status = ?"),
		func(id int64) []any { return []any{status, now, status, now, id, from} }, []int64{id})
	return n == 1, err
}

// setStatusQuery is the update that moves one comment to status, with
// extra conditions appended to its WHERE. Its arguments are the status,
// the time, the status again, the time again and the comment's ID.
func setStatusQuery(status blog.CommentStatus, extra string) string {
	trashed := "trashed_status = ''"
	if status == blog.CommentTrash {
		trashed = "trashed_status = CASE WHEN status = 'trash' THEN trashed_status ELSE status END"
	}
	return `UPDATE comments SET status_changed_at = CASE WHEN status = ? THEN status_changed_at ELSE ? END,
		` + trashed + `, status = ?, updated_at = ? WHERE id = ?` + extra
}

// CommentStatusChangedAt returns when comment id last changed status. For
// a change made before Quire recorded them it returns the comment's last
// change of any kind, the best guess left; zero when it never changed.
func (s *Store) CommentStatusChangedAt(ctx context.Context, id int64) (time.Time, error) {
	var changed, updated, created int64
	err := s.conn.QueryRowContext(ctx, s.q("SELECT status_changed_at, updated_at, created_at FROM comments WHERE id = ?"), id).
		Scan(&changed, &updated, &created)
	if err != nil {
		return time.Time{}, notFound(err, "comment status change")
	}
	if changed == 0 && updated != created {
		changed = updated
	}
	return fromUnix(changed), nil
}

// RestoreComments takes comments out of the trash, back to the status they
// had (pending when it is unknown), and returns how many it restored.
func (s *Store) RestoreComments(ctx context.Context, ids ...int64) (int, error) {
	q := `UPDATE comments SET status = CASE WHEN trashed_status = '' THEN 'pending' ELSE trashed_status END,
		trashed_status = '', updated_at = ?, status_changed_at = ? WHERE id = ? AND status = 'trash'`
	now := time.Now().Unix()
	return s.updateComments(ctx, q, func(id int64) []any { return []any{now, now, id} }, ids)
}

// updateComments runs q for each id in one transaction and counts the
// comments it changed.
func (s *Store) updateComments(ctx context.Context, q string, args func(int64) []any, ids []int64) (int, error) {
	n := 0
	err := s.tx(ctx, func(t *sql.Tx) error {
		for _, id := range ids {
			res, err := t.ExecContext(ctx, s.q(q), args(id)...)
			if err != nil {
				return fmt.Errorf("store: update comment %d: %w", id, err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return s.bumpComments(ctx, t)
	})
	return n, err
}

// UpdateComment saves a moderator's edit of a comment's author fields and
// text.
func (s *Store) UpdateComment(ctx context.Context, c *blog.Comment) error {
	return s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q(`UPDATE comments SET author_name = ?, author_email = ?, author_url = ?,
			content = ?, content_html = ?, updated_at = ? WHERE id = ?`), c.AuthorName, blog.NormalizeEmail(c.AuthorEmail),
			c.AuthorURL, c.Content, c.ContentHTML, time.Now().Unix(), c.ID)
		if err != nil {
			return fmt.Errorf("store: update comment: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("store: update comment %d: %w", c.ID, blog.ErrNotFound)
		}
		return s.bumpComments(ctx, t)
	})
}

// DeleteComments removes comments for good; their replies move up to the
// deleted comment's parent, as WordPress does. It returns how many existed.
func (s *Store) DeleteComments(ctx context.Context, ids ...int64) (int, error) {
	n := 0
	err := s.tx(ctx, func(t *sql.Tx) error {
		for _, id := range ids {
			var parent sql.NullInt64
			err := t.QueryRowContext(ctx, s.q("SELECT parent_id FROM comments WHERE id = ?"), id).Scan(&parent)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return fmt.Errorf("store: delete comment: %w", err)
			}
			if _, err := t.ExecContext(ctx, s.q("UPDATE comments SET parent_id = ? WHERE parent_id = ?"), parent, id); err != nil {
				return fmt.Errorf("store: delete comment: %w", err)
			}
			if _, err := t.ExecContext(ctx, s.q("DELETE FROM comments WHERE id = ?"), id); err != nil {
				return fmt.Errorf("store: delete comment: %w", err)
			}
			n++
		}
		return s.bumpComments(ctx, t)
	})
	return n, err
}

// HasApprovedComment reports whether someone with this name and email has
// an approved comment already (WordPress's "comment author must have a
// previously approved comment").
func (s *Store) HasApprovedComment(ctx context.Context, name, email string) (bool, error) {
	var one int
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT 1 FROM comments WHERE status = 'approved' AND author_email = ?
		AND author_name = ? LIMIT 1`), blog.NormalizeEmail(email), name).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: previously approved: %w", err)
	}
	return true, nil
}

// LastCommentAt returns when the newest comment from this IP or email
// was made (zero when none), for flood control across instances.
func (s *Store) LastCommentAt(ctx context.Context, ip, email string) (time.Time, error) {
	var ts sql.NullInt64
	err := s.conn.QueryRowContext(ctx, s.q(`SELECT max(created_at) FROM comments WHERE (author_ip = ? AND author_ip <> '')
		OR (author_email = ? AND author_email <> '')`), ip, blog.NormalizeEmail(email)).Scan(&ts)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: last comment: %w", err)
	}
	return fromUnix(ts.Int64), nil
}

// CommentIPsSince returns the addresses of comments made after since (at
// most limit of them, newest first), for checks that compare networks
// rather than single addresses.
func (s *Store) CommentIPsSince(ctx context.Context, since time.Time, limit int) ([]string, error) {
	rows, err := s.conn.QueryContext(ctx, s.q(`SELECT author_ip FROM comments WHERE created_at > ? AND author_ip <> ''
		ORDER BY created_at DESC LIMIT ?`), since.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent comment addresses: %w", err)
	}
	defer rows.Close()
	var ips []string
	for rows.Next() {
		var ip string
		if err := rows.Scan(&ip); err != nil {
			return nil, fmt.Errorf("store: recent comment addresses: %w", err)
		}
		ips = append(ips, ip)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recent comment addresses: %w", err)
	}
	return ips, nil
}

// ForgetCommentIPs clears the IP address of comments older than before.
func (s *Store) ForgetCommentIPs(ctx context.Context, before time.Time) (int, error) {
	res, err := s.conn.ExecContext(ctx, s.q("UPDATE comments SET author_ip = '' WHERE author_ip <> '' AND created_at < ?"), before.Unix())
	if err != nil {
		return 0, fmt.Errorf("store: forget comment IPs: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// AnonymizeCommentsByEmail erases an author's identity from their comments
// as WordPress does: the name becomes "Anonymous", email, IP, URL, user
// agent and photo are cleared, the text is kept. It returns how many
// changed. An empty address matches nothing: linkbacks, which hold no
// email, are never touched by it.
func (s *Store) AnonymizeCommentsByEmail(ctx context.Context, email string) (int, error) {
	email = blog.NormalizeEmail(email)
	if email == "" {
		return 0, nil
	}
	n := 0
	err := s.tx(ctx, func(t *sql.Tx) error {
		res, err := t.ExecContext(ctx, s.q(`UPDATE comments SET author_name = 'Anonymous', author_email = '', author_url = '',
			author_ip = '', user_agent = '', author_photo = '', updated_at = ? WHERE author_email = ?`), time.Now().Unix(), email)
		if err != nil {
			return fmt.Errorf("store: anonymize comments: %w", err)
		}
		k, _ := res.RowsAffected()
		n = int(k)
		return s.bumpComments(ctx, t)
	})
	return n, err
}
