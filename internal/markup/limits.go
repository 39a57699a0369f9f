package markup

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Limits on what one text may ask of the renderer. Each lies far beyond
// what a person writes; together they keep the cost of rendering a text
// linear in its length. Goldmark's work grows with the square of a
// paragraph's emphasis marks and brackets, with the square of a line's
// nesting, and a table's cells with its columns times its rows; without
// them 256 KiB of ">" took 15 seconds to render and 16 KiB of table
// 12 seconds and 80 MB of HTML.
const (
	// MaxNesting is how deep quotes and lists may be nested.
	MaxNesting = 16
	// MaxParagraphMarks is how many runs of emphasis marks (*, _ or ~)
	// one paragraph may hold.
	MaxParagraphMarks = 500
	// MaxParagraphBrackets is how many square brackets ("[", which may
	// open a link or an image) one paragraph may hold.
	MaxParagraphBrackets = 500
	// MaxTableCells is how many cells the tables of one text may have in
	// all, counted as columns times rows.
	MaxTableCells = 100_000
)

// LimitError is a text refused before rendering because it asks more of
// the renderer than the limits above allow. Msg says what, for the writer;
// Line is the line of the text (from 1) where the problem is.
type LimitError struct {
	Line int
	Msg  string
}

// Error returns the problem with the package and the line.
func (e *LimitError) Error() string { return fmt.Sprintf("markup: line %d: %s", e.Line, e.Msg) }

// Message is the problem as a form shows it beside the text.
func (e *LimitError) Message() string { return fmt.Sprintf("%s (line %d)", e.Msg, e.Line) }

// AsLimit returns the *LimitError inside err, if any.
func AsLimit(err error) (*LimitError, bool) {
	var le *LimitError
	if errors.As(err, &le) {
		return le, true
	}
	return nil, false
}

// Check reads src once, in time linear in its length, and returns a
// *LimitError when rendering it would break one of the limits: quotes and
// lists nested more than MaxNesting deep, a paragraph with more than
// MaxParagraphMarks emphasis marks or MaxParagraphBrackets brackets, or
// tables of more than MaxTableCells cells. It follows Markdown's block
// structure closely enough for the texts people write (code is skipped,
// each list item and table row is counted on its own); where it cannot
// tell, it counts more rather than less. Render and RenderComment check
// every text themselves; forms call Check to refuse early, beside the
// field.
func Check(src string) error {
	var s checker
	n := 0
	for l := range strings.SplitSeq(src, "\n") {
		n++
		if err := s.line(strings.TrimSuffix(l, "\r"), n); err != nil {
			return err
		}
	}
	return nil
}

// container is an open block quote or list item.
type container struct {
	quote bool
	col   int // a list item's content column
}

// checker is the state of Check between lines.
type checker struct {
	open []container

	fenced     bool // inside fenced code
	fenceChar  byte
	fenceLen   int
	fenceDepth int // containers open around the fence

	para      bool // a paragraph is open
	paraLine  int
	marks     int
	brackets  int
	tableCols int // columns of the table being read; 0 = none
	cells     int
}

// line reads one line of the text.
func (s *checker) line(l string, n int) error {
	pos, col := 0, 0
	matched := 0
	for matched < len(s.open) {
		c := s.open[matched]
		if c.quote {
			p, cl := skipSpaces(l, pos, col, 3)
			if p < len(l) && l[p] == '>' {
				pos, col = p+1, cl+1
				if pos < len(l) && (l[pos] == ' ' || l[pos] == '\t') {
					pos, col = pos+1, col+1
				}
				matched++
				continue
			}
			break
		}
		if blankLine(l[pos:]) {
			matched++
			continue
		}
		p, cl := skipSpaces(l, pos, col, -1)
		if cl < c.col || p >= len(l) {
			break
		}
		for col < c.col && pos < len(l) {
			pos, col = advance(l, pos, col)
		}
		matched++
	}
	rest := l[pos:]
	blank := blankLine(rest)

	if s.fenced {
		if matched >= s.fenceDepth {
			if closesFence(rest, s.fenceChar, s.fenceLen) {
				s.fenced = false
			}
			return nil
		}
		s.fenced = false
	}
	if matched < len(s.open) {
		// Unless the line lazily continues an open paragraph, the
		// containers it does not continue are closed.
		if blank || !s.para || startsContainer(rest) {
			s.open = s.open[:matched]
		}
	}

	// New containers opened on this line.
	opened := false
	for {
		p, cl := skipSpaces(l, pos, col, 3)
		if p >= len(l) || cl-col > 3 {
			break
		}
		if l[p] == '>' {
			pos, col = p+1, cl+1
			if pos < len(l) && (l[pos] == ' ' || l[pos] == '\t') {
				pos, col = pos+1, col+1
			}
			s.open = append(s.open, container{quote: true})
		} else if w := listMarker(l[p:]); w > 0 && !thematicBreak(l[p:]) {
			pos, col = p+w, cl+w
			content := col + 1
			q, qc := skipSpaces(l, pos, col, -1)
			if q < len(l) && qc-col <= 4 {
				content = qc
				pos, col = q, qc
			}
			s.open = append(s.open, container{col: content})
		} else {
			break
		}
		opened = true
		if len(s.open) > MaxNesting {
			return &LimitError{Line: n, Msg: fmt.Sprintf("Quotes and lists are nested more than %d deep; "+
				"Quire shows at most %d levels. Remove some of the > or list markers", MaxNesting, MaxNesting)}
		}
	}
	rest = l[pos:]
	blank = blankLine(rest)
	if opened {
		s.endParagraph()
	}

	switch {
	case blank:
		s.endParagraph()
		return nil
	case !s.para && indentOf(rest) >= 4:
		return nil // indented code
	}
	trimmed := strings.TrimLeft(rest, " \t")
	if thematicBreak(trimmed) {
		s.endParagraph() // a rule, or a heading's underline
		return nil
	}
	if ch, n := fenceOpening(trimmed); n > 0 {
		s.endParagraph()
		s.fenced, s.fenceChar, s.fenceLen, s.fenceDepth = true, ch, n, len(s.open)
		return nil
	}
	if atxHeading(trimmed) {
		s.endParagraph()
		err := s.inline(trimmed, n)
		s.endParagraph()
		return err
	}
	if s.tableCols > 0 {
		// Every row gets as many cells as the header has.
		s.cells += s.tableCols
		if s.cells > MaxTableCells {
			return s.tooManyCells(n)
		}
		s.marks, s.brackets = 0, 0
		return s.inline(trimmed, n)
	}
	if s.para {
		if cols := delimiterRow(trimmed); cols > 0 {
			s.tableCols = cols
			s.cells += 2 * cols // the header and this row
			s.marks, s.brackets = 0, 0
			if s.cells > MaxTableCells {
				return s.tooManyCells(n)
			}
			return nil
		}
	}
	if !s.para {
		s.para, s.paraLine = true, n
	}
	return s.inline(trimmed, n)
}

// endParagraph closes the open paragraph or table, if any.
func (s *checker) endParagraph() {
	s.para, s.marks, s.brackets, s.tableCols = false, 0, 0, 0
}

func (s *checker) tooManyCells(n int) error {
	return &LimitError{Line: n, Msg: fmt.Sprintf("The tables have more than %s cells in all (this one has %s columns); "+
		"split them or remove empty columns", thousands(MaxTableCells), thousands(s.tableCols))}
}

// inline counts the emphasis marks and brackets of one line of a
// paragraph, heading or table row.
func (s *checker) inline(l string, n int) error {
	for i := 0; i < len(l); i++ {
		switch c := l[i]; c {
		case '\\':
			i++
		case '*', '_', '~':
			if i == 0 || l[i-1] != c {
				s.marks++
			}
		case '[':
			s.brackets++
		}
	}
	line := s.paraLine
	if !s.para || s.tableCols > 0 {
		line = n
	}
	switch {
	case s.marks > MaxParagraphMarks:
		return &LimitError{Line: line, Msg: fmt.Sprintf("A paragraph has more than %d emphasis marks (*, _ or ~); "+
			"split it with blank lines, or put a backslash before marks that are not emphasis (\\*)", MaxParagraphMarks)}
	case s.brackets > MaxParagraphBrackets:
		return &LimitError{Line: line, Msg: fmt.Sprintf("A paragraph has more than %d square brackets; "+
			"split it with blank lines, or put a backslash before brackets that are not links (\\[)", MaxParagraphBrackets)}
	}
	return nil
}

// advance moves past one byte of l, counting a tab to the next multiple
// of four columns.
func advance(l string, pos, col int) (int, int) {
	if l[pos] == '\t' {
		return pos + 1, col + 4 - col%4
	}
	return pos + 1, col + 1
}

// skipSpaces moves past spaces and tabs, at most limit columns of them
// (no limit when limit < 0).
func skipSpaces(l string, pos, col, limit int) (int, int) {
	start := col
	for pos < len(l) && (l[pos] == ' ' || l[pos] == '\t') {
		p, c := advance(l, pos, col)
		if limit >= 0 && c-start > limit {
			break
		}
		pos, col = p, c
	}
	return pos, col
}

func blankLine(l string) bool { return strings.TrimLeft(l, " \t") == "" }

// indentOf is the width of l's leading white space.
func indentOf(l string) int {
	_, c := skipSpaces(l, 0, 0, -1)
	return c
}

// listMarker returns the width of the list marker l starts with ("- ",
// "* ", "+ ", "1. ", "1) " without the space), or 0.
func listMarker(l string) int {
	if l == "" {
		return 0
	}
	w := 0
	switch c := l[0]; {
	case c == '-' || c == '*' || c == '+':
		w = 1
	case c >= '0' && c <= '9':
		for w < len(l) && w < 9 && l[w] >= '0' && l[w] <= '9' {
			w++
		}
		if w >= len(l) || (l[w] != '.' && l[w] != ')') {
			return 0
		}
		w++
	default:
		return 0
	}
	if w < len(l) && l[w] != ' ' && l[w] != '\t' {
		return 0
	}
	return w
}

// startsContainer reports whether l, after up to three spaces, opens a
// quote or a list item.
func startsContainer(l string) bool {
	p, c := skipSpaces(l, 0, 0, 3)
	if p >= len(l) || c > 3 {
		return false
	}
	return l[p] == '>' || listMarker(l[p:]) > 0
}

// thematicBreak reports whether l is a rule: three or more of the same
// of *, - or _, with only spaces between.
func thematicBreak(l string) bool {
	var ch byte
	n := 0
	for i := 0; i < len(l); i++ {
		switch c := l[i]; c {
		case ' ', '\t':
		case '*', '-', '_':
			if ch != 0 && c != ch {
				return false
			}
			ch = c
			n++
		default:
			return false
		}
	}
	return n >= 3
}

// fenceOpening returns the character and length of the code fence l
// opens, or 0.
func fenceOpening(l string) (byte, int) {
	if l == "" || (l[0] != '`' && l[0] != '~') {
		return 0, 0
	}
	c := l[0]
	n := 0
	for n < len(l) && l[n] == c {
		n++
	}
	if n < 3 || (c == '`' && strings.IndexByte(l[n:], '`') >= 0) {
		return 0, 0
	}
	return c, n
}

// closesFence reports whether l closes a fence of n or more c.
func closesFence(l string, c byte, n int) bool {
	p, col := skipSpaces(l, 0, 0, 3)
	if col > 3 {
		return false
	}
	k := 0
	for p+k < len(l) && l[p+k] == c {
		k++
	}
	return k >= n && blankLine(l[p+k:])
}

// atxHeading reports whether l is a "# heading" line.
func atxHeading(l string) bool {
	n := 0
	for n < len(l) && n < 7 && l[n] == '#' {
		n++
	}
	return n >= 1 && n <= 6 && (n == len(l) || l[n] == ' ' || l[n] == '\t')
}

// delimiterRow returns the number of columns of a table's delimiter row
// ("| --- | :-: |"), or 0 when l is not one. A row without a "|" is a
// heading's underline, not a table's.
func delimiterRow(l string) int {
	l = strings.TrimRight(l, " \t")
	if !strings.Contains(l, "|") {
		return 0
	}
	l = strings.TrimPrefix(strings.TrimSuffix(l, "|"), "|")
	cols := 0
	for cell := range strings.SplitSeq(l, "|") {
		cell = strings.Trim(cell, " \t")
		cell = strings.TrimSuffix(strings.TrimPrefix(cell, ":"), ":")
		if cell == "" || strings.Trim(cell, "-") != "" {
			return 0
		}
		cols++
	}
	return cols
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// nestingLimited wraps goldmark's list or block quote parser so that it
// opens nothing inside MaxNesting quotes and lists: deeper markers stay
// text. Check refuses such texts first, with a message; this bounds the
// renderer itself whatever Check lets through.
type nestingLimited struct {
	parser.BlockParser
}

// Open opens a list or quote unless parent is already MaxNesting deep.
func (p nestingLimited) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	depth := 0
	for n := parent; n != nil; n = n.Parent() {
		switch n.(type) {
		case *ast.Blockquote, *ast.List:
			depth++
		}
	}
	if depth >= MaxNesting {
		return nil, parser.NoChildren
	}
	return p.BlockParser.Open(parent, reader, pc)
}

// limitNesting returns parsers with the list and block quote parsers
// among them wrapped in nestingLimited.
func limitNesting(parsers []util.PrioritizedValue) []util.PrioritizedValue {
	list := reflect.TypeOf(parser.NewListParser())
	quote := reflect.TypeOf(parser.NewBlockquoteParser())
	out := make([]util.PrioritizedValue, len(parsers))
	for i, v := range parsers {
		out[i] = v
		if t := reflect.TypeOf(v.Value); t == list || t == quote {
			out[i].Value = nestingLimited{v.Value.(parser.BlockParser)}
		}
	}
	return out
}
