package wxr

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Version is the WXR version a Writer writes.
const Version = "1.2"

// Writer writes a WXR 1.2 file as WordPress writes it, entry by entry:
// the channel first, then authors and terms, then items, then Close. It
// buffers only what it is writing.
//
// What it writes WordPress's importer reads: terms are declared in the
// channel before the items that use them and each after its parent (the
// Writer refuses a term whose parent it has not written: SortTerms puts
// a list in that order), and comments carry their thread as
// comment_parent. WordPress's importer links a reply to its parent only
// when the parent's ID is the lower one, which IDs given in order of
// creation are.
//
// Values are written as CDATA, a "]]>" in them split across two sections.
// XML cannot hold every string: invalid UTF-8 and the control characters
// XML 1.0 forbids are written as U+FFFD. A value with a carriage return is
// written as escaped text with &#13;, so that it survives XML's line-end
// handling.
type Writer struct {
	w       *bufio.Writer
	err     error
	state   int // wNew, wHeader, wItems, wClosed
	written map[[2]string]bool
}

const (
	wNew = iota
	wHeader
	wItems
	wClosed
)

// NewWriter returns a Writer to w. Nothing is written until WriteChannel.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 64<<10), written: make(map[[2]string]bool)}
}

var errOrder = errors.New("wxr: write: out of order")

func (w *Writer) check(allowed ...int) error {
	if w.err != nil {
		return w.err
	}
	for _, s := range allowed {
		if w.state == s {
			return nil
		}
	}
	return errOrder
}

// WriteChannel writes the prologue and the channel's header. It must come
// first. ch.Version is not written: the file is WXR 1.2.
func (w *Writer) WriteChannel(ch *Channel) error {
	if err := w.check(wNew); err != nil {
		return fmt.Errorf("%w: the channel comes first, once", err)
	}
	w.s(`<?xml version="1.0" encoding="UTF-8" ?>` + "\n")
	w.s("<!-- This is a WordPress eXtended RSS (WXR) file: WordPress imports it with Tools → Import → WordPress. -->\n")
	w.s(`<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/` + Version + `/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/` + Version + `/"
>

<channel>
`)
	w.text(1, "title", ch.Title)
	w.text(1, "link", ch.Link)
	w.text(1, "description", ch.Description)
	w.text(1, "pubDate", ch.PubDate)
	w.text(1, "language", ch.Language)
	w.s("\t<wp:wxr_version>" + Version + "</wp:wxr_version>\n")
	w.text(1, "wp:base_site_url", ch.BaseSiteURL)
	w.text(1, "wp:base_blog_url", ch.BaseBlogURL)
	if ch.Generator != "" {
		w.text(1, "generator", ch.Generator)
	}
	w.s("\n")
	w.state = wHeader
	return w.err
}

// WriteAuthor writes a wp:author. Authors come before the first item.
func (w *Writer) WriteAuthor(a *Author) error {
	if err := w.check(wHeader); err != nil {
		return fmt.Errorf("%w: authors come after the channel and before the items", err)
	}
	w.s("\t<wp:author>")
	w.s("<wp:author_id>" + strconv.FormatInt(a.ID, 10) + "</wp:author_id>")
	w.inline("wp:author_login", a.Login)
	w.inline("wp:author_email", a.Email)
	w.inline("wp:author_display_name", a.DisplayName)
	w.inline("wp:author_first_name", a.FirstName)
	w.inline("wp:author_last_name", a.LastName)
	w.s("</wp:author>\n")
	return w.err
}

// WriteTerm writes a term as WordPress declares it: a category as
// wp:category, a tag as wp:tag, others as wp:term. Terms come before the
// first item, each after its parent.
func (w *Writer) WriteTerm(t *Term) error {
	if err := w.check(wHeader); err != nil {
		return fmt.Errorf("%w: terms come after the channel and before the items", err)
	}
	if t.Taxonomy == "" {
		return fmt.Errorf("wxr: write term %q: no taxonomy", t.Slug)
	}
	if t.Parent != "" && !w.written[[2]string{t.Taxonomy, t.Parent}] {
		return fmt.Errorf("wxr: write term %q (%s): its parent %q is not written before it", t.Slug, t.Taxonomy, t.Parent)
	}
	id := "\t\t<wp:term_id>" + strconv.FormatInt(t.ID, 10) + "</wp:term_id>\n"
	switch {
	case t.Taxonomy == Category:
		w.s("\t<wp:category>\n" + id)
		w.text(2, "wp:category_nicename", t.Slug)
		w.text(2, "wp:category_parent", t.Parent)
		w.text(2, "wp:cat_name", t.Name)
		w.optional(2, "wp:category_description", t.Description)
		w.meta(2, "wp:termmeta", t.Meta)
		w.s("\t</wp:category>\n")
	case t.Taxonomy == PostTag && t.Parent == "":
		w.s("\t<wp:tag>\n" + id)
		w.text(2, "wp:tag_slug", t.Slug)
		w.text(2, "wp:tag_name", t.Name)
		w.optional(2, "wp:tag_description", t.Description)
		w.meta(2, "wp:termmeta", t.Meta)
		w.s("\t</wp:tag>\n")
	default:
		w.s("\t<wp:term>\n" + id)
		w.text(2, "wp:term_taxonomy", t.Taxonomy)
		w.text(2, "wp:term_slug", t.Slug)
		w.text(2, "wp:term_parent", t.Parent)
		w.text(2, "wp:term_name", t.Name)
		w.optional(2, "wp:term_description", t.Description)
		w.meta(2, "wp:termmeta", t.Meta)
		w.s("\t</wp:term>\n")
	}
	w.written[[2]string{t.Taxonomy, t.Slug}] = true
	return w.err
}

// WriteItem writes an item with its terms, metadata and comments.
func (w *Writer) WriteItem(it *Item) error {
	if err := w.check(wHeader, wItems); err != nil {
		return fmt.Errorf("%w: items come after the channel", err)
	}
	w.state = wItems
	w.s("\t<item>\n")
	w.text(2, "title", it.Title)
	w.text(2, "link", it.Link)
	w.text(2, "pubDate", it.PubDate)
	w.text(2, "dc:creator", it.Creator)
	w.s("\t\t<guid isPermaLink=\"false\">")
	w.escaped(it.GUID, false)
	w.s("</guid>\n")
	w.text(2, "description", it.Description)
	w.text(2, "content:encoded", it.Content)
	w.text(2, "excerpt:encoded", it.Excerpt)
	w.number(2, "wp:post_id", it.ID)
	w.text(2, "wp:post_date", it.Date)
	w.text(2, "wp:post_date_gmt", it.DateGMT)
	w.text(2, "wp:post_modified", it.Modified)
	w.text(2, "wp:post_modified_gmt", it.ModifiedGMT)
	w.text(2, "wp:comment_status", it.CommentStatus)
	w.text(2, "wp:ping_status", it.PingStatus)
	w.text(2, "wp:post_name", it.Name)
	w.text(2, "wp:status", it.Status)
	w.number(2, "wp:post_parent", it.Parent)
	w.number(2, "wp:menu_order", it.MenuOrder)
	w.text(2, "wp:post_type", it.Type)
	w.text(2, "wp:post_password", it.Password)
	sticky := int64(0)
	if it.Sticky {
		sticky = 1
	}
	w.number(2, "wp:is_sticky", sticky)
	w.optional(2, "wp:attachment_url", it.AttachmentURL)
	for _, t := range it.Terms {
		w.s("\t\t<category domain=\"")
		w.escaped(t.Taxonomy, true)
		w.s("\" nicename=\"")
		w.escaped(t.Slug, true)
		w.s("\">")
		w.value(t.Name)
		w.s("</category>\n")
	}
	w.meta(2, "wp:postmeta", it.Meta)
	for i := range it.Comments {
		w.comment(&it.Comments[i])
	}
	w.s("\t</item>\n")
	return w.err
}

func (w *Writer) comment(c *Comment) {
	w.s("\t\t<wp:comment>\n")
	w.number(3, "wp:comment_id", c.ID)
	w.text(3, "wp:comment_author", c.Author)
	w.text(3, "wp:comment_author_email", c.AuthorEmail)
	w.text(3, "wp:comment_author_url", c.AuthorURL)
	w.text(3, "wp:comment_author_IP", c.AuthorIP)
	w.text(3, "wp:comment_date", c.Date)
	w.text(3, "wp:comment_date_gmt", c.DateGMT)
	w.text(3, "wp:comment_content", c.Content)
	w.text(3, "wp:comment_approved", c.Approved)
	w.text(3, "wp:comment_type", c.Type)
	w.number(3, "wp:comment_parent", c.Parent)
	w.number(3, "wp:comment_user_id", c.UserID)
	w.meta(3, "wp:commentmeta", c.Meta)
	w.s("\t\t</wp:comment>\n")
}

// Close ends the channel and the file and flushes it. It does not close
// the underlying writer.
func (w *Writer) Close() error {
	if err := w.check(wHeader, wItems); err != nil {
		if w.state == wNew && err == errOrder {
			return fmt.Errorf("%w: no channel was written", err)
		}
		return err
	}
	w.s("</channel>\n</rss>\n")
	w.state = wClosed
	if w.err == nil {
		if err := w.w.Flush(); err != nil {
			w.err = fmt.Errorf("wxr: write: %w", err)
		}
	}
	return w.err
}

func (w *Writer) s(s string) {
	if w.err != nil {
		return
	}
	if _, err := w.w.WriteString(s); err != nil {
		w.err = fmt.Errorf("wxr: write: %w", err)
	}
}

const tabs = "\t\t\t\t"

// text writes <name>value</name> on a line of its own.
func (w *Writer) text(indent int, name, v string) {
	w.s(tabs[:indent] + "<" + name + ">")
	w.value(v)
	w.s("</" + name + ">\n")
}

func (w *Writer) optional(indent int, name, v string) {
	if v != "" {
		w.text(indent, name, v)
	}
}

func (w *Writer) inline(name, v string) {
	w.s("<" + name + ">")
	w.value(v)
	w.s("</" + name + ">")
}

func (w *Writer) number(indent int, name string, v int64) {
	w.s(tabs[:indent] + "<" + name + ">" + strconv.FormatInt(v, 10) + "</" + name + ">\n")
}

func (w *Writer) meta(indent int, name string, meta []Meta) {
	for _, m := range meta {
		w.s(tabs[:indent] + "<" + name + ">\n")
		w.text(indent+1, "wp:meta_key", m.Key)
		w.text(indent+1, "wp:meta_value", m.Value)
		w.s(tabs[:indent] + "</" + name + ">\n")
	}
}

// value writes v as CDATA, or as escaped text when it holds a carriage
// return, which CDATA cannot keep.
func (w *Writer) value(v string) {
	v = sanitize(v)
	if strings.IndexByte(v, '\r') >= 0 {
		w.escaped(v, false)
		return
	}
	w.s("<![CDATA[")
	for {
		i := strings.Index(v, "]]>")
		if i < 0 {
			break
		}
		// "]]>" ends a section: close it after "]]" and open the next
		// one before ">".
		w.s(v[:i+2])
		w.s("]]><![CDATA[")
		v = v[i+2:]
	}
	w.s(v)
	w.s("]]>")
}

// escaped writes v as character data or, with inAttr, as a double-quoted
// attribute's value.
func (w *Writer) escaped(v string, inAttr bool) {
	v = sanitize(v)
	last := 0
	for i := 0; i < len(v); i++ {
		var esc string
		switch v[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			if inAttr {
				esc = "&quot;"
			}
		case '\r':
			esc = "&#13;"
		case '\n':
			if inAttr {
				esc = "&#10;"
			}
		case '\t':
			if inAttr {
				esc = "&#9;"
			}
		}
		if esc != "" {
			w.s(v[last:i])
			w.s(esc)
			last = i + 1
		}
	}
	w.s(v[last:])
}

// sanitize replaces what XML 1.0 cannot hold (invalid UTF-8, most control
// characters, U+FFFE and U+FFFF) with U+FFFD.
func sanitize(v string) string {
	ok := true
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				ok = false
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(v[i:])
		if (r == utf8.RuneError && n == 1) || !xmlChar(r) {
			ok = false
			break
		}
		i += n
	}
	if ok {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRuneInString(v[i:])
		if (r == utf8.RuneError && n == 1) || !xmlChar(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
		i += n
	}
	return b.String()
}

// SortTerms returns terms in the order a Writer accepts: each after its
// parent in the same taxonomy, otherwise in their order. A term whose
// parent is not in the list, or that is in a cycle of parents, is put at
// the top level, where WordPress's importer would leave it.
func SortTerms(terms []Term) []Term {
	type key [2]string
	present := make(map[key]bool, len(terms))
	for _, t := range terms {
		present[key{t.Taxonomy, t.Slug}] = true
	}
	out := make([]Term, 0, len(terms))
	done := make(map[key]bool, len(terms))
	pending := terms
	for len(pending) > 0 {
		var next []Term
		for _, t := range pending {
			if t.Parent == "" || done[key{t.Taxonomy, t.Parent}] {
				out = append(out, t)
				done[key{t.Taxonomy, t.Slug}] = true
			} else {
				next = append(next, t)
			}
		}
		if len(next) == len(pending) {
			// Stuck: orphans go to the top level; with none, a cycle is
			// broken at its first term.
			orphans := false
			for i, t := range next {
				if !present[key{t.Taxonomy, t.Parent}] {
					next[i].Parent = ""
					orphans = true
				}
			}
			if !orphans {
				next[0].Parent = ""
			}
		}
		pending = next
	}
	return out
}
