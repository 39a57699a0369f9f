package linkback

import (
	"net"
	"net/url"
	"strings"
	"unicode/utf8"
)

// maxURL is the longest source or target URL taken.
const maxURL = 2000

// parseURL checks a source or target URL as a sender gave it: an absolute
// http or https URL with a host, no user name or password, no spaces or
// control characters, at most maxURL bytes of valid UTF-8. It returns the
// URL with its fragment dropped and its scheme and host in lower case.
func parseURL(s string) (*url.URL, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxURL || !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool {
		return r <= ' ' || r == 0x7f
	}) {
		return nil, false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
		u.Host == "" || u.User != nil || u.Opaque != "" {
		return nil, false
	}
	if h := u.Hostname(); h == "" || strings.ContainsAny(h, "/\\") {
		return nil, false
	}
	return normalize(u), true
}

// normalize returns a copy of u as two URLs naming the same page compare:
// scheme and host in lower case, the scheme's default port dropped, an
// empty path made "/", no fragment.
func normalize(u *url.URL) *url.URL {
	c := *u
	c.User = nil
	c.Scheme = strings.ToLower(c.Scheme)
	c.Host = strings.ToLower(c.Host)
	if host, port, err := net.SplitHostPort(c.Host); err == nil &&
		((c.Scheme == "http" && port == "80") || (c.Scheme == "https" && port == "443")) {
		c.Host = host
		if strings.Contains(host, ":") {
			c.Host = "[" + host + "]"
		}
	}
	if c.Path == "" && c.RawPath == "" {
		c.Path = "/"
	}
	c.Fragment, c.RawFragment = "", ""
	return &c
}

// sameURL reports whether a and b name the same page: equal once
// normalized, their paths compared as escaped.
func sameURL(a, b *url.URL) bool {
	x, y := normalize(a), normalize(b)
	return x.Scheme == y.Scheme && x.Host == y.Host && x.EscapedPath() == y.EscapedPath() && x.RawQuery == y.RawQuery
}
