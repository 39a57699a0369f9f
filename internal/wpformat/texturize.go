package wpformat

import (
	"slices"
	"strings"
)

// Typography holds the characters wptexturize puts in. EnglishTypography
// is WordPress's default (its untranslated strings); a site in another
// language may have had other ones.
type Typography struct {
	OpenDouble, CloseDouble string // “ ”
	OpenSingle, CloseSingle string // ‘ ’
	Apostrophe              string // ’ as in 'cause or can't
	Prime, DoublePrime      string // ′ ″ as in 9' and 9"
	EnDash, EmDash          string // – —
	// Cockney are words that begin with an apostrophe rather than an
	// opening quote ('tis, 'twas…), each with its replacement, in order.
	Cockney [][2]string
}

// EnglishTypography returns WordPress's default typography, written as the
// numeric entities WordPress writes.
func EnglishTypography() Typography {
	t := english
	t.Cockney = slices.Clone(english.Cockney)
	return t
}

var english = Typography{
	OpenDouble:  "&#8220;",
	CloseDouble: "&#8221;",
	OpenSingle:  "&#8216;",
	CloseSingle: "&#8217;",
	Apostrophe:  "&#8217;",
	Prime:       "&#8242;",
	DoublePrime: "&#8243;",
	EnDash:      "&#8211;",
	EmDash:      "&#8212;",
	Cockney: [][2]string{
		{"'tain't", "&#8217;tain&#8217;t"},
		{"'twere", "&#8217;twere"},
		{"'twas", "&#8217;twas"},
		{"'tis", "&#8217;tis"},
		{"'twill", "&#8217;twill"},
		{"'til", "&#8217;til"},
		{"'bout", "&#8217;bout"},
		{"'nuff", "&#8217;nuff"},
		{"'round", "&#8217;round"},
		{"'cause", "&#8217;cause"},
		{"'em", "&#8217;em"},
	},
}

// CoreShortcodes returns the shortcodes a WordPress site without plugins
// has registered, in the order WordPress registers them. Texturize and
// ShortcodeUnautop treat only registered shortcodes as shortcodes.
func CoreShortcodes() []string { return slices.Clone(coreShortcodes) }

var coreShortcodes = []string{"wp_caption", "caption", "gallery", "playlist", "audio", "video", "embed"}

// Texturizer is wptexturize with its settings. The zero value is not
// usable; Texturize uses DefaultTexturizer.
type Texturizer struct {
	// Typography is what quotes, dashes and primes become.
	Typography Typography
	// NoTexturizeTags are the elements whose content is left alone.
	NoTexturizeTags []string
	// NoTexturizeShortcodes are the shortcodes whose content is left alone.
	NoTexturizeShortcodes []string
	// Shortcodes are the registered shortcodes: their tags are not
	// texturized (an unregistered [name attr="x"] is plain text).
	Shortcodes []string
}

// DefaultTexturizer is wptexturize as WordPress runs it out of the box.
func DefaultTexturizer() *Texturizer {
	return &Texturizer{
		Typography:            english,
		NoTexturizeTags:       []string{"pre", "code", "kbd", "style", "script", "tt"},
		NoTexturizeShortcodes: []string{"code"},
		Shortcodes:            coreShortcodes,
	}
}

// Texturize is WordPress's wptexturize() with its defaults: it turns
// straight quotes into curly ones (or apostrophes, or primes after digits),
// -- and --- into dashes, ... into an ellipsis, (tm) into ™, 2x4 into 2×4 and
// a bare & into &#038;, outside HTML tags, comments and registered
// shortcodes, and never inside pre, code, kbd, style, script or tt.
func Texturize(s string) string {
	return DefaultTexturizer().Texturize(s)
}

// The placeholders WordPress puts in while it works; they are HTML comments,
// so no rule mistakes them for text.
const (
	openDoubleFlag = "<!--oq-->"
	openSingleFlag = "<!--osq-->"
	aposFlag       = "<!--apos-->"
	primeFlag      = "<!--wp-prime-or-quote-->"
)

// Texturize runs wptexturize on s with t's settings.
func (t *Texturizer) Texturize(s string) string {
	if s == "" || s == "0" { // PHP's empty()
		return s
	}
	var tagStack, codeStack []string
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	splitTexturize(s, t.Shortcodes, func(chunk string, kind chunkKind) {
		switch kind {
		case chunkComment:
		case chunkTag:
			chunk = escapeAmpersands(chunk)
			pushPop(chunk, &tagStack, t.NoTexturizeTags)
		case chunkShortcode:
			if !strings.HasPrefix(chunk, "[[") && !strings.HasSuffix(chunk, "]]") {
				pushPop(chunk, &codeStack, t.NoTexturizeShortcodes)
			}
		default:
			if phpTrim(chunk) != "" && len(tagStack) == 0 && len(codeStack) == 0 {
				chunk = t.texturizeText(chunk)
			}
		}
		b.WriteString(chunk)
	})
	return b.String()
}

type chunkKind int

const (
	chunkText chunkKind = iota
	chunkComment
	chunkTag
	chunkShortcode
)

// splitTexturize cuts s the way wptexturize's split pattern does, into text,
// HTML comments, HTML tags and registered shortcode tags, and calls emit
// with each non-empty piece in order.
func splitTexturize(s string, shortcodes []string, emit func(string, chunkKind)) {
	hasShortcodes := len(shortcodes) > 0 && strings.IndexByte(s, '[') >= 0
	last := 0
	for i := 0; i < len(s); {
		var j int
		if hasShortcodes {
			j = strings.IndexAny(s[i:], "<[")
		} else {
			j = strings.IndexByte(s[i:], '<')
		}
		if j < 0 {
			break
		}
		i += j
		var end int
		kind := chunkTag
		if s[i] == '<' {
			end = htmlChunkEnd(s, i, false)
			if strings.HasPrefix(s[i:], "<!--") {
				kind = chunkComment
			}
		} else {
			end = shortcodeTagEnd(s, i, shortcodes)
			if end < 0 {
				i++
				continue
			}
			kind = chunkShortcode
		}
		if i > last {
			emit(s[last:i], chunkText)
		}
		emit(s[i:end], kind)
		last, i = end, end
	}
	if last < len(s) {
		emit(s[last:], chunkText)
	}
}

// shortcodeTagEnd matches wptexturize's shortcode pattern at s[i] == '[': an
// optional '/' or '[', a registered name followed by a space, ']' or '/',
// then anything but brackets and angle brackets, HTML tags without brackets,
// and ']' with an optional second ']'. It returns the end, or -1.
func shortcodeTagEnd(s string, i int, names []string) int {
	j := i + 1
	if j < len(s) && (s[j] == '/' || s[j] == '[') {
		j++
	}
	k := -1
	for _, name := range names {
		if strings.HasPrefix(s[j:], name) {
			if e := j + len(name); e < len(s) && (isSpace(s[e]) || s[e] == ']' || s[e] == '/') {
				k = e
				break
			}
		}
	}
	if k < 0 {
		return -1
	}
body:
	for k < len(s) {
		switch s[k] {
		case '[', ']', '>':
			break body
		case '<':
			m := k + 1
			for m < len(s) && s[m] != '[' && s[m] != ']' && s[m] != '>' {
				m++
			}
			if m < len(s) && s[m] == '>' {
				k = m + 1
				continue
			}
			break body
		default:
			k++
		}
	}
	if k >= len(s) || s[k] != ']' {
		return -1
	}
	k++
	if k < len(s) && s[k] == ']' {
		k++
	}
	return k
}

// pushPop is _wptexturize_pushpop_element: an opening tag (or shortcode)
// named in disabled is pushed; a closing one pops it when it is on top.
func pushPop(text string, stack *[]string, disabled []string) {
	opening := len(text) > 1 && text[1] != '/'
	offset := 1
	if !opening {
		if len(*stack) == 0 {
			return
		}
		offset = 2
	}
	// The name runs to the first space, or stops one byte short of the end.
	var name string
	if sp := strings.IndexByte(text, ' '); sp >= 0 {
		if sp > offset {
			name = text[offset:sp]
		}
	} else if len(text)-1 > offset {
		name = text[offset : len(text)-1]
	}
	if !slices.Contains(disabled, name) {
		return
	}
	if opening {
		*stack = append(*stack, name)
	} else if st := *stack; st[len(st)-1] == name {
		*stack = st[:len(st)-1]
	}
}

// texturizeText texturizes one run of text between delimiters.
func (t *Texturizer) texturizeText(s string) string {
	ty := &t.Typography
	s = strings.ReplaceAll(s, "...", "&#8230;")
	s = strings.ReplaceAll(s, "``", ty.OpenDouble)
	s = strings.ReplaceAll(s, "''", ty.CloseDouble)
	s = strings.ReplaceAll(s, " (tm)", " &#8482;")
	for _, c := range ty.Cockney {
		s = strings.ReplaceAll(s, c[0], c[1])
	}
	if strings.IndexByte(s, '\'') >= 0 {
		s = t.apostrophes(s)
		s = primes(s, '\'', ty.Prime, openSingleFlag, ty.CloseSingle)
		s = strings.ReplaceAll(s, aposFlag, ty.Apostrophe)
		s = strings.ReplaceAll(s, openSingleFlag, ty.OpenSingle)
	}
	if strings.IndexByte(s, '"') >= 0 {
		s = t.doubleQuotes(s)
		s = primes(s, '"', ty.DoublePrime, openDoubleFlag, ty.CloseDouble)
		s = strings.ReplaceAll(s, openDoubleFlag, ty.OpenDouble)
	}
	if strings.IndexByte(s, '-') >= 0 {
		s = dashes(s, ty.EnDash, ty.EmDash)
	}
	if hasTimes(s) {
		minStart := 0
		s, _ = replaceFunc(s, 'x', func(s string, i int) (int, string, bool) {
			end, repl, ok := matchTimes(s, i, minStart)
			if ok {
				minStart = end
			}
			return end, repl, ok
		})
	}
	return escapeAmpersands(s)
}

// closesQuote reports whether a closing quote may stand before s[i]: the
// end, closing punctuation, &gt; or a space.
func closesQuote(s string, i int) bool {
	if atEndZ(s, i) {
		return true
	}
	switch s[i] {
	case '.', ',', ':', ';', '!', '?', ')', '}', '-', ']':
		return true
	}
	return strings.HasPrefix(s[i:], "&gt;") || spaceAt(s, i)
}

// apostrophes runs WordPress's single-quote patterns, in its order, each
// over the whole result of the one before. A rule WordPress leaves out when
// the translation makes it pointless is left out here too.
func (t *Texturizer) apostrophes(s string) string {
	ty := &t.Typography
	// '99' and '99" at the end of a quotation: an abbreviated year.
	if ty.Apostrophe != "'" || ty.CloseSingle != "'" {
		s = replaceYear(s, '\'', ty.CloseSingle)
	}
	if ty.Apostrophe != "'" || ty.CloseDouble != "\"" {
		s = replaceYear(s, '"', ty.CloseDouble)
	}
	// '99, '99s, '99's: an apostrophe; never '9, '99%, '999 or '99.0.
	if ty.Apostrophe != "'" {
		s, _ = replaceFunc(s, '\'', func(s string, i int) (int, string, bool) {
			if i+2 >= len(s) || !isDigit(s[i+1]) || !isDigit(s[i+2]) {
				return 0, "", false
			}
			j := i + 3
			if !atEndZ(s, j) {
				c := s[j]
				if c == '%' || isDigit(c) || (c == '.' || c == ',') && j+1 < len(s) && isDigit(s[j+1]) {
					return 0, "", false
				}
			}
			return i + 1, aposFlag, true
		})
	}
	// Quoted numbers like '0.42', after a space or at the start.
	if ty.OpenSingle != "'" && ty.CloseSingle != "'" {
		s = replaceQuotedNumber(s, '\'', openSingleFlag, ty.CloseSingle)
	}
	// An opening quote at the start or after ( [ { " - &lt; or a space.
	if ty.OpenSingle != "'" {
		s, _ = replaceFunc(s, '\'', func(s string, i int) (int, string, bool) {
			if opensQuote(s, i, true) {
				return i + 1, openSingleFlag, true
			}
			return 0, "", false
		})
	}
	// An apostrophe inside a word: not after a space, and not before the
	// end, punctuation, a bracket, &lt;, &gt; or a space.
	if ty.Apostrophe != "'" {
		s, _ = replaceFunc(s, '\'', func(s string, i int) (int, string, bool) {
			if spaceBefore(s, i) {
				return 0, "", false
			}
			j := i + 1
			if atEndZ(s, j) || spaceAt(s, j) ||
				strings.HasPrefix(s[j:], "&lt;") || strings.HasPrefix(s[j:], "&gt;") {
				return 0, "", false
			}
			switch s[j] {
			case '.', ',', ':', ';', '!', '?', '"', '\'', '(', ')', '{', '}', '[', ']', '-':
				return 0, "", false
			}
			return j, aposFlag, true
		})
	}
	return s
}

// opensQuote reports whether a quote at s[i] opens: at the start, or after
// ( [ { - &lt; or a space, and for single quotes also after ".
func opensQuote(s string, i int, single bool) bool {
	if i == 0 || spaceBefore(s, i) || strings.HasSuffix(s[:i], "&lt;") {
		return true
	}
	switch s[i-1] {
	case '(', '[', '{', '-':
		return true
	case '"':
		return single
	}
	return false
}

// replaceYear turns '99 followed by the quote q and then a closing context
// into an apostrophe, the digits and the closing quote closeQ.
func replaceYear(s string, q byte, closeQ string) string {
	s, _ = replaceFunc(s, '\'', func(s string, i int) (int, string, bool) {
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && s[i+3] == q && closesQuote(s, i+4) {
			return i + 4, aposFlag + s[i+1:i+3] + closeQ, true
		}
		return 0, "", false
	})
	return s
}

// replaceQuotedNumber turns q1.5q, at the start or after a space, into an
// opening flag, the number and closeQ.
func replaceQuotedNumber(s string, q byte, openFlag, closeQ string) string {
	s, _ = replaceFunc(s, q, func(s string, i int) (int, string, bool) {
		if i != 0 && !spaceBefore(s, i) || i+1 >= len(s) || !isDigit(s[i+1]) {
			return 0, "", false
		}
		j := i + 2
		for j < len(s) && (isDigit(s[j]) || s[j] == '.' || s[j] == ',') {
			j++
		}
		if j < len(s) && s[j] == q {
			return j + 1, openFlag + s[i+1:j] + closeQ, true
		}
		return 0, "", false
	})
	return s
}

// doubleQuotes runs WordPress's double-quote patterns.
func (t *Texturizer) doubleQuotes(s string) string {
	ty := &t.Typography
	if ty.OpenDouble != "\"" && ty.CloseDouble != "\"" {
		s = replaceQuotedNumber(s, '"', openDoubleFlag, ty.CloseDouble)
	}
	if ty.OpenDouble != "\"" {
		s, _ = replaceFunc(s, '"', func(s string, i int) (int, string, bool) {
			if opensQuote(s, i, false) && !spaceAt(s, i+1) {
				return i + 1, openDoubleFlag, true
			}
			return 0, "", false
		})
	}
	return s
}

// primes is wptexturize_primes(): it decides, sentence by sentence (a
// sentence starts at an opening quote), whether each remaining quote q is a
// closing quote or a prime.
func primes(s string, q byte, prime, openFlag, closeQ string) string {
	sentences := strings.Split(s, openFlag)
	for key, sentence := range sentences {
		if strings.IndexByte(sentence, q) < 0 {
			continue
		}
		if key != 0 && (closeQ == "" || !strings.Contains(sentence, closeQ)) {
			var count int
			sentence, count = replaceClosing(sentence, q, primeFlag)
			switch {
			case count > 1:
				// Several closing candidates: the ones not after a digit close.
				var count2 int
				sentence, count2 = replaceFunc(sentence, '<', func(s string, i int) (int, string, bool) {
					if strings.HasPrefix(s[i:], primeFlag) && (i == 0 || !isDigit(s[i-1])) {
						return i + len(primeFlag), closeQ, true
					}
					return 0, "", false
				})
				if count2 == 0 {
					// All follow digits: the rightmost before a period closes,
					// or else the rightmost.
					pos := strings.LastIndex(sentence, primeFlag+".")
					if pos < 0 {
						pos = strings.LastIndex(sentence, primeFlag)
					}
					sentence = sentence[:pos] + closeQ + sentence[pos+len(primeFlag):]
				}
				sentence = replacePrime(sentence, q, prime)
				sentence, _ = replaceFunc(sentence, '<', func(s string, i int) (int, string, bool) {
					if i > 0 && isDigit(s[i-1]) && strings.HasPrefix(s[i:], primeFlag) {
						return i + len(primeFlag), prime, true
					}
					return 0, "", false
				})
				sentence = strings.ReplaceAll(sentence, primeFlag, closeQ)
			case count == 1:
				sentence = strings.ReplaceAll(sentence, primeFlag, closeQ)
				sentence = replacePrime(sentence, q, prime)
			default:
				sentence = replacePrime(sentence, q, prime)
			}
		} else {
			sentence = replacePrime(sentence, q, prime)
			sentence, _ = replaceClosing(sentence, q, closeQ)
		}
		if q == '"' {
			sentence = strings.ReplaceAll(sentence, `"`, closeQ)
		}
		sentences[key] = sentence
	}
	return strings.Join(sentences, openFlag)
}

// replaceClosing replaces each q that stands before a closing context.
func replaceClosing(s string, q byte, repl string) (string, int) {
	return replaceFunc(s, q, func(s string, i int) (int, string, bool) {
		if closesQuote(s, i+1) {
			return i + 1, repl, true
		}
		return 0, "", false
	})
}

// replacePrime replaces each q that follows a digit.
func replacePrime(s string, q byte, prime string) string {
	s, _ = replaceFunc(s, q, func(s string, i int) (int, string, bool) {
		if i > 0 && isDigit(s[i-1]) {
			return i + 1, prime, true
		}
		return 0, "", false
	})
	return s
}

// dashes runs WordPress's dash patterns in order: --- is an em dash, -- an em
// dash between spaces and an en dash elsewhere (but not after "xn", as in
// punycode), and - between spaces an en dash.
func dashes(s, en, em string) string {
	s = strings.ReplaceAll(s, "---", em)
	spaced := func(s string, i, n int) bool {
		return (i == 0 || spaceBefore(s, i)) && (atEndZ(s, i+n) || spaceAt(s, i+n))
	}
	s, _ = replaceFunc(s, '-', func(s string, i int) (int, string, bool) {
		if strings.HasPrefix(s[i:], "--") && spaced(s, i, 2) {
			return i + 2, em, true
		}
		return 0, "", false
	})
	s, _ = replaceFunc(s, '-', func(s string, i int) (int, string, bool) {
		if strings.HasPrefix(s[i:], "--") && !strings.HasSuffix(s[:i], "xn") {
			return i + 2, en, true
		}
		return 0, "", false
	})
	s, _ = replaceFunc(s, '-', func(s string, i int) (int, string, bool) {
		if spaced(s, i, 1) {
			return i + 1, en, true
		}
		return 0, "", false
	})
	return s
}

// hasTimes reports whether s has a digit, an x and a digit.
func hasTimes(s string) bool {
	for i := 1; i+1 < len(s); i++ {
		if s[i] == 'x' && isDigit(s[i-1]) && isDigit(s[i+1]) {
			return true
		}
	}
	return false
}

func isNumberByte(c byte) bool { return isDigit(c) || c == '.' || c == ',' }

// matchTimes matches WordPress's multiplication pattern around the x at
// s[i]: a number starting at a word boundary (more than a lone 0, so 0x70
// stays) and not before minStart (where the previous match ended), x, and a
// number ending at a word boundary.
func matchTimes(s string, i, minStart int) (int, string, bool) {
	// The left number is the run of digits, dots and commas before the x,
	// starting with a digit at a word boundary. Any start inside the run
	// reaches this same x, so the leftmost valid start is the one PCRE finds.
	start := i
	for start > minStart && isNumberByte(s[start-1]) {
		start--
	}
	for start < i && !(isDigit(s[start]) && (start == 0 || !isWordByte(s[start-1]))) {
		start++
	}
	if start == i || s[start] == '0' && start+1 == i {
		return 0, "", false
	}
	if i+1 >= len(s) || !isDigit(s[i+1]) {
		return 0, "", false
	}
	runEnd := i + 2
	for runEnd < len(s) && isNumberByte(s[runEnd]) {
		runEnd++
	}
	for e := runEnd; e >= i+2; e-- {
		after := e < len(s) && isWordByte(s[e])
		if isWordByte(s[e-1]) != after {
			return e, "&#215;" + s[i+1:e], true
		}
	}
	return 0, "", false
}

// escapeAmpersands replaces each & that does not begin an entity
// (&#123; &#x1F; &name;) with &#038;.
func escapeAmpersands(s string) string {
	s, _ = replaceFunc(s, '&', func(s string, i int) (int, string, bool) {
		if isEntity(s, i) {
			return 0, "", false
		}
		return i + 1, "&#038;", true
	})
	return s
}

func isHexDigit(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isEntityNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '1' <= c && c <= '4'
}

// isEntity reports whether an entity, as wptexturize sees one, starts at the
// & at s[i]: &#digits; &#xhex; or 1 to 8 letters (or digits 1-4) and ;.
func isEntity(s string, i int) bool {
	j := i + 1
	if j < len(s) && s[j] == '#' {
		j++
		k := j
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k > j {
			return k < len(s) && s[k] == ';'
		}
		if j < len(s) && (s[j] == 'x' || s[j] == 'X') {
			j++
			k = j
			for k < len(s) && isHexDigit(s[k]) {
				k++
			}
			return k > j && k < len(s) && s[k] == ';'
		}
		return false
	}
	k := j
	for k < len(s) && k-j <= 8 && isEntityNameByte(s[k]) {
		k++
	}
	return k > j && k-j <= 8 && k < len(s) && s[k] == ';'
}
