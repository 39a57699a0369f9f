package wxr

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
)

// The scanner is a streaming XML tokenizer made for WXR. It checks what
// makes XML readable (tags that nest and close, attributes that are
// quoted, sections that end), binds namespaces, and is lenient where
// WordPress is: a raw "&" that starts no reference is an "&", an
// undefined entity such as &nbsp; stays as written, and a "]]>" inside a
// CDATA section that an old exporter left unescaped stays part of the
// text (see cdataEnds). A DOCTYPE is refused, as WordPress refuses it, so
// no entity is ever declared, let alone expanded.

type tokKind uint8

const (
	tokStart tokKind = iota + 1
	tokEnd
	tokText
)

// nsKind is the namespace an element or attribute is in, by what WXR
// needs to know of it.
type nsKind uint8

const (
	nsNone    nsKind = iota // no namespace: RSS's own elements
	nsWXR                   // http(s)://wordpress.org/export/X.Y/
	nsExcerpt               // http(s)://wordpress.org/export/X.Y/excerpt/
	nsContent               // http(s)://purl.org/rss/1.0/modules/content/
	nsDC                    // http(s)://purl.org/dc/elements/1.1/
	nsOther                 // anything else
)

type attr struct {
	ns    nsKind
	local string
	value string
}

type token struct {
	kind  tokKind
	ns    nsKind
	local string
	attrs []attr
	text  []byte // tokText: decoded; valid until the next call to next
	line  int
}

type openElem struct {
	qname string // as written, to match the end tag
	line  int
	binds int // namespace bindings this element declared
}

type binding struct {
	prefix string
	kind   nsKind
}

type scanner struct {
	src    io.Reader
	buf    []byte
	r, w   int // unread bytes are buf[r:w]
	eof    bool
	line   int // line of buf[r]
	maxBuf int // the largest a single token may be

	stack      []openElem
	binds      []binding
	seenRoot   bool
	pendingEnd bool // the last start tag was <empty/>: its end comes next

	legacy *encoding.Decoder // declared non-UTF-8 encoding, or nil
	tmp    []byte
	names  map[string]string
}

const initialBuf = 64 << 10

func newScanner(src io.Reader, maxToken int, legacy *encoding.Decoder) *scanner {
	return &scanner{
		src:    src,
		buf:    make([]byte, min(initialBuf, maxToken+64)),
		line:   1,
		maxBuf: maxToken + 64,
		legacy: legacy,
		names:  make(map[string]string),
	}
}

func (s *scanner) errorf(line int, kind error, format string, args ...any) error {
	return &Error{Line: line, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// errTooBig tells a loop that wanted more bytes that the token is over
// maxBuf; the caller turns it into an *Error naming the token's line.
var errTooBig = errors.New("token too big")

// errUnclosedTag: a "<" stands inside a tag.
var errUnclosedTag = errors.New("unclosed tag")

// more reads more input after the unread bytes, moving them to the start
// of the buffer and growing it as needed. Offsets relative to s.r stay
// valid; slices of s.buf do not. It returns io.EOF at the end of input.
func (s *scanner) more() error {
	for {
		if s.eof {
			return io.EOF
		}
		if s.r > 0 {
			n := copy(s.buf, s.buf[s.r:s.w])
			s.r, s.w = 0, n
		}
		if s.w == len(s.buf) {
			if len(s.buf) >= s.maxBuf {
				return errTooBig
			}
			nb := make([]byte, min(2*len(s.buf), s.maxBuf))
			copy(nb, s.buf[:s.w])
			s.buf = nb
		}
		n, err := s.src.Read(s.buf[s.w:])
		s.w += n
		if err == io.EOF {
			s.eof = true
			if n > 0 {
				return nil
			}
			return io.EOF
		}
		if err != nil {
			return &Error{Line: s.line, Kind: err, Msg: ""}
		}
		if n > 0 {
			return nil
		}
	}
}

// fill makes at least n unread bytes available; it reports false at the
// end of input or when the token would be too big.
func (s *scanner) fill(n int) (bool, error) {
	for s.w-s.r < n {
		if err := s.more(); err != nil {
			if err == io.EOF || err == errTooBig {
				return false, nil
			}
			return false, err
		}
	}
	return true, nil
}

func (s *scanner) consume(n int) {
	s.line += bytes.Count(s.buf[s.r:s.r+n], []byte{'\n'})
	s.r += n
}

// find returns the offset from s.r of the first sep at or after offset
// from, reading more input as needed; -1 at the end of input.
func (s *scanner) find(sep string, from int) (int, error) {
	for {
		if i := bytes.Index(s.buf[s.r+from:s.w], []byte(sep)); i >= 0 {
			return from + i, nil
		}
		from = max(from, s.w-s.r-len(sep)+1)
		if err := s.more(); err != nil {
			if err == io.EOF {
				return -1, nil
			}
			return -1, err
		}
	}
}

func (s *scanner) hasPrefix(off int, p string) bool {
	return s.w-s.r-off >= len(p) && string(s.buf[s.r+off:s.r+off+len(p)]) == p
}

// tooBig turns errTooBig from a read into an error naming the line where
// the oversized token starts.
func (s *scanner) tooBig(err error, line int, what string) error {
	if err == errTooBig {
		return s.errorf(line, ErrTooLarge, "%s is longer than %d bytes (is it closed?)", what, s.maxBuf-64)
	}
	return err
}

// next returns the next start tag, end tag or text. Comments, processing
// instructions and the XML declaration are skipped, as is
// white space outside the root element. It returns io.EOF only when the
// root element is closed.
func (s *scanner) next() (token, error) {
	if s.pendingEnd {
		s.pendingEnd = false
		return s.pop(), nil
	}
	for {
		if s.r >= s.w {
			if err := s.more(); err != nil {
				if err == io.EOF {
					return token{}, s.atEOF()
				}
				return token{}, s.tooBig(err, s.line, "a token")
			}
			continue
		}
		if s.buf[s.r] != '<' {
			tok, ok, err := s.text()
			if err != nil || ok {
				return tok, err
			}
			continue
		}
		line := s.line
		if ok, err := s.fill(2); err != nil {
			return token{}, err
		} else if !ok {
			return token{}, s.errorf(line, ErrMalformed, "the file ends in a tag")
		}
		switch s.buf[s.r+1] {
		case '?':
			end, err := s.find("?>", 2)
			if err != nil {
				return token{}, s.tooBig(err, line, "a processing instruction")
			}
			if end < 0 {
				return token{}, s.errorf(line, ErrMalformed, "a processing instruction (<?…) is not closed")
			}
			s.consume(end + 2)
		case '!':
			if _, err := s.fill(9); err != nil {
				return token{}, err
			}
			switch {
			case s.hasPrefix(0, "<!--"):
				end, err := s.find("-->", 4)
				if err != nil {
					return token{}, s.tooBig(err, line, "a comment")
				}
				if end < 0 {
					return token{}, s.errorf(line, ErrMalformed, "a comment (<!--) is not closed")
				}
				s.consume(end + 3)
			case s.hasPrefix(0, "<![CDATA["):
				if len(s.stack) == 0 {
					return token{}, s.errorf(line, ErrMalformed, "a CDATA section outside the root element")
				}
				return s.cdata()
			case s.hasPrefix(0, "<!DOCTYPE"):
				// WordPress refuses a file with a DOCTYPE (its entities could
				// read local files or grow without end); its exports have none.
				return token{}, s.errorf(line, ErrNotWXR, "a DOCTYPE, which no WordPress export has and WordPress refuses")
			default:
				return token{}, s.errorf(line, ErrMalformed, "\"<!\" starts no comment, CDATA section or DOCTYPE")
			}
		case '/':
			return s.endTag()
		default:
			return s.startTag()
		}
	}
}

func (s *scanner) atEOF() error {
	if len(s.stack) > 0 {
		top := s.stack[len(s.stack)-1]
		return s.errorf(s.line, ErrMalformed, "the file ends before <%s> (line %d) is closed", top.qname, top.line)
	}
	if !s.seenRoot {
		return s.errorf(s.line, ErrNotWXR, "the file has no XML element")
	}
	return io.EOF
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func allSpace(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

// text reads character data up to the next "<". Outside the root element
// only white space may stand; it is skipped (ok false).
func (s *scanner) text() (token, bool, error) {
	line := s.line
	end, err := s.find("<", 0)
	if err != nil {
		return token{}, false, s.tooBig(err, line, "a text")
	}
	if end < 0 {
		end = s.w - s.r // the text runs to the end of the file
	}
	raw := s.buf[s.r : s.r+end]
	if len(s.stack) == 0 {
		if !allSpace(raw) {
			if s.seenRoot {
				return token{}, false, s.errorf(line+countLeadingLines(raw), ErrMalformed, "text after the root element")
			}
			return token{}, false, s.errorf(line+countLeadingLines(raw), ErrNotWXR, "text before the first XML element; this is not an XML file")
		}
		s.consume(end)
		return token{}, false, nil
	}
	s.tmp = s.decode(s.tmp[:0], raw, false)
	s.consume(end)
	return token{kind: tokText, text: s.legacyText(s.tmp), line: line}, true, nil
}

// countLeadingLines counts the blank lines before the first non-space byte
// of b, to name the line where stray text starts.
func countLeadingLines(b []byte) int {
	n := 0
	for _, c := range b {
		if !isSpace(c) {
			break
		}
		if c == '\n' {
			n++
		}
	}
	return n
}

// cdata reads a CDATA section; s.buf[s.r:] starts with "<![CDATA[".
func (s *scanner) cdata() (token, error) {
	line := s.line
	from := 9
	for {
		end, err := s.find("]]>", from)
		if err != nil {
			return token{}, s.tooBig(err, line, "a CDATA section")
		}
		if end < 0 {
			return token{}, s.errorf(line, ErrMalformed, "a CDATA section (<![CDATA[) is not closed")
		}
		ends, err := s.cdataEnds(end + 3)
		if err != nil {
			return token{}, err
		}
		if ends {
			raw := s.buf[s.r+9 : s.r+end]
			s.tmp = appendNormalized(s.tmp[:0], raw)
			s.consume(end + 3)
			return token{kind: tokText, text: s.legacyText(s.tmp), line: line}, nil
		}
		from = end + 1
	}
}

// cdataEnds reports whether the "]]>" just before offset off ends the
// CDATA section. In well-formed XML it always does. WordPress before 3.1
// wrote values into one CDATA section without escaping a "]]>" inside
// them ("<![CDATA[a <![CDATA[b]]> c]]>"), and WordPress still reads those
// files; so a "]]>" is read as text when what follows it is not XML that
// closes the current element well: a "]]>" in plain text, or a tag that
// does not nest. A "]]>" followed by another section or by the element's
// own end tag, the common cases, ends the section at once.
func (s *scanner) cdataEnds(off int) (bool, error) {
	qname := s.stack[len(s.stack)-1].qname
	i := off
	for {
		ok, err := s.fill(i + 1)
		if err != nil {
			return false, err
		}
		if !ok || !isSpace(s.buf[s.r+i]) {
			break
		}
		i++
	}
	if _, err := s.fill(i + len(qname) + 3); err != nil {
		return false, err
	}
	if s.hasPrefix(i, "<![CDATA[") {
		return true, nil
	}
	if s.hasPrefix(i, "</"+qname) {
		j := i + 2 + len(qname)
		if s.r+j < s.w && (s.buf[s.r+j] == '>' || isSpace(s.buf[s.r+j])) {
			return true, nil
		}
	}
	return s.closesWell(off, qname)
}

// closesWell reads ahead from offset off, without consuming, as strict
// XML would, and reports whether it reaches the end tag of qname without
// an error. At the end of the input or of the buffer's limit it reports
// true, so that the ordinary reading reports the ordinary error.
func (s *scanner) closesWell(off int, qname string) (bool, error) {
	var open []string
	i := off
	for {
		lt, err := s.find("<", i)
		if err == errTooBig || (err == nil && lt < 0) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
		if bytes.Contains(s.buf[s.r+i:s.r+lt], []byte("]]>")) {
			return false, nil
		}
		i = lt
		if _, err := s.fill(i + 9); err != nil {
			return false, err
		}
		var closer string
		switch {
		case s.hasPrefix(i, "<![CDATA["):
			closer = "]]>"
		case s.hasPrefix(i, "<!--"):
			closer = "-->"
		case s.hasPrefix(i, "<?"):
			closer = "?>"
		case s.hasPrefix(i, "<!"):
			return false, nil
		}
		if closer != "" {
			end, err := s.find(closer, i+2)
			if err == errTooBig || (err == nil && end < 0) {
				return true, nil
			}
			if err != nil {
				return false, err
			}
			i = end + len(closer)
			continue
		}
		end, err := s.tagEnd(i)
		if err == errTooBig || (err == nil && end < 0) {
			return true, nil
		}
		if err == errUnclosedTag {
			return false, nil // a broken tag: not XML that closes well
		}
		if err != nil {
			return false, err
		}
		tag := s.buf[s.r+i+1 : s.r+end]
		i = end + 1
		if len(tag) > 0 && tag[0] == '/' {
			name := string(bytes.TrimRight(tag[1:], " \t\r\n"))
			if len(open) == 0 {
				return name == qname, nil
			}
			if open[len(open)-1] != name {
				return false, nil
			}
			open = open[:len(open)-1]
			continue
		}
		if len(tag) > 0 && tag[len(tag)-1] == '/' {
			continue
		}
		n := 0
		for n < len(tag) && !isSpace(tag[n]) {
			n++
		}
		open = append(open, string(tag[:n]))
	}
}

// tagEnd returns the offset of the ">" closing the tag that starts at
// offset off, skipping quoted attribute values; -1 at the end of input.
// A "<" outside quotes is an error: the tag is not closed.
func (s *scanner) tagEnd(off int) (int, error) {
	var quote byte
	i := off + 1
	for {
		for ; s.r+i < s.w; i++ {
			c := s.buf[s.r+i]
			switch {
			case quote != 0:
				if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '>':
				return i, nil
			case c == '<':
				return -1, errUnclosedTag
			}
		}
		if err := s.more(); err != nil {
			if err == io.EOF {
				return -1, nil
			}
			return -1, err
		}
	}
}

func (s *scanner) startTag() (token, error) {
	line := s.line
	if !validName(s.buf[s.r+1 : s.r+2]) {
		return token{}, s.errorf(line, ErrMalformed, "\"<\" is not followed by an element name (a raw \"<\" in text must be written &lt;)")
	}
	end, err := s.tagEnd(0)
	if err == errUnclosedTag {
		return token{}, s.errorf(line, ErrMalformed, "a tag is not closed before the next \"<\"")
	}
	if err != nil {
		return token{}, s.tooBig(err, line, "a tag")
	}
	if end < 0 {
		return token{}, s.errorf(line, ErrMalformed, "the file ends in a tag")
	}
	tag := s.buf[s.r+1 : s.r+end]
	empty := len(tag) > 0 && tag[len(tag)-1] == '/'
	if empty {
		tag = tag[:len(tag)-1]
	}
	n := 0
	for n < len(tag) && !isSpace(tag[n]) {
		n++
	}
	qname := tag[:n]
	if !validName(qname) {
		return token{}, s.errorf(line, ErrMalformed, "\"<\" is not followed by an element name (a raw \"<\" in text must be written &lt;)")
	}
	if len(s.stack) >= maxDepth {
		return token{}, s.errorf(line, ErrTooLarge, "elements nest more than %d deep", maxDepth)
	}
	if len(s.stack) == 0 && s.seenRoot {
		return token{}, s.errorf(line, ErrMalformed, "a second root element <%s>", qname)
	}
	type rawAttr struct{ name, value []byte }
	var raws []rawAttr
	rest := tag[n:]
	for {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if len(rest) == 0 {
			break
		}
		eq := bytes.IndexByte(rest, '=')
		if eq <= 0 {
			return token{}, s.errorf(line, ErrMalformed, "attribute %q of <%s> has no value", firstField(rest), qname)
		}
		aname := bytes.TrimRight(rest[:eq], " \t\r\n")
		if !validName(aname) {
			return token{}, s.errorf(line, ErrMalformed, "<%s> has a broken attribute %q", qname, aname)
		}
		rest = bytes.TrimLeft(rest[eq+1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return token{}, s.errorf(line, ErrMalformed, "the value of attribute %s of <%s> is not quoted", aname, qname)
		}
		q := rest[0]
		closing := bytes.IndexByte(rest[1:], q)
		if closing < 0 {
			return token{}, s.errorf(line, ErrMalformed, "the value of attribute %s of <%s> is not closed", aname, qname)
		}
		val := rest[1 : 1+closing]
		if bytes.IndexByte(val, '<') >= 0 {
			return token{}, s.errorf(line, ErrMalformed, "the value of attribute %s of <%s> holds a raw \"<\"", aname, qname)
		}
		for _, a := range raws {
			if bytes.Equal(a.name, aname) {
				return token{}, s.errorf(line, ErrMalformed, "<%s> has attribute %s twice", qname, aname)
			}
		}
		raws = append(raws, rawAttr{aname, val})
		rest = rest[2+closing:]
	}

	el := openElem{qname: s.intern(qname), line: line}
	// Namespace declarations first: they apply to the element's own name.
	for _, a := range raws {
		switch {
		case string(a.name) == "xmlns":
			s.binds = append(s.binds, binding{prefix: "", kind: s.classifyValue(a.value)})
			el.binds++
		case bytes.HasPrefix(a.name, []byte("xmlns:")):
			s.binds = append(s.binds, binding{prefix: s.intern(a.name[6:]), kind: s.classifyValue(a.value)})
			el.binds++
		}
	}
	tok := token{kind: tokStart, line: line}
	tok.ns, tok.local = s.resolve(qname, true)
	for _, a := range raws {
		if string(a.name) == "xmlns" || bytes.HasPrefix(a.name, []byte("xmlns:")) {
			continue
		}
		var at attr
		at.ns, at.local = s.resolve(a.name, false)
		s.tmp = s.decode(s.tmp[:0], a.value, true)
		at.value = string(s.legacyText(s.tmp))
		tok.attrs = append(tok.attrs, at)
	}
	s.consume(end + 1)
	s.stack = append(s.stack, el)
	s.seenRoot = true
	if empty {
		s.pendingEnd = true
	}
	return tok, nil
}

func firstField(b []byte) string {
	if f := bytes.Fields(b); len(f) > 0 {
		return string(f[0])
	}
	return ""
}

func (s *scanner) classifyValue(v []byte) nsKind {
	s.tmp = s.decode(s.tmp[:0], v, true)
	return classify(string(s.tmp))
}

func (s *scanner) endTag() (token, error) {
	line := s.line
	end, err := s.find(">", 2)
	if err != nil {
		return token{}, s.tooBig(err, line, "an end tag")
	}
	if end < 0 {
		return token{}, s.errorf(line, ErrMalformed, "the file ends in an end tag")
	}
	name := bytes.TrimRight(s.buf[s.r+2:s.r+end], " \t\r\n")
	if len(s.stack) == 0 {
		return token{}, s.errorf(line, ErrMalformed, "</%s> closes no element", name)
	}
	top := s.stack[len(s.stack)-1]
	if string(name) != top.qname {
		return token{}, s.errorf(line, ErrMalformed, "</%s> where <%s> (line %d) should be closed", name, top.qname, top.line)
	}
	s.consume(end + 1)
	tok := s.pop()
	tok.line = line
	return tok, nil
}

// pop closes the innermost element and returns its end token.
func (s *scanner) pop() token {
	top := s.stack[len(s.stack)-1]
	tok := token{kind: tokEnd, line: s.line}
	tok.ns, tok.local = s.resolve([]byte(top.qname), true)
	s.binds = s.binds[:len(s.binds)-top.binds]
	s.stack = s.stack[:len(s.stack)-1]
	return tok
}

// resolve splits a qualified name and finds its namespace. An undeclared
// prefix among those WXR uses (wp, excerpt, content, dc) means their
// usual namespace, as WordPress's fallback parser reads them; any other
// undeclared prefix matches nothing WXR knows.
func (s *scanner) resolve(qname []byte, element bool) (nsKind, string) {
	prefix, local := "", qname
	if i := bytes.IndexByte(qname, ':'); i >= 0 {
		prefix, local = string(qname[:i]), qname[i+1:]
	} else if !element {
		return nsNone, s.intern(local)
	}
	for i := len(s.binds) - 1; i >= 0; i-- {
		if s.binds[i].prefix == prefix {
			return s.binds[i].kind, s.intern(local)
		}
	}
	switch prefix {
	case "":
		return nsNone, s.intern(local)
	case "wp":
		return nsWXR, s.intern(local)
	case "excerpt":
		return nsExcerpt, s.intern(local)
	case "content":
		return nsContent, s.intern(local)
	case "dc":
		return nsDC, s.intern(local)
	}
	return nsOther, s.intern(local)
}

func (s *scanner) intern(b []byte) string {
	if v, ok := s.names[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(s.names) < 4096 {
		s.names[v] = v
	}
	return v
}

// validName reports whether b can be an XML name: it checks the first
// byte only, enough to tell a tag from a stray "<" in text.
func validName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	c := b[0]
	return c == '_' || c == ':' || c >= 0x80 || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// classify sorts a namespace URI. The export namespaces are matched by
// pattern, as WordPress has written them with http and https and several
// versions: http(s)://wordpress.org/export/X.Y/ and …/X.Y/excerpt/, the
// final slash optional.
func classify(uri string) nsKind {
	if uri == "" {
		return nsNone
	}
	rest, ok := cutScheme(uri)
	if !ok {
		return nsOther
	}
	rest = strings.TrimSuffix(rest, "/")
	switch strings.ToLower(rest) {
	case "purl.org/rss/1.0/modules/content":
		return nsContent
	case "purl.org/dc/elements/1.1":
		return nsDC
	}
	host, path, _ := strings.Cut(rest, "/")
	host = strings.ToLower(host)
	if host != "wordpress.org" && host != "www.wordpress.org" {
		return nsOther
	}
	ver, tail, _ := strings.Cut(strings.TrimPrefix(path, "export/"), "/")
	if !strings.HasPrefix(path, "export/") || !isVersion(ver) {
		return nsOther
	}
	switch tail {
	case "":
		return nsWXR
	case "excerpt":
		return nsExcerpt
	}
	return nsOther
}

func cutScheme(uri string) (string, bool) {
	for _, p := range []string{"http://", "https://"} {
		if len(uri) > len(p) && strings.EqualFold(uri[:len(p)], p) {
			return uri[len(p):], true
		}
	}
	return "", false
}

// isVersion reports whether v is digits, a dot, digits: WordPress's test
// of a WXR version.
func isVersion(v string) bool {
	major, minor, ok := strings.Cut(v, ".")
	return ok && allDigits(major) && allDigits(minor)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// appendNormalized appends raw with XML's end-of-line handling: "\r\n"
// and a lone "\r" become "\n".
func appendNormalized(dst, raw []byte) []byte {
	if bytes.IndexByte(raw, '\r') < 0 {
		return append(dst, raw...)
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '\r' {
			dst = append(dst, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// decode appends text or an attribute value with its references
// replaced and its line ends normalised. A "&" that starts no reference
// to one of XML's five entities or to a character is kept as written.
// In an attribute, white space characters become spaces, as XML says.
func (s *scanner) decode(dst, raw []byte, inAttr bool) []byte {
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 &&
		(!inAttr || (bytes.IndexByte(raw, '\n') < 0 && bytes.IndexByte(raw, '\t') < 0)) {
		return append(dst, raw...)
	}
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			if inAttr {
				dst = append(dst, ' ')
			} else {
				dst = append(dst, '\n')
			}
		case '\n', '\t':
			if inAttr {
				dst = append(dst, ' ')
			} else {
				dst = append(dst, c)
			}
		case '&':
			if r, n := reference(raw[i:]); n > 0 {
				dst = append(dst, r...)
				i += n - 1
			} else {
				dst = append(dst, '&')
			}
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// reference decodes the entity or character reference at the start of
// b; n is 0 when b starts none WordPress would decode.
func reference(b []byte) (string, int) {
	end := bytes.IndexByte(b[:min(len(b), 12)], ';')
	if end < 2 {
		return "", 0
	}
	name := string(b[1:end])
	switch name {
	case "amp":
		return "&", end + 1
	case "lt":
		return "<", end + 1
	case "gt":
		return ">", end + 1
	case "quot":
		return "\"", end + 1
	case "apos":
		return "'", end + 1
	}
	if name[0] != '#' {
		return "", 0
	}
	var v uint64
	var err error
	if len(name) > 2 && (name[1] == 'x' || name[1] == 'X') {
		v, err = strconv.ParseUint(name[2:], 16, 32)
	} else {
		v, err = strconv.ParseUint(name[1:], 10, 32)
	}
	if err != nil || !xmlChar(rune(v)) {
		return "", 0
	}
	return string(rune(v)), end + 1
}

// xmlChar reports whether r is a character XML 1.0 allows.
func xmlChar(r rune) bool {
	switch {
	case r == 0x9 || r == 0xA || r == 0xD:
		return true
	case r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= utf8.MaxRune:
		return true
	}
	return false
}

// legacyText turns a value of a file declared in another encoding than
// UTF-8 into UTF-8. A value that is valid UTF-8 is kept: WordPress's
// exporter writes CDATA values in UTF-8 whatever the site's charset.
func (s *scanner) legacyText(b []byte) []byte {
	if s.legacy == nil || utf8.Valid(b) {
		return b
	}
	out, err := s.legacy.Bytes(b)
	if err != nil {
		return b
	}
	return out
}
