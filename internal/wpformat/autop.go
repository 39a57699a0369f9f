package wpformat

import (
	"regexp"
	"strconv"
	"strings"
)

// The block-level elements wpautop knows, as an alternation. Since WordPress
// 6.4 math is no longer one of them: an inline <math> gets its paragraph.
const allBlocks = `(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)`

// ws is PCRE's \s (which, unlike Go's, has the vertical tab).
const ws = `[\t\n\v\f\r ]`

// The wpautop patterns that RE2 expresses as PCRE does; the others are
// scanners below. Go's regexp picks the same leftmost-first matches as PCRE.
var (
	reDoubleBr       = regexp.MustCompile(`<br` + ws + `*/?>` + ws + `*<br` + ws + `*/?>`)
	reBlockOpen      = regexp.MustCompile(`(<` + allBlocks + `[\t\n\v\f\r /> ])`)
	reBlockClose     = regexp.MustCompile(`(</` + allBlocks + `>)`)
	reHr             = regexp.MustCompile(`(<hr` + ws + `*?/?>)`)
	reOptionOpen     = regexp.MustCompile(ws + `*<option`)
	reOptionClose    = regexp.MustCompile(`</option>` + ws + `*`)
	reObjectOpen     = regexp.MustCompile(`(<object[^>]*>)` + ws + `*`)
	reObjectClose    = regexp.MustCompile(ws + `*</object>`)
	reParamEmbed     = regexp.MustCompile(ws + `*(</?(?:param|embed)[^>]*>)` + ws + `*`)
	reMediaOpen      = regexp.MustCompile(`([<\[](?:audio|video)[^>\]]*[>\]])` + ws + `*`)
	reMediaClose     = regexp.MustCompile(ws + `*([<\[]/(?:audio|video)[>\]])`)
	reSourceTrack    = regexp.MustCompile(ws + `*(<(?:source|track)[^>]*>)` + ws + `*`)
	reFigcaptionOpen = regexp.MustCompile(ws + `*(<figcaption[^>]*>)`)
	reFigcaptionEnd  = regexp.MustCompile(`</figcaption>` + ws + `*`)
	reManyNewlines   = regexp.MustCompile(`\n\n+`)
	reParagraphSplit = regexp.MustCompile(`\n` + ws + `*\n`)
	reEmptyP         = regexp.MustCompile(`<p>` + ws + `*</p>`)
	reUnclosedP      = regexp.MustCompile(`<p>([^<]+)</(div|address|form)>`)
	reWrappedBlock   = regexp.MustCompile(`<p>` + ws + `*(</?` + allBlocks + `[^>]*>)` + ws + `*</p>`)
	reWrappedLi      = regexp.MustCompile(`<p>(<li.+?)</p>`)
	reBlockquoteInP  = regexp.MustCompile(`(?i)<p><blockquote([^>]*)>`)
	rePBeforeBlock   = regexp.MustCompile(`<p>` + ws + `*(</?` + allBlocks + `[^>]*>)`)
	rePAfterBlock    = regexp.MustCompile(`(</?` + allBlocks + `[^>]*>)` + ws + `*</p>`)
	reBrAfterBlock   = regexp.MustCompile(`(</?` + allBlocks + `[^>]*>)` + ws + `*<br />`)
	reBrBeforeBlock  = regexp.MustCompile(`<br />(` + ws + `*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)`)
)

// Autop is WordPress's wpautop(): it wraps text separated by blank lines in
// <p> elements, leaves block-level elements unwrapped, keeps <pre> as it is
// and, when br is set, turns the remaining newlines into <br /> (but not
// inside script, style, svg or math).
func Autop(s string, br bool) string {
	if phpTrim(s) == "" {
		return ""
	}
	s += "\n"

	// <pre> elements are set aside and put back at the end untouched.
	var pres []string
	if strings.Contains(s, "<pre") {
		s, pres = extractPres(s)
	}

	s = reDoubleBr.ReplaceAllLiteralString(s, "\n\n")
	s = reBlockOpen.ReplaceAllString(s, "\n\n$1")
	s = reBlockClose.ReplaceAllString(s, "$1\n\n")
	s = reHr.ReplaceAllString(s, "$1\n\n")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")

	// Newlines inside tags and comments must not become paragraphs.
	s = replaceInHTMLTags(s, "\n", " <!-- wpnl --> ")

	if strings.Contains(s, "<option") {
		s = reOptionOpen.ReplaceAllLiteralString(s, "<option")
		s = reOptionClose.ReplaceAllLiteralString(s, "</option>")
	}
	if strings.Contains(s, "</object>") {
		s = reObjectOpen.ReplaceAllString(s, "$1")
		s = reObjectClose.ReplaceAllLiteralString(s, "</object>")
		s = reParamEmbed.ReplaceAllString(s, "$1")
	}
	if strings.Contains(s, "<source") || strings.Contains(s, "<track") {
		s = reMediaOpen.ReplaceAllString(s, "$1")
		s = reMediaClose.ReplaceAllString(s, "$1")
		s = reSourceTrack.ReplaceAllString(s, "$1")
	}
	if strings.Contains(s, "<figcaption") {
		s = reFigcaptionOpen.ReplaceAllString(s, "$1")
		s = reFigcaptionEnd.ReplaceAllLiteralString(s, "</figcaption>")
	}

	s = reManyNewlines.ReplaceAllLiteralString(s, "\n\n")
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for _, p := range reParagraphSplit.Split(s, -1) {
		if p == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.Trim(p, "\n"))
		b.WriteString("</p>\n")
	}
	s = b.String()

	s = reEmptyP.ReplaceAllLiteralString(s, "")
	s = reUnclosedP.ReplaceAllString(s, "<p>$1</p></$2>")
	s = reWrappedBlock.ReplaceAllString(s, "$1")
	s = reWrappedLi.ReplaceAllString(s, "$1")
	s = reBlockquoteInP.ReplaceAllString(s, "<blockquote$1><p>")
	s = strings.ReplaceAll(s, "</blockquote></p>", "</p></blockquote>")
	s = rePBeforeBlock.ReplaceAllString(s, "$1")
	s = rePAfterBlock.ReplaceAllString(s, "$1")

	if br {
		s = preserveNewlines(s)
		s = strings.ReplaceAll(s, "<br>", "<br />")
		s = strings.ReplaceAll(s, "<br/>", "<br />")
		s = newlinesToBr(s)
		s = strings.ReplaceAll(s, "<WPPreserveNewline />", "\n")
	}

	s = reBrAfterBlock.ReplaceAllString(s, "$1")
	s = reBrBeforeBlock.ReplaceAllString(s, "$1")
	// PHP's $ also matches before a final newline.
	if strings.HasSuffix(s, "\n</p>") {
		s = s[:len(s)-5] + "</p>"
	} else if strings.HasSuffix(s, "\n</p>\n") {
		s = s[:len(s)-6] + "</p>\n"
	}

	if len(pres) > 0 {
		s = restorePres(s, pres)
	}
	if strings.Contains(s, "<!-- wpnl -->") {
		s = strings.ReplaceAll(s, " <!-- wpnl --> ", "\n")
		s = strings.ReplaceAll(s, "<!-- wpnl -->", "\n")
	}
	return s
}

// preKey is the placeholder of the i-th <pre> element.
func preKey(i int) string { return "<pre wp-pre-tag-" + strconv.Itoa(i) + "></pre>" }

// extractPres replaces each <pre…</pre> with a placeholder, the way
// wpautop does: the text is cut at every </pre>, and in each piece the part
// from its first "<pre" is set aside. A piece without "<pre" loses its
// </pre>, as in WordPress.
func extractPres(s string) (string, []string) {
	parts := strings.Split(s, "</pre>")
	last := parts[len(parts)-1]
	var b strings.Builder
	b.Grow(len(s))
	var pres []string
	for _, part := range parts[:len(parts)-1] {
		start := strings.Index(part, "<pre")
		if start < 0 {
			b.WriteString(part)
			continue
		}
		b.WriteString(part[:start])
		b.WriteString(preKey(len(pres)))
		pres = append(pres, part[start:]+"</pre>")
	}
	b.WriteString(last)
	return b.String(), pres
}

// restorePres puts the <pre> elements back. WordPress replaces the
// placeholders one after the other, so a placeholder that a restored
// element ends with is itself restored if its number is higher; this does
// the same in one pass.
func restorePres(s string, pres []string) string {
	const prefix = "<pre wp-pre-tag-"
	var b strings.Builder
	b.Grow(len(s) + len(pres)*64)
	for {
		i := strings.Index(s, prefix)
		if i < 0 {
			break
		}
		n, end, ok := parsePreKey(s, i, len(pres))
		if !ok {
			b.WriteString(s[:i+len(prefix)])
			s = s[i+len(prefix):]
			continue
		}
		b.WriteString(s[:i])
		for {
			// A restored element may end with a later placeholder (that is
			// the only place one can be), which WordPress restores in turn.
			p := pres[n]
			if j := strings.LastIndex(p, prefix); j >= 0 {
				if m, e, ok := parsePreKey(p, j, len(pres)); ok && e == len(p) && m > n {
					b.WriteString(p[:j])
					n = m
					continue
				}
			}
			b.WriteString(p)
			break
		}
		s = s[end:]
	}
	b.WriteString(s)
	return b.String()
}

// parsePreKey reads the placeholder at s[i], returning its number (below
// max) and where it ends.
func parsePreKey(s string, i, max int) (n, end int, ok bool) {
	j := i + len("<pre wp-pre-tag-")
	k := j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k == j || !strings.HasPrefix(s[k:], "></pre>") {
		return 0, 0, false
	}
	n, err := strconv.Atoi(s[j:k])
	if err != nil || n >= max || strconv.Itoa(n) != s[j:k] {
		return 0, 0, false
	}
	return n, k + len("></pre>"), true
}

// preserveNewlines replaces the newlines inside script, style, svg and math
// elements with a placeholder, as wpautop's /<(script|style|svg|math).*?<\/\1>/s
// pattern does: from an opening name to the first matching closing tag.
func preserveNewlines(s string) string {
	names := [...]string{"script", "style", "svg", "math"}
	var lastClose [len(names)]int
	any := false
	for k, name := range names {
		lastClose[k] = strings.LastIndex(s, "</"+name+">")
		any = any || lastClose[k] >= 0
	}
	if !any {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j
		matched := false
		for k, name := range names {
			if !strings.HasPrefix(s[i+1:], name) {
				continue
			}
			from := i + 1 + len(name)
			if lastClose[k] < from {
				continue
			}
			end := from + strings.Index(s[from:], "</"+name+">") + len(name) + 3
			b.WriteString(s[last:i])
			b.WriteString(strings.ReplaceAll(s[i:end], "\n", "<WPPreserveNewline />"))
			last, i = end, end
			matched = true
			break
		}
		if !matched {
			i++
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// newlinesToBr is wpautop's |(?<!<br />)\s*\n| → "<br />\n": a run of spaces
// ending in a newline, unless it directly follows a <br />, becomes a
// <br /> and a newline. A run is matched from its first byte to its last
// newline; spaces after that newline stay.
func newlinesToBr(s string) string {
	if strings.IndexByte(s, '\n') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	last := 0
	for i := 0; i < len(s); {
		if !isSpace(s[i]) {
			i++
			continue
		}
		runEnd := i
		lastNL := -1
		for runEnd < len(s) && isSpace(s[runEnd]) {
			if s[runEnd] == '\n' {
				lastNL = runEnd
			}
			runEnd++
		}
		for p := i; p <= lastNL; p++ {
			if strings.HasSuffix(s[:p], "<br />") {
				continue
			}
			b.WriteString(s[last:p])
			b.WriteString("<br />\n")
			last = lastNL + 1
			break
		}
		i = runEnd
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}
