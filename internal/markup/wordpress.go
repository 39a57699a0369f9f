package markup

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/wpformat"
)

// wpPolicy is the sanitiser of content imported from WordPress: the
// Markdown policy, plus what WordPress's own rendering writes and themes
// style (class names such as alignright and wp-caption, the anchors of
// captions and galleries, audio and video elements).
var wpPolicy = newWordPressPolicy()

func newWordPressPolicy() *bluemonday.Policy {
	p := newPolicy()
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^[\w -]{1,200}$`)).Globally()
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^(attachment|caption-attachment|gallery|more)[\w-]*$`)).
		OnElements("figure", "figcaption", "div", "span", "img")
	p.AllowElements("audio", "video", "source", "cite", "mark", "ins", "del", "sub", "sup")
	p.AllowAttrs("controls", "loop", "muted", "preload", "poster", "width", "height").OnElements("audio", "video")
	p.AllowAttrs("src").OnElements("audio", "video", "source")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^[\w.+/-]{1,100}$`)).OnElements("source")
	return p
}

// RenderWordPress shows content stored by WordPress as WordPress displayed
// it (wpformat.Render: paragraphs, typography, shortcodes, blocks), then
// sanitises it. The more break becomes blog.MoreTag, as in Render's
// output, so lists show the part before it. o.PostID should be the
// post's WordPress ID (the anchor of the break, and the post a [gallery]
// without ids shows).
func RenderWordPress(content string, o wpformat.Options) (string, error) {
	if o.PostID <= 0 {
		o.PostID = 1 // the anchor marks where the break was; its number is not kept
	}
	r := wpformat.Render(content, o)
	out := r.HTML
	anchor := `<span id="more-` + strconv.FormatInt(o.PostID, 10) + `"></span>`
	before, after, found := strings.Cut(out, anchor)
	if !found {
		return finishWP(out)
	}
	// The anchor alone in its paragraph takes the paragraph with it.
	if strings.HasSuffix(before, "<p>") && strings.HasPrefix(after, "</p>") {
		before, after = before[:len(before)-3], after[4:]
	} else if c := strings.Index(after, "</p>"); c >= 0 {
		// The break was inside a paragraph: the rest of it is one too.
		if o := strings.Index(after, "<p"); o < 0 || c < o {
			after = "<p>" + after
		}
	}
	b, err := finishWP(before)
	if err != nil {
		return "", err
	}
	a, err := finishWP(after)
	if err != nil {
		return "", err
	}
	return b + blog.MoreTag + "\n" + a, nil
}

// finishWP sanitises WordPress's rendering and rebuilds it from a parsed
// tree, as finish does for Markdown.
func finishWP(rendered string) (string, error) {
	clean := wpPolicy.Sanitize(rendered)
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(clean), body)
	if err != nil {
		return "", &LimitError{Line: 1, Msg: "The HTML in the text could not be read (" + err.Error() + ")"}
	}
	var out strings.Builder
	for _, n := range nodes {
		adjust(n)
		if err := html.Render(&out, n); err != nil {
			return "", err
		}
	}
	return out.String(), nil
}

// RenderWordPressComment shows a comment imported from WordPress as
// comment_text() did (wptexturize, convert_chars, wpautop), kept to what
// RenderComment allows, with every link marked rel="nofollow ugc".
func RenderWordPressComment(content string) string {
	s := wpformat.Autop(wpformat.ConvertChars(wpformat.Texturize(content)), true)
	clean := commentPolicy.Sanitize(s)
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(clean), body)
	if err != nil {
		return plainParagraphs(content)
	}
	var out strings.Builder
	for _, n := range nodes {
		markLinks(n)
		if err := html.Render(&out, n); err != nil {
			return plainParagraphs(content)
		}
	}
	return strings.TrimSpace(out.String())
}

// Typography curls the quotes and turns the dashes and ellipses of
// rendered, sanitised HTML as WordPress's wptexturize does (never inside
// code, pre, kbd, script or style), for a site whose setting asks for it
// on Markdown posts. The HTML renderer writes straight quotes in text as
// &#34; and &#39;; they are read back as quotes first, in text only.
func Typography(h string) string {
	if !strings.ContainsAny(h, `'"-.`) && !strings.Contains(h, "&#3") {
		return h
	}
	var b strings.Builder
	b.Grow(len(h))
	for len(h) > 0 {
		lt := strings.IndexByte(h, '<')
		if lt < 0 {
			lt = len(h)
		}
		b.WriteString(quoteEntities.Replace(h[:lt]))
		h = h[lt:]
		if h == "" {
			break
		}
		gt := strings.IndexByte(h, '>')
		if gt < 0 {
			gt = len(h) - 1
		}
		b.WriteString(h[:gt+1])
		h = h[gt+1:]
	}
	return wpformat.Texturize(b.String())
}

var quoteEntities = strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&quot;", `"`)

// TypographyText is Typography for plain text such as a title: the result
// is plain text again, with the curly characters themselves.
func TypographyText(s string) string {
	return html.UnescapeString(wpformat.Texturize(textEscaper.Replace(s)))
}

// textEscaper escapes what would otherwise read as markup, leaving quotes
// for wptexturize to see.
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
