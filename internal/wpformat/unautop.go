package wpformat

import (
	"sort"
	"strings"
)

// ShortcodeUnautop is WordPress's shortcode_unautop() for the core
// shortcodes: a registered shortcode that stands alone in a paragraph
// (<p>[gallery ids="1,2"]</p>, or an enclosing one with its content and
// closing tag) loses the paragraph, so that what it turns into is not
// wrapped in <p>.
func ShortcodeUnautop(s string) string {
	return shortcodeUnautop(s, coreShortcodes)
}

func shortcodeUnautop(s string, names []string) string {
	if len(names) == 0 || !strings.Contains(s, "<p>") {
		return s
	}
	u := &unautopper{s: s, names: names, closings: closingTagIndex(s, names),
		brackets: &byteFinder{s: s, c: ']'}, ends: map[int]bool{}}
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.Index(s[i:], "<p>")
		if j < 0 {
			break
		}
		i += j
		start, end, ok := u.match(i)
		if !ok {
			i += 3
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(s[start:end])
		// The whole match, up to and with </p>, is consumed.
		i = strings.Index(s[end:], "</p>") + end + len("</p>")
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// closingTagIndex lists, for each name, where "[/name]" occurs in s, so the
// first closing tag after a point is found by binary search rather than by
// rescanning (which would be quadratic on hostile input).
func closingTagIndex(s string, names []string) map[string][]int {
	m := make(map[string][]int)
	for _, name := range names {
		tag := "[/" + name + "]"
		for off := 0; ; {
			k := strings.Index(s[off:], tag)
			if k < 0 {
				break
			}
			m[name] = append(m[name], off+k)
			off += k + 1
		}
	}
	return m
}

// firstAtOrAfter returns the first position in sorted that is >= i, or -1.
func firstAtOrAfter(sorted []int, i int) int {
	k := sort.SearchInts(sorted, i)
	if k == len(sorted) {
		return -1
	}
	return sorted[k]
}

// skipSpaces skips WordPress's spaces from s[i].
func skipSpaces(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == '\r' || s[i] == '\n' || s[i] == '\t' || s[i] == ' ':
			i++
		case strings.HasPrefix(s[i:], nbspUTF8):
			i += len(nbspUTF8)
		case strings.HasPrefix(s[i:], "&nbsp;"):
			i += len("&nbsp;")
		default:
			return i
		}
	}
	return i
}

// shortcodeName returns the registered name starting at s[i] that is not
// followed by a word byte or a hyphen.
func shortcodeName(s string, i int, names []string) (string, bool) {
	for _, name := range names {
		if strings.HasPrefix(s[i:], name) {
			e := i + len(name)
			if e == len(s) || !isWordByte(s[e]) && s[e] != '-' {
				return name, true
			}
		}
	}
	return "", false
}

// unautopper holds what shortcode_unautop's matches share, so that no
// stretch of text is scanned again and again.
type unautopper struct {
	s        string
	names    []string
	closings map[string][]int
	brackets *byteFinder
	ends     map[int]bool // endsParagraph's answers
}

// endsParagraph reports whether spaces and </p> follow s[e].
func (u *unautopper) endsParagraph(e int) bool {
	if v, ok := u.ends[e]; ok {
		return v
	}
	v := strings.HasPrefix(u.s[skipSpaces(u.s, e):], "</p>")
	u.ends[e] = v
	return v
}

// match tries shortcode_unautop's pattern at the "<p>" at s[i]. It returns
// the shortcode's bounds; the match goes on through spaces and </p>.
func (u *unautopper) match(i int) (start, end int, ok bool) {
	s, names, closings, endsParagraph := u.s, u.names, u.closings, u.endsParagraph
	start = skipSpaces(s, i+3)
	if start >= len(s) || s[start] != '[' {
		return 0, 0, false
	}
	name, ok := shortcodeName(s, start+1, names)
	if !ok {
		return 0, 0, false
	}
	nameEnd := start + 1 + len(name)
	// The attributes run to the first ']'; "/]" closes a self-closing tag.
	k := u.brackets.next(nameEnd)
	if k < 0 {
		return 0, 0, false
	}
	if k > nameEnd && s[k-1] == '/' {
		if endsParagraph(k + 1) {
			return start, k + 1, true
		}
		return 0, 0, false
	}
	// An enclosing shortcode runs to its first closing tag, if it has one;
	// failing that, the opening tag alone may stand in the paragraph.
	if c := firstAtOrAfter(closings[name], k+1); c >= 0 {
		e := c + len(name) + 3
		if endsParagraph(e) {
			return start, e, true
		}
	}
	if endsParagraph(k + 1) {
		return start, k + 1, true
	}
	return 0, 0, false
}
