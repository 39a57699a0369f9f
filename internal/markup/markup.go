// Package markup renders Markdown to sanitised HTML.
package markup

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	goldhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/wpformat"
)

// markdown is the configured converter. It holds no per-document state, so
// one value serves every call.
var markdown = goldmark.New(
	goldmark.WithExtensions(
		// GitHub Flavored Markdown, with table alignment as attributes
		// since style attributes are not kept.
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
		extension.Linkify,
		extension.TaskList,
	),
	// Goldmark's own parsers, with lists and quotes nested at most
	// MaxNesting deep.
	goldmark.WithParser(parser.NewParser(
		parser.WithBlockParsers(limitNesting(parser.DefaultBlockParsers())...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	// Authors are trusted to write HTML; the sanitiser below decides what
	// of it reaches readers.
	goldmark.WithRendererOptions(goldhtml.WithUnsafe()),
)

// policy is the sanitiser shared by every call; a bluemonday policy is safe
// for concurrent use once built.
var policy = newPolicy()

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// Links an author writes stay followable.
	p.RequireNoFollowOnLinks(false)
	p.AllowElements("figure", "figcaption")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^(lazy|eager)$`)).OnElements("img")
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[\p{L}\p{N}_-]+$`)).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+#.-]+$`)).OnElements("code")
	p.AllowAttrs("target").Matching(regexp.MustCompile(`^(_blank|_self)$`)).OnElements("a")
	p.AllowAttrs("rel").Matching(bluemonday.SpaceSeparatedTokens).OnElements("a")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(left|right|center)$`)).OnElements("th", "td")
	// Task list check boxes, as GFM renders them.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
	return p
}

// Render turns an author's Markdown (which may hold raw HTML) into safe
// HTML. A <!--more--> marker in the source is kept as-is in the output so
// lists can show only the part before it.
//
// Only a marker that Markdown reads as HTML counts (one inside a code block
// is text); the parts before and after it are rendered separately, so each
// is complete HTML, and share link references and heading IDs.
//
// A text that breaks a limit of Check is refused with its *LimitError
// before anything is rendered.
func Render(src string) (string, error) {
	if err := Check(src); err != nil {
		return "", err
	}
	source := []byte(src)
	ctx := parser.NewContext()
	doc := markdown.Parser().Parse(text.NewReader(source), parser.WithContext(ctx))
	at := moreOffset(doc, source)
	if at < 0 {
		var buf bytes.Buffer
		if err := markdown.Renderer().Render(&buf, source, doc); err != nil {
			return "", fmt.Errorf("markup: render: %w", err)
		}
		return finish(buf.String())
	}
	refs := ctx.References()
	ids := newHeadingIDs()
	var out strings.Builder
	for i, part := range [][]byte{source[:at], source[at+len(blog.MoreTag):]} {
		pc := parser.NewContext(parser.WithIDs(ids))
		for _, r := range refs {
			pc.AddReference(r)
		}
		d := markdown.Parser().Parse(text.NewReader(part), parser.WithContext(pc))
		var buf bytes.Buffer
		if err := markdown.Renderer().Render(&buf, part, d); err != nil {
			return "", fmt.Errorf("markup: render: %w", err)
		}
		if i == 1 {
			out.WriteString(blog.MoreTag + "\n")
		}
		html, err := finish(buf.String())
		if err != nil {
			return "", err
		}
		out.WriteString(html)
	}
	return out.String(), nil
}

// moreOffset returns the byte offset of the first <!--more--> that the
// parser saw as HTML, or -1.
func moreOffset(doc ast.Node, source []byte) int {
	found := -1
	check := func(start, stop int) bool {
		if i := bytes.Index(source[start:stop], []byte(blog.MoreTag)); i >= 0 {
			found = start + i
			return true
		}
		return false
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			lines := n.Lines()
			if lines.Len() > 0 && check(lines.At(0).Start, lines.At(lines.Len()-1).Stop) {
				return ast.WalkStop, nil
			}
			if n.HasClosure() && check(n.ClosureLine.Start, n.ClosureLine.Stop) {
				return ast.WalkStop, nil
			}
		case *ast.RawHTML:
			if n.Segments.Len() > 0 && check(n.Segments.At(0).Start, n.Segments.At(n.Segments.Len()-1).Stop) {
				return ast.WalkStop, nil
			}
		}
		return ast.WalkContinue, nil
	})
	return found
}

// finish sanitises rendered HTML, then marks images to load lazily and
// keeps pages opened in a new tab from reaching back to ours. The result is
// rebuilt from a parsed tree, so every element an author left open is
// closed and a teaser cannot swallow the page around it.
func finish(rendered string) (string, error) {
	clean := policy.Sanitize(rendered)
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(clean), body)
	if err != nil {
		// The one way this fails is HTML elements nested more deeply
		// than the parser follows (512): the author's to fix.
		return "", &LimitError{Line: 1, Msg: "The HTML in the text could not be read (" + err.Error() + ")"}
	}
	var out strings.Builder
	for _, n := range nodes {
		adjust(n)
		if err := html.Render(&out, n); err != nil {
			return "", fmt.Errorf("markup: write html: %w", err)
		}
	}
	return out.String(), nil
}

// adjust sets loading="lazy" on images and rel="noopener" on links that
// open a new tab, in n and below.
func adjust(n *html.Node) {
	if n.Type == html.ElementNode {
		switch n.Data {
		case "img":
			if attrIndex(n.Attr, "loading") < 0 {
				n.Attr = append(n.Attr, html.Attribute{Key: "loading", Val: "lazy"})
			}
		case "a":
			if i := attrIndex(n.Attr, "target"); i >= 0 && n.Attr[i].Val == "_blank" {
				if r := attrIndex(n.Attr, "rel"); r < 0 {
					n.Attr = append(n.Attr, html.Attribute{Key: "rel", Val: "noopener"})
				} else if !hasToken(n.Attr[r].Val, "noopener") {
					n.Attr[r].Val = strings.TrimSpace(n.Attr[r].Val + " noopener")
				}
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		adjust(c)
	}
}

func attrIndex(attrs []html.Attribute, key string) int {
	for i, a := range attrs {
		if a.Key == key {
			return i
		}
	}
	return -1
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

// headingIDs gives headings IDs made from their text, unique within one
// document even when it is rendered in parts.
type headingIDs struct {
	used map[string]bool
	// next is, for each base, the first number not yet tried after it,
	// so that many headings with one text cost linear time, not square.
	next map[string]int
}

func newHeadingIDs() *headingIDs { return &headingIDs{used: map[string]bool{}, next: map[string]int{}} }

// Generate returns a new ID for a heading whose text is value.
func (h *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	base := blog.Slugify(string(value))
	if base == "" {
		base = "section"
	}
	id := base
	if h.used[id] {
		// Every number below next[base] was tried and found taken, and
		// IDs are never freed.
		n := max(h.next[base], 1)
		for id = base + "-" + strconv.Itoa(n); h.used[id]; id = base + "-" + strconv.Itoa(n) {
			n++
		}
		h.next[base] = n + 1
	}
	h.used[id] = true
	return []byte(id)
}

// Put records an ID the author chose.
func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }

// Prepare renders p.Body into p.BodyHTML, in p's format.
func Prepare(p *blog.Post) error {
	if p.Format == blog.FormatWordPress {
		html, err := RenderWordPress(p.Body, wpformat.Options{PostID: p.ID})
		if err != nil {
			return err
		}
		p.BodyHTML = html
		return nil
	}
	html, err := Render(p.Body)
	if err != nil {
		return err
	}
	p.BodyHTML = html
	return nil
}

// blockTags are elements whose edges separate words in plain text.
var blockTags = map[string]bool{
	"p": true, "br": true, "div": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true, "tr": true,
	"td": true, "th": true, "table": true, "figure": true, "figcaption": true, "hr": true,
	"section": true, "article": true, "aside": true, "dt": true, "dd": true, "img": true,
}

// PlainText strips tags from rendered HTML and collapses white space.
// Entities are decoded; the text of scripts and styles is dropped.
func PlainText(s string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch tag {
			case "script", "style", "template":
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			}
			if blockTags[tag] {
				b.WriteByte(' ')
			}
		}
	}
}

// Summary returns at most words words of plain text from rendered HTML,
// ending with "…" when cut.
func Summary(s string, words int) string {
	fields := strings.Fields(PlainText(s))
	if words <= 0 {
		return ""
	}
	if len(fields) <= words {
		return strings.Join(fields, " ")
	}
	cut := strings.Join(fields[:words], " ")
	return strings.TrimRight(cut, ",;:.-–—") + "…"
}
