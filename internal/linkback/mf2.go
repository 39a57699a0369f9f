package linkback

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// entry is what a webmention needs of a source's h-entry
// (microformats2): its name, author, text, and the URLs it replies to,
// likes or reposts.
type entry struct {
	Name    string // explicit p-name only: an implied name is the whole text
	Content string // e-content, as plain text
	Summary string // p-summary
	Author  card
	// InReplyTo, LikeOf and RepostOf are the u-in-reply-to, u-like-of and
	// u-repost-of URLs (of an h-cite, its u-url).
	InReplyTo, LikeOf, RepostOf []*url.URL
}

// card is an h-card: a name, a home page and a photo. Its URLs are
// absolute but not yet checked.
type card struct {
	Name, URL, Photo string
}

// item is one microformats2 object as parsed: its types (h-entry…) and
// properties, each with the values found, in document order.
type item struct {
	node  *html.Node
	types []string
	props map[string][]value
}

// value is one property value: text for p-, e- and dt- properties, a URL
// for u- properties, and the nested item when the element is one.
type value struct {
	text string
	url  *url.URL
	item *item
}

var (
	rootClass = regexp.MustCompile(`^h(-[a-z0-9]+)*-[a-z]+$`)
	propClass = regexp.MustCompile(`^(p|u|dt|e)(-[a-z0-9]+)*-[a-z]+$`)
)

// classes splits n's class attribute into microformat root and property
// names ("h-card"; "p-author").
func classes(n *html.Node) (roots, props []string) {
	c, _ := attr(n, "class")
	seen := map[string]bool{}
	for _, f := range strings.Fields(c) {
		if seen[f] {
			continue
		}
		seen[f] = true
		switch {
		case rootClass.MatchString(f):
			roots = append(roots, f)
		case propClass.MatchString(f):
			props = append(props, f)
		}
	}
	return roots, props
}

// findEntry returns the source's h-entry that contains a link to the
// target (one of links), else its first h-entry, else nil.
func findEntry(doc *html.Node, base, target *url.URL, links []*html.Node) *entry {
	var entries []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if hidden[n.DataAtom] {
				return
			}
			roots, _ := classes(n)
			for _, r := range roots {
				if r == "h-entry" {
					entries = append(entries, n)
					break
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if len(entries) == 0 {
		return nil
	}
	pick := entries[0]
outer:
	for _, e := range entries {
		for _, l := range links {
			if contains(e, l) {
				pick = e
				break outer
			}
		}
	}
	return toEntry(parseItem(pick, base), base)
}

// contains reports whether n is anc or inside it.
func contains(anc, n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n == anc {
			return true
		}
	}
	return false
}

// parseItem parses the microformat rooted at n.
func parseItem(n *html.Node, base *url.URL) *item {
	roots, _ := classes(n)
	it := &item{node: n, types: roots, props: map[string][]value{}}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		it.collect(c, base)
	}
	return it
}

// collect adds the properties found at n and below it to it. A nested
// microformat is one value (when it has property classes) and its own
// properties stay its own.
func (it *item) collect(n *html.Node, base *url.URL) {
	if n.Type != html.ElementNode || hidden[n.DataAtom] {
		return
	}
	roots, props := classes(n)
	if len(roots) > 0 {
		sub := parseItem(n, base)
		for _, p := range props {
			v := value{item: sub}
			switch {
			case strings.HasPrefix(p, "u-"):
				if u := sub.url(base); u != "" {
					v.url, _ = url.Parse(u)
				}
			default:
				v.text = sub.name()
			}
			it.add(p, v)
		}
		return
	}
	for _, p := range props {
		it.add(p, propValue(p, n, base))
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		it.collect(c, base)
	}
}

func (it *item) add(prop string, v value) { it.props[prop] = append(it.props[prop], v) }

// first returns the first text value of prop.
func (it *item) first(prop string) string {
	for _, v := range it.props[prop] {
		if v.text != "" {
			return v.text
		}
	}
	return ""
}

// propValue parses the value of property prop at element n, as
// microformats2 says for its prefix.
func propValue(prop string, n *html.Node, base *url.URL) value {
	switch {
	case strings.HasPrefix(prop, "u-"):
		if s := urlAttr(n); s != "" {
			if u, err := base.Parse(strings.TrimSpace(s)); err == nil {
				return value{url: u}
			}
			return value{}
		}
		s := textValue(n)
		if u, err := base.Parse(s); err == nil && s != "" {
			return value{url: u, text: s}
		}
		return value{text: s}
	case strings.HasPrefix(prop, "e-"):
		return value{text: textOf(n)}
	}
	return value{text: textValue(n)}
}

// urlAttr is the attribute a u- property reads on n's kind of element.
func urlAttr(n *html.Node) string {
	var key string
	switch n.DataAtom {
	case atom.A, atom.Area, atom.Link:
		key = "href"
	case atom.Img, atom.Audio, atom.Video, atom.Source, atom.Iframe:
		key = "src"
	case atom.Object:
		key = "data"
	default:
		return ""
	}
	v, _ := attr(n, key)
	if v == "" && n.DataAtom == atom.Video {
		v, _ = attr(n, "poster")
	}
	return v
}

// textValue is a p- property's value: a title, value or alt attribute
// where the element has one, else its text.
func textValue(n *html.Node) string {
	switch n.DataAtom {
	case atom.Abbr, atom.Link:
		if v, ok := attr(n, "title"); ok {
			return collapse(v)
		}
	case atom.Data, atom.Input:
		if v, ok := attr(n, "value"); ok {
			return collapse(v)
		}
	case atom.Img, atom.Area:
		if v, ok := attr(n, "alt"); ok {
			return collapse(v)
		}
	}
	return textOf(n)
}

// name is an item's p-name, or its implied name: an image's alt, an
// abbreviation's title, else its text.
func (it *item) name() string {
	if s := it.first("p-name"); s != "" {
		return s
	}
	n := it.node
	if v := textValue(n); n.DataAtom == atom.Img || n.DataAtom == atom.Area || n.DataAtom == atom.Abbr {
		return v
	}
	if c := onlyChild(n); c != nil && (c.DataAtom == atom.Img || c.DataAtom == atom.Abbr) {
		if v := textValue(c); v != "" {
			return v
		}
	}
	return textOf(n)
}

// url is an item's u-url, or its implied URL: its own href, or that of
// its only child link.
func (it *item) url(base *url.URL) string {
	for _, v := range it.props["u-url"] {
		if v.url != nil {
			return v.url.String()
		}
	}
	for _, n := range []*html.Node{it.node, onlyChild(it.node), onlyChild(onlyChild(it.node))} {
		if n != nil && (n.DataAtom == atom.A || n.DataAtom == atom.Area) {
			if href, ok := attr(n, "href"); ok {
				if u, err := base.Parse(strings.TrimSpace(href)); err == nil {
					return u.String()
				}
			}
		}
	}
	return ""
}

// photo is an item's u-photo, or its implied photo: its own image, or its
// only child image.
func (it *item) photo(base *url.URL) string {
	for _, v := range it.props["u-photo"] {
		if v.url != nil {
			return v.url.String()
		}
	}
	for _, n := range []*html.Node{it.node, onlyChild(it.node), onlyChild(onlyChild(it.node))} {
		if n != nil && n.DataAtom == atom.Img {
			if src, ok := attr(n, "src"); ok {
				if u, err := base.Parse(strings.TrimSpace(src)); err == nil {
					return u.String()
				}
			}
		}
	}
	return ""
}

// onlyChild returns n's one child element when it has exactly one (and no
// text beside it), else nil.
func onlyChild(n *html.Node) *html.Node {
	if n == nil {
		return nil
	}
	var only *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.ElementNode:
			if only != nil {
				return nil
			}
			only = c
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return nil
			}
		}
	}
	return only
}

// toEntry takes from a parsed h-entry what a webmention keeps.
func toEntry(it *item, base *url.URL) *entry {
	e := &entry{Name: it.first("p-name"), Content: it.first("e-content"), Summary: it.first("p-summary")}
	if authors := append(it.props["p-author"], it.props["u-author"]...); len(authors) > 0 {
		switch v := authors[0]; {
		case v.item != nil:
			e.Author = card{Name: v.item.name(), URL: v.item.url(base), Photo: v.item.photo(base)}
		case v.url != nil:
			e.Author.URL = v.url.String()
		default:
			e.Author.Name = v.text
		}
	}
	urls := func(prop string) []*url.URL {
		var out []*url.URL
		for _, v := range it.props[prop] {
			if v.url != nil {
				out = append(out, v.url)
			}
		}
		return out
	}
	e.InReplyTo, e.LikeOf, e.RepostOf = urls("u-in-reply-to"), urls("u-like-of"), urls("u-repost-of")
	return e
}
