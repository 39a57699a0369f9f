package comments

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/quirehq/quire/internal/blog"
)

// ModerateLinkback returns the status a received linkback (a pingback,
// trackback or webmention, already verified as its kind requires) gets on
// post p, by the rules that apply to comments, as WordPress runs
// check_comment on pingbacks:
//
//  1. A disallowed word in any field (title, excerpt, blog or author name,
//     URLs, the sender's IP or user agent): trash.
//  2. A moderation word, or MaxLinks addresses or more in the excerpt
//     (when MaxLinks > 0): pending.
//  3. Manual approval of every comment: pending.
//  4. "Previously approved" required: approved only when a linkback from
//     the same source host was approved before; a new host waits, as a
//     first-time commenter does.
//  5. With an Akismet-compatible key (and an HTTP client): "spam" makes it
//     spam; an error or an unclear answer holds it.
//  6. Otherwise approved.
func (s *Service) ModerateLinkback(ctx context.Context, p *blog.Post, c *blog.Comment) (blog.CommentStatus, error) {
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		return "", fmt.Errorf("comments: moderate linkback: %w", err)
	}
	d := &set.Discussion
	fields := []string{c.Content, c.AuthorName, c.SourceTitle, c.AuthorURL, c.SourceURL, c.AuthorIP, c.UserAgent}
	if matchesAny(d.DisallowedKeys, fields) {
		return blog.CommentTrash, nil
	}
	status := blog.CommentApproved
	switch {
	case matchesAny(d.ModerationKeys, fields):
		status = blog.CommentPending
	case d.MaxLinks > 0 && countAddresses(c.Content) >= d.MaxLinks:
		status = blog.CommentPending
	case d.ManualApproval:
		status = blog.CommentPending
	case d.PreviouslyApproved:
		ok, err := s.Store.ApprovedLinkbackFromHost(ctx, SourceHost(c.SourceURL))
		if err != nil {
			return "", fmt.Errorf("comments: moderate linkback: %w", err)
		}
		if !ok {
			status = blog.CommentPending
		}
	}
	if d.AkismetKey != "" && s.HTTP != nil {
		spam, err := s.akismetSpam(ctx, set, Request{Post: p}, c)
		switch {
		case err != nil:
			return blog.CommentPending, nil
		case spam:
			return blog.CommentSpam, nil
		}
	}
	return status, nil
}

// SourceHost returns the host of a linkback's source URL as the store
// compares it: lower case, with its port if any; "" when it has none.
func SourceHost(source string) string {
	u, err := url.Parse(source)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// countAddresses counts the web addresses in plain text, the links a
// linkback's excerpt can carry.
func countAddresses(text string) int {
	lower := strings.ToLower(text)
	return strings.Count(lower, "http://") + strings.Count(lower, "https://")
}
