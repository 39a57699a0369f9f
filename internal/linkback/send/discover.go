package send

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/safehttp"
)

// MaxPage is how much of a target page discovery reads: endpoints are
// advertised near the top, and a longer page is read only this far.
const MaxPage = 1 << 20

// Endpoint is where a page takes linkbacks: a Webmention endpoint or a
// Pingback server. The zero Endpoint means the page advertises neither.
type Endpoint struct {
	Protocol string // blog.ProtocolWebmention, blog.ProtocolPingback or ""
	URL      string
}

// PageError is a target page (or endpoint) that answered with a status
// other than 2xx, and the start of what it said when that was text.
type PageError struct {
	Status  int
	Message string
}

func (e *PageError) Error() string {
	s := fmt.Sprintf("answered %d %s", e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Temporary reports whether the same request may well succeed later
// (a timeout, too many requests, a server error).
func (e *PageError) Temporary() bool {
	return e.Status == http.StatusRequestTimeout || e.Status == http.StatusTooEarly ||
		e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// Discover finds where target takes linkbacks, as the Webmention
// Recommendation (section 3.1.2) says and falling back to Pingback 1.0:
//
//  1. a HEAD request, whose Link header may name the Webmention endpoint
//     (a rel=webmention among the header's links, quoted or not, rel
//     values space-separated and compared case-insensitively);
//  2. else a GET: its Link header, then — for text/html only — the first
//     <link> or <a> element with a rel of webmention and an href, in
//     document order (elements inside comments, or escaped as text, are
//     not elements);
//  3. else Pingback: the X-Pingback header, then <link rel="pingback">.
//
// Relative addresses are resolved against the page's final URL after
// redirects (an empty href is the page itself); an endpoint's query string
// is kept. Every request goes through c, safehttp's checks included; at
// most MaxPage bytes of the page are read.
func Discover(ctx context.Context, c *safehttp.Client, target string) (Endpoint, error) {
	var headPingback string
	if resp, err := get(ctx, c, http.MethodHead, target); err == nil {
		resp.Body.Close()
		if ok(resp.StatusCode) {
			base := resp.Request.URL
			if ep := linkHeaderEndpoint(base, resp.Header); ep != "" {
				return Endpoint{blog.ProtocolWebmention, ep}, nil
			}
			headPingback = headerURL(base, resp.Header.Get("X-Pingback"))
		}
	} else if ctx.Err() != nil {
		return Endpoint{}, err
	}
	// A HEAD that failed or said nothing: a GET says more (some servers
	// answer HEAD badly).
	resp, err := get(ctx, c, http.MethodGet, target)
	if err != nil {
		return Endpoint{}, err
	}
	defer resp.Body.Close()
	if !ok(resp.StatusCode) {
		return Endpoint{}, &PageError{Status: resp.StatusCode}
	}
	base := resp.Request.URL
	if ep := linkHeaderEndpoint(base, resp.Header); ep != "" {
		return Endpoint{blog.ProtocolWebmention, ep}, nil
	}
	var pingbackLink string
	if safehttp.CheckType(resp, "text/html", "application/xhtml+xml") == nil {
		page, err := io.ReadAll(io.LimitReader(resp.Body, MaxPage))
		if err != nil {
			return Endpoint{}, fmt.Errorf("send: read %s: %w", target, err)
		}
		var wm string
		wm, pingbackLink = htmlEndpoints(base, page)
		if wm != "" {
			return Endpoint{blog.ProtocolWebmention, wm}, nil
		}
	}
	for _, pb := range []string{headerURL(base, resp.Header.Get("X-Pingback")), headPingback, pingbackLink} {
		if pb != "" {
			return Endpoint{blog.ProtocolPingback, pb}, nil
		}
	}
	return Endpoint{}, nil
}

func ok(status int) bool { return status >= 200 && status < 300 }

func get(ctx context.Context, c *safehttp.Client, method, target string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, nil)
	if err != nil {
		return nil, fmt.Errorf("send: %s: %w", target, err)
	}
	req.Header.Set("Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.5")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// linkHeaderEndpoint returns the first rel=webmention link of h's Link
// headers, resolved against base, or "".
func linkHeaderEndpoint(base *url.URL, h http.Header) string {
	for _, l := range parseLinkHeaders(h.Values("Link")) {
		if hasRel(l.Rels, "webmention") {
			if ep := resolve(base, l.URL); ep != "" {
				return ep
			}
		}
	}
	return ""
}

// htmlEndpoints returns the first Webmention endpoint advertised by a
// <link> or <a> element of page, and the first Pingback server advertised
// by a <link> element, each resolved against base ("" when none).
func htmlEndpoints(base *url.URL, page []byte) (webmention, pingback string) {
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return "", pingback
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		tag := string(name)
		if (tag != "link" && tag != "a") || !hasAttr {
			continue
		}
		var rels []string
		var href string
		hasHref := false
		for {
			k, v, more := z.TagAttr()
			switch string(k) {
			case "rel":
				rels = strings.Fields(strings.ToLower(string(v)))
			case "href":
				href, hasHref = string(v), true
			}
			if !more {
				break
			}
		}
		if !hasHref {
			continue // an element without href advertises nothing
		}
		if hasRel(rels, "webmention") {
			if ep := resolve(base, href); ep != "" {
				return ep, pingback
			}
		}
		if tag == "link" && pingback == "" && hasRel(rels, "pingback") {
			pingback = resolve(base, href)
		}
	}
}

// headerURL is the address a header such as X-Pingback holds, resolved
// against base; "" when the header is empty or not an http(s) URL.
func headerURL(base *url.URL, v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	return resolve(base, v)
}

// resolve returns ref resolved against base when it is an http(s) URL,
// else "". An empty ref is base itself.
func resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}
