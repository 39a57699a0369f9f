package send

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// MaxLinks is the most outbound links one post notifies; links after it
// in the text are not sent (a page of a thousand links would otherwise
// make a thousand fetches).
const MaxLinks = 100

// BodyLinks returns the absolute http and https addresses the rendered
// body links to (a[href]), in document order, each once, without
// fragments: the pages to notify. Relative links point into this site and
// are left out, as are links with credentials in them.
func BodyLinks(bodyHTML string) []string {
	var out []string
	seen := map[string]bool{}
	z := html.NewTokenizer(strings.NewReader(bodyHTML))
	for len(out) < MaxLinks {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if string(name) != "a" || !hasAttr {
			continue
		}
		for {
			k, v, more := z.TagAttr()
			if string(k) == "href" {
				if u := absoluteLink(string(v)); u != "" && !seen[u] {
					seen[u] = true
					out = append(out, u)
				}
				break
			}
			if !more {
				break
			}
		}
	}
	return out
}

// absoluteLink returns s as a normalised absolute http(s) URL without its
// fragment, or "" when it is not one.
func absoluteLink(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.User != nil || u.Host == "" || u.Hostname() == "" {
		return ""
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	u.Host = strings.ToLower(u.Host)
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" && u.RawQuery == "" {
		u.Path = "/"
	}
	return u.String()
}

// SameSite reports whether target is on the site whose base URL is base
// (same host and port, under the base's path): a link to the site itself.
func SameSite(target, base string) bool {
	t, err := url.Parse(target)
	if err != nil {
		return false
	}
	b, err := url.Parse(base)
	if err != nil || b.Host == "" {
		return false
	}
	if !strings.EqualFold(hostPort(t), hostPort(b)) {
		return false
	}
	prefix := strings.TrimRight(b.Path, "/")
	return prefix == "" || t.Path == prefix || strings.HasPrefix(t.Path, prefix+"/")
}

// hostPort is u's host with its scheme's default port made explicit, so
// http://example.com and http://example.com:80 compare equal.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if strings.EqualFold(u.Scheme, "https") {
			port = "443"
		}
	}
	return strings.ToLower(u.Hostname()) + ":" + port
}

// ParseTrackbacks reads the editor's "Send trackbacks to" field: addresses
// separated by spaces, commas or new lines, as WordPress takes them. It
// returns the addresses, each once, and those that are not absolute http
// or https URLs.
func ParseTrackbacks(field string) (urls, bad []string) {
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(field, func(r rune) bool {
		return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	}) {
		u := absoluteLink(f)
		if u == "" {
			bad = append(bad, f)
			continue
		}
		if !seen[u] {
			seen[u] = true
			urls = append(urls, u)
		}
	}
	return urls, bad
}
