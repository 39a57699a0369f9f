package comments

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// decide returns the status a comment gets, in WordPress's order:
//
//  1. An owner, an editor or the post's author: approved.
//  2. A disallowed word anywhere (text, name, email, URL, IP, user agent):
//     trash.
//  3. A logged-out guest who gives the email address of an account:
//     pending, whatever that account or that address did before. Trust
//     comes from logging in, never from typing someone's address.
//  4. A moderation word anywhere, or MaxLinks links or more (when MaxLinks
//     > 0): pending.
//  5. Manual approval of every comment: pending.
//  6. "Previously approved" required and the author (name and email) has no
//     approved comment: pending. A logged-in user has an account and needs
//     none.
//  7. With an Akismet-compatible key (and an HTTP client): "spam" makes it
//     spam, even when 3–6 held it (the service's verdict wins, as with
//     WordPress's Akismet plugin); an error or an unclear answer holds it
//     (pending) so nothing is lost.
//  8. Otherwise the status from 3–6, or approved.
func (s *Service) decide(ctx context.Context, set *site.Settings, r Request, c *blog.Comment, trusted bool) (blog.CommentStatus, error) {
	if trusted {
		return blog.CommentApproved, nil
	}
	d := &set.Discussion
	fields := []string{c.Content, c.AuthorName, c.AuthorEmail, c.AuthorURL, c.AuthorIP, c.UserAgent}
	if matchesAny(d.DisallowedKeys, fields) {
		return blog.CommentTrash, nil
	}
	claims, err := s.claimsAccount(ctx, c)
	if err != nil {
		return "", fmt.Errorf("comments: decide: %w", err)
	}
	status := blog.CommentApproved
	switch {
	case claims:
		status = blog.CommentPending
	case matchesAny(d.ModerationKeys, fields):
		status = blog.CommentPending
	case d.MaxLinks > 0 && CountLinks(c.ContentHTML) >= d.MaxLinks:
		status = blog.CommentPending
	case d.ManualApproval:
		status = blog.CommentPending
	case d.PreviouslyApproved && r.User == nil:
		ok, err := s.Store.HasApprovedComment(ctx, c.AuthorName, c.AuthorEmail)
		if err != nil {
			return "", fmt.Errorf("comments: decide: %w", err)
		}
		if !ok {
			status = blog.CommentPending
		}
	}
	if d.AkismetKey != "" && s.HTTP != nil {
		spam, err := s.akismetSpam(ctx, set, r, c)
		switch {
		case err != nil:
			return blog.CommentPending, nil
		case spam:
			return blog.CommentSpam, nil
		}
	}
	return status, nil
}

// claimsAccount reports whether comment c, written by no logged-in user,
// gives the email address of an account of the site.
func (s *Service) claimsAccount(ctx context.Context, c *blog.Comment) (bool, error) {
	if c.UserID != 0 || c.AuthorEmail == "" {
		return false, nil
	}
	_, err := s.Store.UserByEmail(ctx, c.AuthorEmail)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, blog.ErrNotFound):
		return false, nil
	}
	return false, err
}

// matchesAny reports whether one of words occurs, ignoring case, anywhere
// inside one of fields, as WordPress matches moderation and disallowed
// words: "press" matches "WordPress", "192.0.2." matches an IP range.
func matchesAny(words, fields []string) bool {
	if len(words) == 0 {
		return false
	}
	lower := make([]string, len(fields))
	for i, f := range fields {
		lower[i] = strings.ToLower(f)
	}
	for _, w := range words {
		w = strings.ToLower(strings.TrimSpace(w))
		if w == "" {
			continue
		}
		for _, f := range lower {
			if strings.Contains(f, w) {
				return true
			}
		}
	}
	return false
}

// CountLinks counts the links in a comment's rendered HTML: every <a>
// element, whether the reader wrote it as HTML, as Markdown or as a bare
// address that became a link. (WordPress counts `<a … href` in the raw
// text; counting what is rendered also catches the bare and Markdown
// links a comment here can use.)
func CountLinks(renderedHTML string) int {
	return strings.Count(renderedHTML, "<a ")
}
