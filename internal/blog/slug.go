package blog

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ReservedSlugs are slugs a post or page may not take because reader URLs
// use them; a post titled "Feed" gets "feed-2", as WordPress does.
var ReservedSlugs = map[string]bool{
	"feed": true, "page": true, "tag": true, "category": true, "author": true,
	"admin": true, "comments": true, "media": true, "search": true, "static": true,
	"wp-admin": true, "wp-content": true, "wp-includes": true, "embed": true,
	"trackback": true, "healthz": true, "sitemap.xml": true, "sitemaps": true, "robots.txt": true,
}

// latinFolds spells Latin letters that do not decompose into base + accent.
var latinFolds = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'ø': "o", 'Ø': "o",
	'đ': "d", 'Đ': "d", 'ł': "l", 'Ł': "l", 'þ': "th", 'Þ': "th", 'ð': "d", 'Ð': "d",
	'ı': "i", 'ħ': "h", 'Ħ': "h",
}

// Slugify turns a title into a URL slug the way WordPress does: accents on
// Latin letters are dropped, other letters (Cyrillic, Greek, CJK…) are kept,
// everything else becomes a single hyphen. It may return "".
func Slugify(s string) string {
	var b strings.Builder
	var prevLatin bool
	hyphen := false
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			if prevLatin {
				continue // an accent on a Latin letter
			}
			b.WriteRune(r)
			continue
		}
		if f, ok := latinFolds[r]; ok {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteString(f)
			prevLatin = true
			continue
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(unicode.ToLower(r))
			prevLatin = unicode.Is(unicode.Latin, r)
		case r == '\'' || r == '’' || r == '‘':
			// apostrophes vanish: "what's" → "whats"
		default:
			hyphen = true
			prevLatin = false
		}
	}
	out := norm.NFC.String(b.String())
	const max = 190
	if len(out) > max {
		cut := max
		for cut > 0 && !isRuneStart(out[cut]) {
			cut--
		}
		out = strings.TrimRight(out[:cut], "-")
	}
	return out
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// SlugCandidates returns base, then base-2, base-3… up to n candidates,
// skipping reserved words, for picking a unique slug.
func SlugCandidates(base string, n int) []string {
	if base == "" {
		base = "untitled"
	}
	out := make([]string, 0, n)
	if !ReservedSlugs[base] && !isAllDigits(base) {
		out = append(out, base)
	}
	for i := 2; len(out) < n; i++ {
		out = append(out, base+"-"+strconv.Itoa(i))
	}
	return out
}

// isAllDigits reports whether s is a number, which would clash with date
// archive URLs such as /2011/.
func isAllDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
