package site

import (
	"net/http"
	"strings"
)

// Cookie returns c with the flags every cookie of the site carries, decided
// from the settings in effect for this request: it is the site's one
// cookie policy, so a change of base URL in Settings applies to the next
// cookie written, with no restart.
//
//   - Secure when the base URL is https (or the request itself came over
//     TLS): the cookie never travels in clear once the site is https.
//   - Path: c.Path (a path from the site's root; "" means "/") under the
//     base URL's path prefix.
//   - HttpOnly, and SameSite=Lax.
func (s *Settings) Cookie(r *http.Request, c *http.Cookie) *http.Cookie {
	out := *c
	out.Secure = strings.HasPrefix(s.BaseURL, "https://") || (r != nil && r.TLS != nil)
	out.Path = s.CookiePath(c.Path)
	out.HttpOnly = true
	out.SameSite = http.SameSiteLaxMode
	return &out
}

// SetCookie writes c to w with the policy's flags (see Cookie).
func (s *Settings) SetCookie(w http.ResponseWriter, r *http.Request, c *http.Cookie) {
	http.SetCookie(w, s.Cookie(r, c))
}

// CookiePath returns p, a path from the site's root ("" is "/"), under the
// base URL's path prefix: "/admin/" is "/blog/admin/" for a site at
// https://example.com/blog.
func (s *Settings) CookiePath(p string) string {
	if p == "" {
		p = "/"
	}
	return s.Path(p)
}
