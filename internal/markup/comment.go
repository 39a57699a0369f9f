package markup

import (
	"bytes"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	goldhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// commentMarkdown is the converter for readers' comments: paragraphs,
// emphasis, code, quotes, lists and links, with every line break kept.
// Headings and rules are not parsed (a "# " line stays text) and images
// become plain links, so a comment cannot dress itself up as part of the
// page.
var commentMarkdown = goldmark.New(
	goldmark.WithParser(parser.NewParser(
		parser.WithBlockParsers(limitNesting(commentBlockParsers())...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
		parser.WithASTTransformers(util.Prioritized(imagesToLinks{}, 100)),
	)),
	goldmark.WithExtensions(extension.Linkify),
	// Raw HTML is passed through to the sanitiser below, which keeps only
	// the small allowed subset; with WithUnsafe goldmark also leaves link
	// destinations alone, so the sanitiser is the one place deciding them.
	goldmark.WithRendererOptions(goldhtml.WithHardWraps(), goldhtml.WithUnsafe()),
)

// commentBlockParsers is goldmark's default block set without headings and
// thematic breaks, at the same priorities.
func commentBlockParsers() []util.PrioritizedValue {
	return []util.PrioritizedValue{
		util.Prioritized(parser.NewListParser(), 300),
		util.Prioritized(parser.NewListItemParser(), 400),
		util.Prioritized(parser.NewCodeBlockParser(), 500),
		util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
		util.Prioritized(parser.NewBlockquoteParser(), 800),
		util.Prioritized(parser.NewHTMLBlockParser(), 900),
		util.Prioritized(parser.NewParagraphParser(), 1000),
	}
}

// imagesToLinks replaces every image with a link to it whose text is the
// image's description: comments show no pictures.
type imagesToLinks struct{}

// Transform rewrites the images of doc.
func (imagesToLinks) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var images []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			images = append(images, img)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range images {
		link := ast.NewLink()
		link.Destination = img.Destination
		link.Title = img.Title
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		if !link.HasChildren() {
			link.AppendChild(link, ast.NewString(img.Destination))
		}
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
}

// commentPolicy keeps the small set of elements a comment may use and only
// web and mail links. It is built once and safe for concurrent use.
var commentPolicy = newCommentPolicy()

func newCommentPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	return p
}

// RenderComment turns a reader's text into safe HTML: paragraphs and line
// breaks kept, bare URLs become links (rel="nofollow ugc"), a small
// Markdown/HTML subset allowed (em, strong, code, a, blockquote, lists,
// pre), everything else escaped or removed. Headings are not parsed and
// images become links; the result is rebuilt from a parsed tree, so it is
// well-formed and closes every element it opens.
//
// A text that breaks a limit of Check (which Submit refuses first) is
// shown as plain paragraphs, with nothing of it parsed.
func RenderComment(src string) string {
	src = strings.TrimSpace(strings.ReplaceAll(src, "\r\n", "\n"))
	if src == "" {
		return ""
	}
	if Check(src) != nil {
		return plainParagraphs(src)
	}
	var buf bytes.Buffer
	if err := commentMarkdown.Convert([]byte(src), &buf); err != nil {
		// The renderer writes to memory and cannot fail on its own; if it
		// ever does, show the text escaped rather than nothing.
		return "<p>" + html.EscapeString(src) + "</p>"
	}
	clean := commentPolicy.Sanitize(buf.String())
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(clean), body)
	if err != nil {
		return "<p>" + html.EscapeString(src) + "</p>"
	}
	var out strings.Builder
	for _, n := range nodes {
		if n.Type == html.ElementNode && blank(n) {
			// Left over from an element the writer never closed, which
			// the parser carries on past the paragraph's end.
			continue
		}
		markLinks(n)
		if err := html.Render(&out, n); err != nil {
			return "<p>" + html.EscapeString(src) + "</p>"
		}
	}
	return strings.TrimSpace(out.String())
}

// blank reports whether n holds nothing but white space.
func blank(n *html.Node) bool {
	switch n.Type {
	case html.TextNode:
		return strings.TrimSpace(n.Data) == ""
	case html.ElementNode:
		if n.DataAtom == atom.Br {
			return false
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !blank(c) {
				return false
			}
		}
		return true
	}
	return true
}

// markLinks gives every link in n rel="nofollow ugc" and nothing but its
// address: a reader's link earns the site's reputation nothing and opens
// where the reader chooses.
func markLinks(n *html.Node) {
	if n.Type == html.ElementNode && n.DataAtom == atom.A {
		var attrs []html.Attribute
		for _, a := range n.Attr {
			if a.Namespace == "" && a.Key == "href" {
				attrs = append(attrs, a)
			}
		}
		n.Attr = append(attrs, html.Attribute{Key: "rel", Val: "nofollow ugc"})
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		markLinks(c)
	}
}

// plainParagraphs shows text as it was typed: escaped, in paragraphs at
// blank lines, with its line breaks kept.
func plainParagraphs(src string) string {
	var out strings.Builder
	for para := range strings.SplitSeq(src, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		if out.Len() > 0 {
			out.WriteString("\n")
		}
		out.WriteString("<p>")
		out.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br/>\n"))
		out.WriteString("</p>")
	}
	return out.String()
}
