package wpformat

import (
	"encoding/json"
	"sort"
	"strings"
)

// HasBlocks reports whether s holds block markup, as WordPress's
// has_blocks() decides it: it contains "<!-- wp:". WordPress skips wpautop
// for such content.
func HasBlocks(s string) bool { return strings.Contains(s, "<!-- wp:") }

// Block is one block of a post, as WordPress's block parser reads it. A
// block with an empty Name is freeform HTML between blocks.
type Block struct {
	Name  string          // "core/paragraph"; "" for freeform HTML
	Attrs json.RawMessage // the delimiter's JSON attributes, if any
	// Content is the block's HTML in pieces, with a nil Inner entry where
	// each inner block stands.
	Content []BlockPiece
}

// BlockPiece is a run of a block's own HTML, or one of its inner blocks.
type BlockPiece struct {
	HTML  string
	Inner *Block
}

// BlockRenderer renders blocks the way a WordPress site without plugins
// shows them: a static block is its HTML without its delimiters, with its
// inner blocks in place.
type BlockRenderer struct {
	// Reusable returns the content of a reusable block (a wp_block post,
	// which core/block refers to by its ID). Nil, or false, renders nothing,
	// as WordPress does for a missing one.
	Reusable func(id int64) (string, bool)
}

// RenderBlocks is do_blocks(): it parses s's blocks and renders them with
// r's settings (the zero BlockRenderer will do).
func (r BlockRenderer) RenderBlocks(s string) string {
	if !HasBlocks(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	budget := maxReusable
	for _, bl := range ParseBlocks(s) {
		r.render(&b, &bl, 0, &budget)
	}
	return b.String()
}

// Reusable blocks may include reusable blocks: maxReusableDepth bounds the
// nesting (a block that includes itself) and maxReusable how many are
// shown in all (blocks that each include the next one twice would
// otherwise double the work at every level).
const (
	maxReusableDepth = 8
	maxReusable      = 64
)

func (r BlockRenderer) render(b *strings.Builder, bl *Block, depth int, budget *int) {
	switch bl.Name {
	case "core/block":
		// A reusable block: WordPress renders the referenced post's blocks.
		var attrs struct {
			Ref int64 `json:"ref"`
		}
		if r.Reusable == nil || depth >= maxReusableDepth || *budget <= 0 || json.Unmarshal(bl.Attrs, &attrs) != nil {
			return
		}
		*budget--
		if content, ok := r.Reusable(attrs.Ref); ok {
			for _, inner := range ParseBlocks(content) {
				r.render(b, &inner, depth+1, budget)
			}
		}
		return
	case "core/shortcode":
		// The shortcode block's render callback runs wpautop on its text.
		var inner strings.Builder
		for _, p := range bl.Content {
			if p.Inner != nil {
				r.render(&inner, p.Inner, depth, budget)
			} else {
				inner.WriteString(p.HTML)
			}
		}
		b.WriteString(Autop(inner.String(), true))
		return
	}
	for _, p := range bl.Content {
		if p.Inner != nil {
			r.render(b, p.Inner, depth, budget)
		} else {
			b.WriteString(p.HTML)
		}
	}
}

// blockToken is one block delimiter found in a document.
type blockToken struct {
	start, end    int
	name          string
	attrs         string
	closer, void_ bool
}

// blockTokenizer finds block delimiters the way WordPress's parser does:
// "<!--", spaces, an optional "/", "wp:", an optional "namespace/", a name,
// spaces, optional JSON attributes and spaces, an optional "/", "-->".
type blockTokenizer struct {
	doc string
	// attrEnds lists, in order, each '}' that is followed by spaces, an
	// optional '/' and "-->": where a delimiter's attributes can end.
	attrEnds []int
}

func newBlockTokenizer(doc string) *blockTokenizer {
	t := &blockTokenizer{doc: doc}
	for off := 0; ; {
		k := strings.Index(doc[off:], "-->")
		if k < 0 {
			break
		}
		d := off + k
		off = d + 1
		e := d
		if e > 0 && doc[e-1] == '/' {
			e--
		}
		w := e
		for w > 0 && isSpace(doc[w-1]) {
			w--
		}
		if w < e && w > 0 && doc[w-1] == '}' {
			t.attrEnds = append(t.attrEnds, w-1)
		}
	}
	return t
}

func isBlockNameStart(c byte) bool { return 'a' <= c && c <= 'z' }

func isBlockNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || isDigit(c) || c == '_' || c == '-'
}

// next returns the first delimiter at or after offset.
func (t *blockTokenizer) next(offset int) (blockToken, bool) {
	s := t.doc
	for offset < len(s) {
		k := strings.Index(s[offset:], "<!--")
		if k < 0 {
			return blockToken{}, false
		}
		p := offset + k
		if tok, ok := t.at(p); ok {
			return tok, true
		}
		offset = p + 1
	}
	return blockToken{}, false
}

// readName reads [a-z][a-z0-9_-]* at s[i].
func readName(s string, i int) int {
	if i >= len(s) || !isBlockNameStart(s[i]) {
		return i
	}
	i++
	for i < len(s) && isBlockNameByte(s[i]) {
		i++
	}
	return i
}

// at matches a delimiter starting at s[p] == "<!--".
func (t *blockTokenizer) at(p int) (blockToken, bool) {
	s := t.doc
	i := p + 4
	j := i
	for j < len(s) && isSpace(s[j]) {
		j++
	}
	if j == i {
		return blockToken{}, false
	}
	tok := blockToken{start: p}
	if j < len(s) && s[j] == '/' {
		tok.closer = true
		j++
	}
	if !strings.HasPrefix(s[j:], "wp:") {
		return blockToken{}, false
	}
	j += 3
	// An optional namespace: a name followed by '/'. The name proper must
	// then follow; PCRE backtracks out of the namespace if it does not.
	namespace := "core/"
	n1 := readName(s, j)
	if n1 == j {
		return blockToken{}, false
	}
	if n1 < len(s) && s[n1] == '/' {
		if n2 := readName(s, n1+1); n2 > n1+1 {
			namespace = s[j : n1+1]
			j = n1 + 1
			n1 = n2
		}
	}
	tok.name = namespace + s[j:n1]
	j = n1
	k := j
	for k < len(s) && isSpace(s[k]) {
		k++
	}
	if k == j {
		return blockToken{}, false
	}
	// Attributes: from '{' to the first '}' that spaces and "-->" follow.
	if k < len(s) && s[k] == '{' {
		if n := sort.SearchInts(t.attrEnds, k+1); n < len(t.attrEnds) {
			q := t.attrEnds[n]
			m := q + 1
			for m < len(s) && isSpace(s[m]) {
				m++
			}
			tok.attrs = s[k : q+1]
			k = m
		}
	}
	if k < len(s) && s[k] == '/' {
		tok.void_ = true
		k++
	}
	if !strings.HasPrefix(s[k:], "-->") {
		return blockToken{}, false
	}
	tok.end = k + 3
	return tok, true
}

// maxRepeat bounds the content WordPress repeats for unclosed nested
// blocks (see ParseBlocks).
const maxRepeat = 1 << 20

// frame is a block being parsed, with where its HTML resumes.
type frame struct {
	block       *Block
	tokenStart  int
	tokenEnd    int
	prevOffset  int
	leadingHTML int // where freeform HTML before it starts, or -1
}

// ParseBlocks is WordPress's parse_blocks(): the top-level blocks of s,
// freeform HTML between them included, with WordPress's handling of
// unbalanced delimiters (a stray closer ends parsing; unclosed blocks close
// at the end).
func ParseBlocks(s string) []Block {
	t := newBlockTokenizer(s)
	var out []Block
	var stack []*frame
	offset := 0
	freeform := func(from, to int) {
		if to > from {
			out = append(out, Block{Content: []BlockPiece{{HTML: s[from:to]}}})
		}
	}
	addInner := func(bl *Block, tokStart, tokEnd, lastOffset int) {
		parent := stack[len(stack)-1]
		if html := s[parent.prevOffset:tokStart]; html != "" {
			parent.block.Content = append(parent.block.Content, BlockPiece{HTML: html})
		}
		parent.block.Content = append(parent.block.Content, BlockPiece{Inner: bl})
		parent.prevOffset = lastOffset
	}
	fromStack := func(end int) {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if html := s[top.prevOffset:end]; html != "" {
			top.block.Content = append(top.block.Content, BlockPiece{HTML: html})
		}
		if top.leadingHTML >= 0 {
			freeform(top.leadingHTML, top.tokenStart)
		}
		out = append(out, *top.block)
	}
	for {
		tok, ok := t.next(offset)
		if !ok {
			if len(stack) == 0 {
				freeform(offset, len(s))
				return out
			}
			// WordPress closes each unclosed block at the end, each with
			// all that follows its opener, so that nested unclosed blocks
			// repeat their content. Past maxRepeat bytes (or the size of
			// the document, if larger), the repeats are dropped: otherwise
			// n unclosed openers would make a document n times its size.
			extra, limit := 0, max(len(s), maxRepeat)
			for first := true; len(stack) > 0; first = false {
				top := stack[len(stack)-1]
				if !first {
					if extra += len(s) - top.prevOffset; extra > limit {
						top.prevOffset = len(s)
					}
				}
				fromStack(len(s))
			}
			return out
		}
		leading := -1
		if tok.start > offset {
			leading = offset
		}
		switch {
		case tok.void_:
			bl := &Block{Name: tok.name, Attrs: json.RawMessage(tok.attrs)}
			if len(stack) == 0 {
				if leading >= 0 {
					freeform(leading, tok.start)
				}
				out = append(out, *bl)
			} else {
				addInner(bl, tok.start, tok.end, tok.end)
			}
			offset = tok.end
		case tok.closer:
			switch len(stack) {
			case 0:
				// A closer with nothing open: the rest is freeform HTML.
				freeform(offset, len(s))
				return out
			case 1:
				fromStack(tok.start)
			default:
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if html := s[top.prevOffset:tok.start]; html != "" {
					top.block.Content = append(top.block.Content, BlockPiece{HTML: html})
				}
				addInner(top.block, top.tokenStart, top.tokenEnd, tok.end)
			}
			offset = tok.end
		default:
			stack = append(stack, &frame{
				block:       &Block{Name: tok.name, Attrs: json.RawMessage(tok.attrs)},
				tokenStart:  tok.start,
				tokenEnd:    tok.end,
				prevOffset:  tok.end,
				leadingHTML: leading,
			})
			offset = tok.end
		}
	}
}
