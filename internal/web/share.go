package web

import (
	"net/url"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// shareView holds the "Share this post" links: plain links to each
// network's own share page, with no script of theirs on ours.
type shareView struct {
	Facebook, X, LinkedIn, Email string
	MastodonAction               string
	URL, Title                   string
}

// share builds the share links of p, every value query-escaped.
func share(st *site.Settings, p *blog.Post) *shareView {
	u := st.PostURL(p)
	q := url.QueryEscape
	return &shareView{
		Facebook:       "https://www.facebook.com/sharer/sharer.php?u=" + q(u),
		X:              "https://x.com/intent/tweet?url=" + q(u) + "&text=" + q(p.Title),
		LinkedIn:       "https://www.linkedin.com/sharing/share-offsite/?url=" + q(u),
		Email:          "mailto:?subject=" + mailtoEscape(p.Title) + "&body=" + mailtoEscape(p.Title+"\n\n"+u),
		MastodonAction: st.Path("/share/mastodon"),
		URL:            u,
		Title:          p.Title,
	}
}

// mailtoEscape escapes a mailto: header value (RFC 6068): like a query
// value, but a space is %20, since mail programs keep "+" as it is.
func mailtoEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
