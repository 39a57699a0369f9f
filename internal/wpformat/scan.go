package wpformat

import "strings"

// This file holds the byte-level helpers the scanners share. WordPress's
// patterns run without the /u modifier, so they see bytes: \d is an ASCII
// digit, \w an ASCII word byte and \s one of the six ASCII spaces.

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isWordByte(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

// isSpace reports whether c is in PCRE's \s: tab, newline, vertical tab,
// form feed, carriage return or space.
func isSpace(c byte) bool {
	return c == ' ' || '\t' <= c && c <= '\r'
}

// isPHPTrim reports whether c is one of the bytes PHP's trim() removes.
func isPHPTrim(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0 || c == '\x0b'
}

func phpTrim(s string) string {
	i, j := 0, len(s)
	for i < j && isPHPTrim(s[i]) {
		i++
	}
	for j > i && isPHPTrim(s[j-1]) {
		j--
	}
	return s[i:j]
}

// The "spaces" of wp_spaces_regexp(): [\r\n\t ], the UTF-8 no-break space
// and the &nbsp; entity.
const nbspUTF8 = "\xC2\xA0"

// spaceAt reports whether one of WordPress's spaces starts at s[i].
func spaceAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	switch s[i] {
	case '\r', '\n', '\t', ' ':
		return true
	case '\xC2':
		return strings.HasPrefix(s[i:], nbspUTF8)
	case '&':
		return strings.HasPrefix(s[i:], "&nbsp;")
	}
	return false
}

// spaceBefore reports whether one of WordPress's spaces ends just before s[i].
func spaceBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	switch s[i-1] {
	case '\r', '\n', '\t', ' ':
		return true
	case '\xA0':
		return strings.HasSuffix(s[:i], nbspUTF8)
	case ';':
		return strings.HasSuffix(s[:i], "&nbsp;")
	}
	return false
}

// atEndZ reports whether PCRE's \Z (and $ without the m flag) holds at s[i]:
// the end of the subject, or just before a newline that ends it.
func atEndZ(s string, i int) bool {
	return i == len(s) || i == len(s)-1 && s[i] == '\n'
}

// replaceFunc is the shape of every hand-made preg_replace: scanning left to
// right for byte c, match tells whether a match starts at s[i] and, if so,
// where it ends and what replaces it. Matches do not overlap, and match always
// sees the original subject, as lookbehinds do in PCRE. It returns the new
// string and the number of replacements.
func replaceFunc(s string, c byte, match func(s string, i int) (end int, repl string, ok bool)) (string, int) {
	i := strings.IndexByte(s, c)
	if i < 0 {
		return s, 0
	}
	var b strings.Builder
	n, last := 0, 0
	for i >= 0 {
		end, repl, ok := match(s, i)
		next := i + 1
		if ok {
			if n == 0 {
				b.Grow(len(s) + 16)
			}
			b.WriteString(s[last:i])
			b.WriteString(repl)
			last, next = end, end
			n++
		}
		if next >= len(s) {
			break
		}
		j := strings.IndexByte(s[next:], c)
		if j < 0 {
			break
		}
		i = next + j
	}
	if n == 0 {
		return s, 0
	}
	b.WriteString(s[last:])
	return b.String(), n
}

// htmlChunkEnd returns where the HTML delimiter starting with '<' at s[i]
// ends, the way WordPress's split patterns see it: a comment runs to the
// first "-->" (or the end), a CDATA section (when cdata is set) to the first
// "]]>" (or the end), and any other '<' to the next '>' (or the end).
func htmlChunkEnd(s string, i int, cdata bool) int {
	rest := s[i:]
	switch {
	case strings.HasPrefix(rest, "<!--"):
		if j := strings.Index(s[i+2:], "-->"); j >= 0 {
			return i + 2 + j + 3
		}
		return len(s)
	case cdata && strings.HasPrefix(rest, "<![CDATA["):
		if j := strings.Index(s[i+9:], "]]>"); j >= 0 {
			return i + 9 + j + 3
		}
		return len(s)
	}
	if j := strings.IndexByte(s[i+1:], '>'); j >= 0 {
		return i + 1 + j + 1
	}
	return len(s)
}

// htmlSplit is wp_html_split(): it cuts s into text and HTML delimiters
// (elements, comments and CDATA sections). Even indexes are text (possibly
// empty), odd ones delimiters.
func htmlSplit(s string) []string {
	var parts []string
	last := 0
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j
		end := htmlChunkEnd(s, i, true)
		parts = append(parts, s[last:i], s[i:end])
		last, i = end, end
	}
	return append(parts, s[last:])
}

// replaceInHTMLTags is wp_replace_in_html_tags() for a single pair: it
// replaces old with repl inside HTML delimiters only.
func replaceInHTMLTags(s, old, repl string) string {
	if !strings.Contains(s, old) {
		return s
	}
	parts := htmlSplit(s)
	changed := false
	for i := 1; i < len(parts); i += 2 {
		if strings.Contains(parts[i], old) {
			parts[i] = strings.ReplaceAll(parts[i], old, repl)
			changed = true
		}
	}
	if !changed {
		return s
	}
	return strings.Join(parts, "")
}

// byteFinder finds the first c at or after a position, for callers whose
// positions only grow: it remembers its last answer, so a stretch of text
// is searched once however many times it is asked about.
type byteFinder struct {
	s     string
	c     byte
	known bool
	from  int // the position last searched from
	at    int // the answer for from: an index, or -1 for none
}

// next returns the index of the first c at or after i, or -1.
func (f *byteFinder) next(i int) int {
	if f.known && i >= f.from && (f.at < 0 || f.at >= i) {
		return f.at
	}
	f.known, f.from, f.at = true, i, -1
	if k := strings.IndexByte(f.s[i:], f.c); k >= 0 {
		f.at = i + k
	}
	return f.at
}
