package site

import (
	"context"
	"net/http"
	"strings"
)

// A site may live under a path: with the base URL https://example.com/blog
// a reverse proxy passes /blog/2024/05/post/ on unchanged, server.Handler
// strips /blog once at the edge (and answers 404 outside it), and every
// handler works with paths from the site's root ("site paths": /2024/05/post/,
// /admin/, /feed/). Every path Quire sends back to a browser — links in
// pages, form actions, assets, redirects, cookie paths — goes through one
// helper that puts the prefix back: Settings.Path where the settings are at
// hand, PathFor in a handler that only has its request. Absolute URLs (feeds,
// sitemap, mail, canonical links) come from Settings.Abs, whose base URL
// already carries the prefix.

// Prefix returns the path of the base URL as it appears in URLs (escaped),
// without its trailing slash: "" for a site at the root of its host,
// "/blog" for https://example.com/blog.
func (s *Settings) Prefix() string { return prefixOf(s.BaseURL) }

// Path returns p, a path from the site's root ("/admin/", "/feed/", a post's
// path), as browsers must ask for it: under the base URL's path prefix, so
// "/admin/" is "/blog/admin/" for a site at https://example.com/blog. Every
// root-relative link, form action and redirect a page carries goes through
// it (or PathFor).
func (s *Settings) Path(p string) string { return prefixOf(s.BaseURL) + p }

// Origin returns the scheme and host of the base URL, without its path
// ("https://example.com"): what root-relative links in a post's body
// ("/blog/media/1/a.jpg", written as the browser sees them) are relative
// to.
func (s *Settings) Origin() string {
	i := strings.Index(s.BaseURL, "://")
	if i < 0 {
		return s.BaseURL
	}
	if j := strings.IndexByte(s.BaseURL[i+3:], '/'); j >= 0 {
		return s.BaseURL[:i+3+j]
	}
	return s.BaseURL
}

// prefixOf returns the path of base, a normalised base URL
// (scheme://host[/path], no query), without its trailing slash.
func prefixOf(base string) string {
	i := strings.Index(base, "://")
	if i < 0 {
		return ""
	}
	rest := base[i+3:]
	j := strings.IndexByte(rest, '/')
	if j < 0 {
		return ""
	}
	return strings.TrimRight(rest[j:], "/")
}

type prefixKey struct{}

// WithPrefix returns ctx carrying the path prefix (escaped, as Prefix
// returns it) that a request was received under. server.Handler sets it
// when it strips the prefix.
func WithPrefix(ctx context.Context, prefix string) context.Context {
	return context.WithValue(ctx, prefixKey{}, prefix)
}

// RequestPrefix returns the prefix r was received under ("" at the root).
func RequestPrefix(r *http.Request) string {
	p, _ := r.Context().Value(prefixKey{}).(string)
	return p
}

// PathFor returns p, a path from the site's root, under the prefix r was
// received under: where a handler without the settings at hand redirects or
// links to ("/admin/" is "/blog/admin/" when r came in as /blog/…). It is
// Settings.Path for the settings in force when the request arrived.
func PathFor(r *http.Request, p string) string { return RequestPrefix(r) + p }
