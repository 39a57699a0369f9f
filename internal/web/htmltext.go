package web

import (
	"strings"

	"golang.org/x/net/html"
)

// closeTags closes the elements left open in a fragment of HTML, such as
// the part of a post before <!--more-->, so the rest of the page is not
// swallowed by an unclosed tag.
func closeTags(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var open []string
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.StartTagToken:
			name, _ := z.TagName()
			if !voidElements[string(name)] {
				open = append(open, string(name))
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == string(name) {
					open = open[:i]
					break
				}
			}
		}
	}
	if len(open) == 0 {
		return fragment
	}
	var b strings.Builder
	b.WriteString(fragment)
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString("</" + open[i] + ">")
	}
	return b.String()
}

var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

// absoluteURLs rewrites root-relative href and src attributes ("/media/…")
// in rendered HTML to absolute URLs under base, for feeds read elsewhere.
// base is the site's origin (Settings.Origin): a root-relative link in a
// body is as the browser reads it, the path prefix already in it.
func absoluteURLs(htm, base string) string {
	if !strings.Contains(htm, `="/`) {
		return htm
	}
	var b strings.Builder
	b.Grow(len(htm) + 256)
	for {
		i := strings.Index(htm, `="/`)
		if i < 0 {
			b.WriteString(htm)
			break
		}
		attr := htm[:i]
		isURLAttr := strings.HasSuffix(attr, " href") || strings.HasSuffix(attr, " src") || strings.HasSuffix(attr, "\nhref") || strings.HasSuffix(attr, "\nsrc")
		b.WriteString(htm[:i+2])
		htm = htm[i+2:] // starts with "/"
		if isURLAttr && !strings.HasPrefix(htm, "//") {
			b.WriteString(base)
		}
	}
	return b.String()
}
