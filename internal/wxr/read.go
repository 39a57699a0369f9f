package wxr

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
)

// Default limits of a Reader.
const (
	DefaultMaxValueBytes = 32 << 20  // one CDATA section, text or tag
	DefaultMaxEntryBytes = 128 << 20 // the text of one entry
	maxDepth             = 256       // elements inside elements
)

// Reader reads a WXR file one entry at a time: the authors, terms and
// items of its channel in the order of the file. It holds one entry in
// memory, never the file.
//
// The refusals it reports name a line. A file that is not WXR, or whose
// wp:wxr_version is missing or invalid, is refused before any entry is
// returned: the version must come before the channel's first author,
// term or item, as every WordPress export has it. Malformed XML is
// refused where it is found, which in a streamed file may be after some
// entries were returned: a caller that must take all or nothing (the
// importer, in one transaction) treats any error as the failure of the
// whole file.
type Reader struct {
	// MaxValueBytes bounds one CDATA section, text or tag; set it before
	// the first call. Default DefaultMaxValueBytes.
	MaxValueBytes int
	// MaxEntryBytes bounds the text of one entry, an item with all its
	// comments included. Default DefaultMaxEntryBytes.
	MaxEntryBytes int

	src        io.Reader
	s          *scanner
	started    bool
	inChannel  bool
	sawChannel bool
	headerDone bool
	version    bool
	ch         Channel

	pending     Entry
	pendingLine int
	line        int
	entryBytes  int
	err         error
}

// NewReader returns a Reader of the WXR file src. The file may be
// gzip-compressed; it is read as UTF-8 unless its XML declaration or a
// byte order mark names another encoding.
func NewReader(src io.Reader) *Reader {
	return &Reader{src: src, MaxValueBytes: DefaultMaxValueBytes, MaxEntryBytes: DefaultMaxEntryBytes}
}

// Channel reads the channel's header, everything before its first entry,
// and returns it. It reports the refusal of a file that is not WXR. Called
// again later it also has what the channel holds after its entries (such
// as WordPress's <generator>).
func (r *Reader) Channel() (Channel, error) {
	if !r.headerDone && r.err == nil && r.pending == nil {
		e, line, err := r.advance()
		switch {
		case err != nil:
			r.err = err
		default:
			r.pending, r.pendingLine = e, line
		}
		r.headerDone = true
	}
	ch := r.ch
	if ch.BaseBlogURL == "" {
		ch.BaseBlogURL = ch.BaseSiteURL
	}
	if r.err != nil && r.err != io.EOF {
		return ch, r.err
	}
	return ch, nil
}

// Next returns the next entry: an *Author, a *Term or an *Item. It returns
// io.EOF after the last one, and an error that names the line when the
// file is refused; after an error it returns the same error again.
func (r *Reader) Next() (Entry, error) {
	if r.pending != nil {
		e := r.pending
		r.pending, r.line = nil, r.pendingLine
		return e, nil
	}
	if r.err != nil {
		return nil, r.err
	}
	e, line, err := r.advance()
	r.headerDone = true
	if err != nil {
		r.err = err
		return nil, err
	}
	r.line = line
	return e, nil
}

// All returns the entries as an iterator; it stops after the first error.
func (r *Reader) All() iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		for {
			e, err := r.Next()
			if err == io.EOF {
				return
			}
			if !yield(e, err) || err != nil {
				return
			}
		}
	}
}

// Line returns the line where the entry Next last returned starts.
func (r *Reader) Line() int { return r.line }

func (r *Reader) start() error {
	r.started = true
	src, legacy, err := openSource(r.src)
	if err != nil {
		return err
	}
	r.s = newScanner(src, max(r.MaxValueBytes, 1024), legacy)
	tok, err := r.s.next()
	if err == io.EOF {
		return &Error{Line: r.s.line, Kind: ErrNotWXR, Msg: "the file has no XML element"}
	}
	if err != nil {
		return err
	}
	if tok.kind != tokStart || tok.ns != nsNone || tok.local != "rss" {
		return &Error{Line: tok.line, Kind: ErrNotWXR, Msg: fmt.Sprintf("the root element is <%s>, not WordPress's <rss>", r.s.stack[0].qname)}
	}
	return nil
}

// advance reads up to the next entry of a channel.
func (r *Reader) advance() (Entry, int, error) {
	if !r.started {
		if err := r.start(); err != nil {
			return nil, 0, err
		}
	}
	for {
		tok, err := r.s.next()
		if err != nil {
			return nil, 0, err
		}
		switch tok.kind {
		case tokText:
			// White space between elements, or stray text: WordPress
			// reads past it.
		case tokEnd:
			if r.inChannel {
				r.inChannel = false
				if !r.version {
					return nil, 0, &Error{Line: tok.line, Kind: ErrNotWXR, Msg: "the channel has no <wp:wxr_version>"}
				}
				continue
			}
			if !r.sawChannel {
				return nil, 0, &Error{Line: tok.line, Kind: ErrNotWXR, Msg: "<rss> has no <channel>"}
			}
			// The root is closed: whatever follows it is not read.
			return nil, 0, io.EOF
		case tokStart:
			if !r.inChannel {
				if tok.ns == nsNone && tok.local == "channel" {
					r.inChannel, r.sawChannel = true, true
				} else if err := r.skip(); err != nil {
					return nil, 0, err
				}
				continue
			}
			n, err := r.build(tok)
			if err != nil {
				return nil, 0, err
			}
			e, err := r.dispatch(n)
			if err != nil {
				return nil, 0, err
			}
			if e != nil {
				return e, n.line, nil
			}
		}
	}
}

// skip reads past the element whose start tag was just read.
func (r *Reader) skip() error {
	for depth := 1; depth > 0; {
		tok, err := r.s.next()
		if err != nil {
			return err
		}
		switch tok.kind {
		case tokStart:
			depth++
		case tokEnd:
			depth--
		}
	}
	return nil
}

// node is an element of the entry being read.
type node struct {
	ns    nsKind
	local string
	attrs []attr
	text  []byte // the element's own text, its sections joined
	kids  []*node
	line  int
}

// build reads the element whose start tag is start, with all it holds.
func (r *Reader) build(start token) (*node, error) {
	root := &node{ns: start.ns, local: start.local, attrs: start.attrs, line: start.line}
	stack := []*node{root}
	r.entryBytes = 0
	for len(stack) > 0 {
		tok, err := r.s.next()
		if err != nil {
			return nil, err
		}
		cur := stack[len(stack)-1]
		switch tok.kind {
		case tokText:
			if len(cur.kids) > 0 && allSpace(tok.text) {
				continue // indentation between child elements
			}
			if err := r.count(root, len(tok.text)); err != nil {
				return nil, err
			}
			cur.text = append(cur.text, tok.text...)
		case tokStart:
			// An element costs memory beyond its text: count it too, so
			// that millions of empty elements are refused as well.
			cost := nodeCost
			for _, a := range tok.attrs {
				cost += len(a.value) + attrCost
			}
			if err := r.count(root, cost); err != nil {
				return nil, err
			}
			k := &node{ns: tok.ns, local: tok.local, attrs: tok.attrs, line: tok.line}
			cur.kids = append(cur.kids, k)
			stack = append(stack, k)
		case tokEnd:
			stack = stack[:len(stack)-1]
		}
	}
	return root, nil
}

// What a node and an attribute cost in memory besides their text, about.
const (
	nodeCost = 96
	attrCost = 40
)

func (r *Reader) count(root *node, n int) error {
	r.entryBytes += n
	if r.entryBytes > r.MaxEntryBytes {
		return &Error{Line: root.line, Kind: ErrTooLarge, Msg: fmt.Sprintf("the entry starting here is over %d bytes", r.MaxEntryBytes)}
	}
	return nil
}

func (n *node) str() string { return string(n.text) }

// trim is the text without the white space around it, for values that
// are names, numbers, dates or addresses (a pretty-printed file puts
// line breaks around them).
func (n *node) trim() string { return string(bytes.Trim(n.text, " \t\r\n")) }

func (n *node) int() (int64, error) {
	s := n.trim()
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, &Error{Line: n.line, Kind: ErrInvalid, Msg: fmt.Sprintf("<%s> is %q, not a number", n.name(), s)}
	}
	return v, nil
}

func (n *node) name() string {
	switch n.ns {
	case nsWXR:
		return "wp:" + n.local
	case nsDC:
		return "dc:" + n.local
	case nsContent:
		return "content:" + n.local
	case nsExcerpt:
		return "excerpt:" + n.local
	}
	return n.local
}

func (n *node) attr(local string) (string, bool) {
	for _, a := range n.attrs {
		if a.ns == nsNone && a.local == local {
			return a.value, true
		}
	}
	return "", false
}

// dispatch takes a child of the channel: a header field is kept in the
// Channel, an entry is returned, anything else is passed over.
func (r *Reader) dispatch(n *node) (Entry, error) {
	isEntry := (n.ns == nsNone && n.local == "item") ||
		(n.ns == nsWXR && (n.local == "author" || n.local == "wp_author" || n.local == "category" || n.local == "tag" || n.local == "term"))
	if isEntry && !r.version {
		return nil, &Error{Line: n.line, Kind: ErrNotWXR,
			Msg: fmt.Sprintf("the channel has no <wp:wxr_version> before its first entry, <%s>", n.name())}
	}
	switch n.ns {
	case nsNone:
		switch n.local {
		case "title":
			r.ch.Title = n.str()
		case "link":
			r.ch.Link = n.trim()
		case "description":
			r.ch.Description = n.str()
		case "pubDate":
			r.ch.PubDate = n.trim()
		case "language":
			r.ch.Language = n.trim()
		case "generator":
			r.ch.Generator = n.trim()
		case "item":
			return readItem(n)
		}
	case nsWXR:
		switch n.local {
		case "wxr_version":
			if r.version {
				return nil, nil // WordPress reads the first one
			}
			v := n.trim()
			if !isVersion(v) {
				return nil, &Error{Line: n.line, Kind: ErrNotWXR, Msg: fmt.Sprintf("<wp:wxr_version> is %q, not a version such as 1.2", v)}
			}
			r.ch.Version, r.version = v, true
		case "base_site_url":
			r.ch.BaseSiteURL = n.trim()
		case "base_blog_url":
			r.ch.BaseBlogURL = n.trim()
		case "author", "wp_author":
			// WordPress.com has written wp:wp_author; WordPress reads it.
			return readAuthor(n)
		case "category":
			return readTerm(n, Category)
		case "tag":
			return readTerm(n, PostTag)
		case "term":
			return readTerm(n, "")
		}
	}
	return nil, nil
}

func readAuthor(n *node) (*Author, error) {
	a := &Author{}
	var err error
	for _, k := range n.kids {
		if k.ns != nsWXR {
			continue
		}
		switch k.local {
		case "author_id":
			a.ID, err = k.int()
		case "author_login":
			a.Login = k.trim()
		case "author_email":
			a.Email = k.trim()
		case "author_display_name":
			a.DisplayName = k.str()
		case "author_first_name":
			a.FirstName = k.str()
		case "author_last_name":
			a.LastName = k.str()
		}
		if err != nil {
			return nil, err
		}
	}
	return a, nil
}

// readTerm reads a wp:category, a wp:tag or a wp:term (taxonomy "").
func readTerm(n *node, taxonomy string) (*Term, error) {
	t := &Term{Taxonomy: taxonomy}
	var err error
	for _, k := range n.kids {
		if k.ns != nsWXR {
			continue
		}
		switch {
		case k.local == "term_id":
			t.ID, err = k.int()
		case k.local == "termmeta":
			t.Meta = append(t.Meta, readMeta(k))
		case taxonomy == Category:
			switch k.local {
			case "category_nicename":
				t.Slug = k.trim()
			case "category_parent":
				t.Parent = k.trim()
			case "cat_name":
				t.Name = k.str()
			case "category_description":
				t.Description = k.str()
			}
		case taxonomy == PostTag:
			switch k.local {
			case "tag_slug":
				t.Slug = k.trim()
			case "tag_name":
				t.Name = k.str()
			case "tag_description":
				t.Description = k.str()
			}
		default:
			switch k.local {
			case "term_taxonomy":
				t.Taxonomy = k.trim()
			case "term_slug":
				t.Slug = k.trim()
			case "term_parent":
				t.Parent = k.trim()
			case "term_name":
				t.Name = k.str()
			case "term_description":
				t.Description = k.str()
			}
		}
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

func readMeta(n *node) Meta {
	var m Meta
	for _, k := range n.kids {
		if k.ns != nsWXR {
			continue
		}
		switch k.local {
		case "meta_key":
			m.Key = k.str()
		case "meta_value":
			m.Value = k.str()
		}
	}
	return m
}

func readItem(n *node) (*Item, error) {
	it := &Item{}
	var err error
	for _, k := range n.kids {
		switch k.ns {
		case nsNone:
			switch k.local {
			case "title":
				it.Title = k.str()
			case "link":
				it.Link = k.trim()
			case "pubDate":
				it.PubDate = k.trim()
			case "guid":
				it.GUID = k.trim()
			case "description":
				it.Description = k.str()
			case "category":
				// WordPress reads the terms that have a nicename; WXR 1.0
				// also wrote each one without, for RSS readers.
				slug, ok := k.attr("nicename")
				if !ok {
					continue
				}
				domain, _ := k.attr("domain")
				domain = strings.TrimSpace(domain)
				if domain == "tag" {
					domain = PostTag
				}
				it.Terms = append(it.Terms, ItemTerm{Taxonomy: domain, Slug: strings.TrimSpace(slug), Name: k.str()})
			}
		case nsDC:
			if k.local == "creator" {
				it.Creator = k.trim()
			}
		case nsContent:
			if k.local == "encoded" {
				it.Content = k.str()
			}
		case nsExcerpt:
			if k.local == "encoded" {
				it.Excerpt = k.str()
			}
		case nsWXR:
			err = it.readWXRField(k)
		}
		if err != nil {
			return nil, err
		}
	}
	return it, nil
}

func (it *Item) readWXRField(k *node) error {
	var err error
	switch k.local {
	case "post_id":
		it.ID, err = k.int()
	case "post_date":
		it.Date = k.trim()
	case "post_date_gmt":
		it.DateGMT = k.trim()
	case "post_modified":
		it.Modified = k.trim()
	case "post_modified_gmt":
		it.ModifiedGMT = k.trim()
	case "comment_status":
		it.CommentStatus = k.trim()
	case "ping_status":
		it.PingStatus = k.trim()
	case "post_name":
		it.Name = k.trim()
	case "status":
		it.Status = k.trim()
	case "post_parent":
		it.Parent, err = k.int()
	case "menu_order":
		it.MenuOrder, err = k.int()
	case "post_type":
		it.Type = k.trim()
	case "post_password":
		it.Password = k.str()
	case "is_sticky":
		var v int64
		v, err = k.int()
		it.Sticky = v != 0
	case "attachment_url":
		it.AttachmentURL = k.trim()
	case "postmeta":
		it.Meta = append(it.Meta, readMeta(k))
	case "comment":
		var c Comment
		c, err = readComment(k)
		if err == nil {
			it.Comments = append(it.Comments, c)
		}
	}
	return err
}

func readComment(n *node) (Comment, error) {
	var c Comment
	var err error
	for _, k := range n.kids {
		if k.ns != nsWXR {
			continue
		}
		switch k.local {
		case "comment_id":
			c.ID, err = k.int()
		case "comment_author":
			c.Author = k.str()
		case "comment_author_email":
			c.AuthorEmail = k.trim()
		case "comment_author_url":
			c.AuthorURL = k.trim()
		case "comment_author_IP":
			c.AuthorIP = k.trim()
		case "comment_date":
			c.Date = k.trim()
		case "comment_date_gmt":
			c.DateGMT = k.trim()
		case "comment_content":
			c.Content = k.str()
		case "comment_approved":
			c.Approved = k.trim()
		case "comment_type":
			c.Type = k.trim()
		case "comment_parent":
			c.Parent, err = k.int()
		case "comment_user_id":
			c.UserID, err = k.int()
		case "commentmeta":
			c.Meta = append(c.Meta, readMeta(k))
		}
		if err != nil {
			return c, err
		}
	}
	return c, nil
}
