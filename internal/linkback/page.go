package linkback

import (
	"bytes"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// page is what a source page says, as far as a linkback needs it. Every
// string is plain text taken from the page's text, never its markup.
type page struct {
	// Title is the text of the page's <title>, spaces collapsed.
	Title string
	// TitleMarkup is set when the title, as written in the page, holds
	// what looks like markup ("<script>…", not "&lt;b&gt;"): such a title
	// is refused, as WordPress refuses a title it cannot read as plain
	// text.
	TitleMarkup bool
	// Linked is whether the page links to the target: an <a href>, an
	// <img>, <video> or <audio> src (or a <source> inside them), outside
	// HTML comments and <code> or <pre>, naming the target exactly, the
	// fragment aside.
	Linked bool
	// Before, LinkText and After are the text around the first link to
	// the target, in its paragraph, as WordPress takes a pingback's
	// excerpt; see excerpt.
	Before, LinkText, After string
	// Entry is the page's h-entry (the first one that links to the
	// target, else the first), nil when it has none.
	Entry *entry
}

// analyse reads a source page, fetched from base (the URL after any
// redirects), for what it says about target.
func analyse(body []byte, base, target *url.URL) *page {
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return &page{}
	}
	p := &page{}
	if t := find(doc, atom.Title); t != nil {
		p.Title = collapse(rawText(t))
		p.TitleMarkup = looksLikeMarkup(rawTitle(body))
	}
	if b := find(doc, atom.Base); b != nil {
		if href, ok := attr(b, "href"); ok {
			if u, err := base.Parse(strings.TrimSpace(href)); err == nil {
				base = u
			}
		}
	}
	a := &analyser{base: base, target: target}
	a.walk(doc)
	a.endPara()
	if a.found {
		p.Linked = true
		p.Before, p.LinkText, p.After = a.before, a.linkText, a.after
	}
	p.Entry = findEntry(doc, base, target, a.linkNodes)
	return p
}

// analyser walks a document once, finding the first link to the target
// and the paragraph it sits in.
type analyser struct {
	base, target *url.URL

	para      strings.Builder // text of the paragraph being read
	inLink    bool            // inside the first link to the target
	linkStart int             // where its text starts in para
	found     bool            // the link was found; its paragraph is being finished
	done      bool            // its paragraph is finished
	inCode    int             // depth of <code> and <pre>: text, but no links

	before, linkText, after string
	linkNodes               []*html.Node // every element linking to the target
}

// blocks are the elements that end a paragraph of text, WordPress's list
// (h1–h6, p, th, td, li, dt, dd, pre, caption, input, textarea, button,
// body) and the other block elements pages use.
var blocks = map[atom.Atom]bool{
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.P: true,
	atom.Th: true, atom.Td: true, atom.Li: true, atom.Dt: true, atom.Dd: true, atom.Pre: true, atom.Caption: true,
	atom.Input: true, atom.Textarea: true, atom.Button: true, atom.Body: true, atom.Div: true, atom.Blockquote: true,
	atom.Article: true, atom.Section: true, atom.Header: true, atom.Footer: true, atom.Main: true, atom.Aside: true,
	atom.Nav: true, atom.Ul: true, atom.Ol: true, atom.Table: true, atom.Tr: true, atom.Figure: true,
	atom.Figcaption: true, atom.Br: true, atom.Hr: true, atom.Form: true, atom.Dl: true,
}

// hidden are elements whose content is never text of the page.
var hidden = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true, atom.Head: true,
	atom.Textarea: true, atom.Svg: true, atom.Math: true,
}

// codeLike are elements whose links are shown, not made: a code sample
// quoting a link does not link.
var codeLike = map[atom.Atom]bool{atom.Code: true, atom.Pre: true, atom.Kbd: true, atom.Samp: true}

func (a *analyser) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		if !a.done {
			a.para.WriteString(n.Data)
		}
		return
	case html.CommentNode:
		return
	case html.ElementNode:
		if hidden[n.DataAtom] {
			if blocks[n.DataAtom] {
				a.endPara()
			}
			return
		}
	}
	block := n.Type == html.ElementNode && blocks[n.DataAtom]
	if block {
		a.endPara()
	}
	code := n.Type == html.ElementNode && codeLike[n.DataAtom]
	if code {
		a.inCode++
		defer func() { a.inCode-- }()
	}
	isLink := n.Type == html.ElementNode && a.inCode == 0 && a.linksToTarget(n)
	if isLink {
		a.linkNodes = append(a.linkNodes, n)
	}
	first := isLink && !a.found && !a.done
	if first {
		a.found, a.inLink = true, true
		a.linkStart = a.para.Len()
		if n.DataAtom != atom.A {
			// A media element has no text: its alt stands for it.
			if alt, ok := attr(n, "alt"); ok {
				a.para.WriteString(alt)
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		a.walk(c)
	}
	if first {
		a.inLink = false
		text := a.para.String()
		a.before = text[:a.linkStart]
		a.linkText = text[a.linkStart:]
		a.para.Reset()
	}
	if block {
		a.endPara()
	}
}

// endPara ends the paragraph being read: the one holding the link becomes
// the text after it.
func (a *analyser) endPara() {
	if a.found && !a.done && !a.inLink {
		a.after = a.para.String()
		a.done = true
	}
	if !a.inLink {
		a.para.Reset()
	}
}

// linksToTarget reports whether element n links to the target: an <a
// href>, or the src of an <img>, <video>, <audio>, or of a <source> inside
// a <video>, <audio> or <picture>.
func (a *analyser) linksToTarget(n *html.Node) bool {
	var ref string
	var ok bool
	switch n.DataAtom {
	case atom.A:
		ref, ok = attr(n, "href")
	case atom.Img, atom.Video, atom.Audio:
		ref, ok = attr(n, "src")
	case atom.Source:
		if p := n.Parent; p != nil && (p.DataAtom == atom.Video || p.DataAtom == atom.Audio || p.DataAtom == atom.Picture) {
			ref, ok = attr(n, "src")
		}
	}
	if !ok {
		return false
	}
	u, err := a.base.Parse(strings.TrimSpace(ref))
	return err == nil && sameURL(u, a.target)
}

// excerpt is the text around the first link to the target, as WordPress
// takes a pingback's: the link's text (cut at 100 bytes, "…" added), and
// at most 100 characters before and after it in its paragraph, cut at a
// space so no word is broken. cut reports whether text was left out.
func (p *page) excerpt() (text string, cut bool) {
	link := collapse(p.LinkText)
	if len(link) > 100 {
		link = truncateBytes(link, 100) + "…"
	}
	before, cb := lastWords(collapse(p.Before), 100)
	after, ca := firstWords(collapse(p.After), 100)
	// Words stay apart, and punctuation stays against its word, as the
	// page has them.
	if before != "" && endsInSpace(p.Before+p.LinkText[:len(p.LinkText)-len(strings.TrimLeftFunc(p.LinkText, unicode.IsSpace))]) {
		before += " "
	}
	if after != "" && startsWithSpace(p.LinkText[len(strings.TrimRightFunc(p.LinkText, unicode.IsSpace)):]+p.After) {
		after = " " + after
	}
	return collapse(before + link + after), cb || ca
}

func endsInSpace(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return s != "" && unicode.IsSpace(r)
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && unicode.IsSpace(r)
}

func nonEmpty(ss ...string) []string {
	out := ss[:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// lastWords returns the end of s, at most n characters, starting at a word.
func lastWords(s string, n int) (string, bool) {
	r := []rune(s)
	if len(r) <= n {
		return s, false
	}
	tail := string(r[len(r)-n:])
	if !unicode.IsSpace(r[len(r)-n-1]) {
		if i := strings.IndexFunc(tail, unicode.IsSpace); i >= 0 {
			tail = tail[i:]
		} else {
			tail = ""
		}
	}
	return strings.TrimSpace(tail), true
}

// firstWords returns the start of s, at most n characters, ending at a
// word.
func firstWords(s string, n int) (string, bool) {
	r := []rune(s)
	if len(r) <= n {
		return s, false
	}
	head := string(r[:n])
	if !unicode.IsSpace(r[n]) {
		if i := strings.LastIndexFunc(head, unicode.IsSpace); i >= 0 {
			head = head[:i]
		} else {
			head = ""
		}
	}
	return strings.TrimSpace(head), true
}

// clip shortens plain text to at most n characters, at a word when one
// ends near, with "…" when anything was cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	head, _ := firstWords(s, n-1)
	if utf8.RuneCountInString(head) < n/2 {
		head = string([]rune(s)[:n-1])
	}
	return strings.TrimSpace(head) + "…"
}

// truncateBytes cuts s to at most n bytes without splitting a character.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// collapse makes every run of white space one space and trims the ends.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// looksLikeMarkup reports whether plain text holds a tag or a comment:
// "<" followed by a letter, "/", "!" or "?".
func looksLikeMarkup(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '<' {
			continue
		}
		c := s[i+1]
		if c == '/' || c == '!' || c == '?' || (c|0x20 >= 'a' && c|0x20 <= 'z') {
			return true
		}
	}
	return false
}

// find returns the first element of type a under n, in document order.
func find(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := find(c, a); f != nil {
			return f
		}
	}
	return nil
}

// attr returns n's attribute key.
func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// rawText is the text directly inside n (a <title>'s only child).
func rawText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

// rawTitle is the first <title>'s content as written, entities and all.
func rawTitle(body []byte) string {
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken:
			if name, _ := z.TagName(); atom.Lookup(name) == atom.Title {
				if z.Next() == html.TextToken {
					return string(z.Raw())
				}
				return ""
			}
		}
	}
}

// textOf is the text a reader sees in n: scripts, styles and comments left
// out, a space between blocks and at line breaks, spaces collapsed.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.CommentNode:
			return
		case html.ElementNode:
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Template, atom.Noscript:
				return
			case atom.Img:
				if alt, ok := attr(n, "alt"); ok {
					b.WriteString(" " + alt + " ")
				}
				return
			}
			if blocks[n.DataAtom] {
				b.WriteByte(' ')
				defer b.WriteByte(' ')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return collapse(b.String())
}
