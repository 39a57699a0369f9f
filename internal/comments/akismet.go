package comments

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// akismetSpam asks the Akismet-compatible service at the site's AkismetURL
// whether c is spam (POST /1.1/comment-check). The answer "true" is spam,
// "false" is not; anything else, a status other than 200, a network error
// or no answer within 5 seconds is an error.
func (s *Service) akismetSpam(ctx context.Context, set *site.Settings, r Request, c *blog.Comment) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, akismetTimeout)
	defer cancel()
	form := url.Values{
		"api_key":              {set.Discussion.AkismetKey},
		"blog":                 {set.BaseURL + "/"},
		"user_ip":              {c.AuthorIP},
		"user_agent":           {c.UserAgent},
		"referrer":             {r.Referer},
		"permalink":            {set.PostURL(r.Post)},
		"comment_type":         {string(commentType(c))},
		"comment_author":       {c.AuthorName},
		"comment_author_email": {c.AuthorEmail},
		"comment_author_url":   {c.AuthorURL},
		"comment_content":      {c.Content},
		"comment_date_gmt":     {c.CreatedAt.UTC().Format("2006-01-02T15:04:05Z")},
		"blog_lang":            {set.Language},
		"blog_charset":         {"UTF-8"},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, set.Discussion.AkismetURL+"/1.1/comment-check",
		strings.NewReader(form.Encode()))
	if err != nil {
		return false, fmt.Errorf("comments: spam check: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "Quire | Akismet-compatible/1.1")
	resp, err := s.HTTP.Do(req)
	if err != nil {
		return false, fmt.Errorf("comments: spam check: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil {
		return false, fmt.Errorf("comments: spam check: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("comments: spam check: status %d", resp.StatusCode)
	}
	switch strings.TrimSpace(string(body)) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	help := resp.Header.Get("X-Akismet-Debug-Help")
	return false, fmt.Errorf("comments: spam check: unexpected answer %.40q %s", body, help)
}

// commentType is c's type as the service names it: "comment", or a
// linkback's "pingback", "trackback" or "webmention".
func commentType(c *blog.Comment) blog.CommentType {
	if c.Type == "" {
		return blog.TypeComment
	}
	return c.Type
}
