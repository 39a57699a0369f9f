package send

import (
	"strings"
)

// headerLink is one link of an HTTP Link header (RFC 8288): its target, as
// written, and its rel values, lower-cased.
type headerLink struct {
	URL  string
	Rels []string
}

// parseLinkHeaders reads every link of every Link header value given, in
// order. A value may hold several links separated by commas; a rel may be
// quoted or not and hold several space-separated values. Malformed parts
// are skipped.
func parseLinkHeaders(values []string) []headerLink {
	var out []headerLink
	for _, v := range values {
		out = append(out, parseLinkHeader(v)...)
	}
	return out
}

func parseLinkHeader(s string) []headerLink {
	var out []headerLink
	i := 0
	for i < len(s) {
		// Up to the next "<".
		for i < len(s) && s[i] != '<' {
			i++
		}
		if i >= len(s) {
			break
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			break
		}
		l := headerLink{URL: strings.TrimSpace(s[i+1 : i+end])}
		i += end + 1
		// Parameters until the comma that ends this link.
		for i < len(s) {
			i = skipSpace(s, i)
			if i >= len(s) {
				break
			}
			if s[i] == ',' {
				i++
				break
			}
			if s[i] != ';' {
				// Junk: skip to the next separator.
				i = nextSep(s, i)
				continue
			}
			i = skipSpace(s, i+1)
			start := i
			for i < len(s) && s[i] != '=' && s[i] != ';' && s[i] != ',' && s[i] != ' ' && s[i] != '\t' {
				i++
			}
			name := strings.ToLower(s[start:i])
			i = skipSpace(s, i)
			var value string
			if i < len(s) && s[i] == '=' {
				i = skipSpace(s, i+1)
				value, i = paramValue(s, i)
			}
			if name == "rel" && l.Rels == nil {
				l.Rels = strings.Fields(strings.ToLower(value))
			}
		}
		out = append(out, l)
	}
	return out
}

// paramValue reads a quoted string (with backslash escapes) or a token at
// s[i:], returning it and where it ends.
func paramValue(s string, i int) (string, int) {
	if i < len(s) && s[i] == '"' {
		var b strings.Builder
		i++
		for i < len(s) && s[i] != '"' {
			if s[i] == '\\' && i+1 < len(s) {
				i++
			}
			b.WriteByte(s[i])
			i++
		}
		if i < len(s) {
			i++ // the closing quote
		}
		return b.String(), i
	}
	start := i
	for i < len(s) && s[i] != ';' && s[i] != ',' {
		i++
	}
	return strings.TrimSpace(s[start:i]), i
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// nextSep returns the index of the next ";" or "," at or after i, outside
// quotes, or len(s).
func nextSep(s string, i int) int {
	quoted := false
	for ; i < len(s); i++ {
		switch {
		case s[i] == '"':
			quoted = !quoted
		case !quoted && (s[i] == ';' || s[i] == ','):
			return i
		}
	}
	return i
}

// hasRel reports whether rels (lower-cased) holds want.
func hasRel(rels []string, want string) bool {
	for _, r := range rels {
		if r == want {
			return true
		}
	}
	return false
}
