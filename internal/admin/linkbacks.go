package admin

import (
	"html"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/blog"
)

// sourceLink returns s when it is an absolute http(s) URL fit for a link
// (a linkback's source may be longer than a commenter's website), else "".
func sourceLink(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxSourceURL || strings.ContainsAny(s, " \t\r\n<>\"'`\\") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return u.String()
}

// maxSourceURL is the longest linkback URL the admin accepts or links.
const maxSourceURL = 2048

// firstNonEmpty returns the first of s that is not empty.
func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// linkbackHTML is a linkback's stored HTML: its excerpt, plain text,
// escaped in one paragraph, as received linkbacks are stored.
func linkbackHTML(text string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return ""
	}
	return "<p>" + html.EscapeString(text) + "</p>"
}

// checkLinkbackForm reports every problem of a moderator's edit of a
// linkback: its name (the linking page's title, the blog's name or the
// author's) and excerpt may be empty, its URL may be long, and it has no
// email.
func checkLinkbackForm(f *commentForm) blog.FieldErrors {
	fe := blog.FieldErrors{}
	switch {
	case !utf8.ValidString(f.Name):
		fe.Add("author", "The name contains text that is not valid UTF-8.")
	case utf8.RuneCountInString(f.Name) > 245:
		fe.Add("author", "The name is too long.")
	}
	if f.URL != "" && sourceLink(f.URL) == "" {
		fe.Add("url", "Enter an address starting with http:// or https://, or leave it empty.")
	}
	switch {
	case !utf8.ValidString(f.Text):
		fe.Add("comment", "The excerpt contains text that is not valid UTF-8.")
	case len(f.Text) > blog.MaxCommentBytes:
		fe.Add("comment", "The excerpt is too long: keep it under 64 KiB.")
	}
	return fe
}
