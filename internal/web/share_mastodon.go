package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// shareMastodon sends a reader to the share page of their own Mastodon
// server: GET /share/mastodon?instance=HOST&url=POST_URL&title=TITLE
// answers 303 to https://HOST/share?text=TITLE%20POST_URL when HOST
// answers as a Mastodon-compatible server (Deps.Mastodon asks it, and
// remembers the answer). Otherwise the reader gets a page with that link
// to follow themselves, so the route cannot bounce readers to arbitrary
// sites. The server name must be a plain host name and the URL one of
// this site's; both are checked before anything is asked.
func (h *Handler) shareMastodon(w http.ResponseWriter, r *http.Request) {
	st, ver, err := h.Site.Current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	host, ok := mastodonHost(q.Get("instance"))
	if !ok {
		h.fail(w, r, errBadRequest("That does not look like the name of a Mastodon server. Type just its name, such as mastodon.social."))
		return
	}
	postURL := q.Get("url")
	if !strings.HasPrefix(postURL, st.BaseURL+"/") || len(postURL) > 2000 {
		h.fail(w, r, errBadRequest("Only this site's pages can be shared from here."))
		return
	}
	title := strings.TrimSpace(q.Get("title"))
	if !utf8.ValidString(title) || utf8.RuneCountInString(title) > 300 {
		title = ""
	}
	text := postURL
	if title != "" {
		text = title + " " + postURL
	}
	target := "https://" + host + "/share?text=" + url.QueryEscape(text)
	w.Header().Set("Cache-Control", "no-store")
	if h.Mastodon.IsServer(r.Context(), host) {
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	c, err := h.chromeFor(r.Context(), st, ver)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pv := h.newPage(r, st, c, "Share on "+host)
	pv.Heading, pv.Robots = "Share on "+host, "noindex"
	pv.Description = "Share this post on your Mastodon server, " + host + "."
	pv.Message = host + " did not answer as a Mastodon server just now, so you were not sent there. " +
		"If it is your server, follow the link to share the post there."
	pv.Link = &link{Title: "Share on " + host, URL: target}
	if err := h.render(w, http.StatusOK, "share-mastodon", pv); err != nil {
		h.fail(w, r, err)
	}
}

// mastodonHost turns what a reader typed for their server ("mastodon.social",
// "https://Mastodon.Social/", "@me@example.org", "bücher.example") into
// an ASCII host name, or reports false when it is not a public DNS name:
// no ports, paths, credentials, IP addresses or single-label names.
func mastodonHost(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 300 {
		return "", false
	}
	for _, prefix := range []string{"https://", "http://"} {
		if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
			s = s[len(prefix):]
			break
		}
	}
	s = strings.TrimSuffix(s, "/")
	if i := strings.LastIndexByte(s, '@'); i >= 0 && strings.HasPrefix(s, "@") {
		s = s[i+1:] // a full handle: @user@server
	}
	if s == "" || strings.ContainsAny(s, "/?#@:[]\\ %") {
		return "", false
	}
	ascii, err := idna.Lookup.ToASCII(s)
	if err != nil {
		return "", false
	}
	ascii = strings.ToLower(strings.TrimSuffix(ascii, "."))
	if len(ascii) > 253 {
		return "", false
	}
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return "", false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "", false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return "", false
			}
		}
	}
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" || tld == "localhost" || tld == "local" || tld == "internal" {
		return "", false // an IP address or a name only a private network knows
	}
	return ascii, true
}
