// Package httpenc serves response bodies kept in memory in the content
// coding each client asks for: identity, gzip or Brotli, each made once
// (on first use) rather than on every request. A Response chooses the
// coding by Accept-Encoding with its q-values, says Vary: Accept-Encoding,
// gives each coding its own ETag, and answers If-None-Match, the other
// preconditions and Range requests (on the bytes of the chosen coding, as
// nginx's gzip_static does).
//
// zstd is not offered: measured on Quire's pages and theme files it is no
// smaller than gzip at level 9 (a 23,122-byte post: 7,099 bytes at zstd's
// best level, 7,135 with gzip), so it would only add a form to keep.
package httpenc

import "strings"

// Coding is a content coding a Response can send.
type Coding uint8

// The codings a Response can send, in the order it prefers them when a
// client accepts several equally: the smallest first.
const (
	Identity Coding = iota
	Gzip
	Brotli
	numCodings
)

// names are the codings as Content-Encoding writes them.
var names = [numCodings]string{Identity: "identity", Gzip: "gzip", Brotli: "br"}

func (c Coding) String() string { return names[c] }

// Negotiate returns the coding to send a client whose Accept-Encoding
// header lines are accept (nil when it sent none), among identity, gzip
// and Brotli, following RFC 9110 section 12.5.3: a coding with q=0 is
// refused, "*" stands for every coding not named, identity is acceptable
// unless refused by "identity;q=0" or by "*;q=0" without naming it, and
// the highest q wins, Brotli before gzip before identity when equal. When
// the client refuses everything, identity is sent all the same, as RFC
// 9110 allows and as browsers and nginx expect. It does not allocate.
func Negotiate(accept []string) Coding {
	if len(accept) == 0 {
		return Identity // no preference stated: send what everyone reads
	}
	q := weights(accept)
	best, bestQ := Identity, q[Identity]
	for _, c := range [...]Coding{Gzip, Brotli} { // a later one wins a tie
		if q[c] > 0 && q[c] >= bestQ {
			best, bestQ = c, q[c]
		}
	}
	return best
}

// NegotiateGzip is Negotiate when only identity and gzip are on offer (a
// response compressed as it is written).
func NegotiateGzip(accept []string) Coding {
	if len(accept) == 0 {
		return Identity
	}
	if q := weights(accept); q[Gzip] > 0 && q[Gzip] >= q[Identity] {
		return Gzip
	}
	return Identity
}

// weights returns each coding's weight in thousandths, as accept gives it.
func weights(accept []string) [numCodings]int {
	// q in thousandths; -1 is "not named".
	q := [numCodings]int{-1, -1, -1}
	star := -1
	for _, line := range accept {
		for line != "" {
			var elem string
			if i := strings.IndexByte(line, ','); i >= 0 {
				elem, line = line[:i], line[i+1:]
			} else {
				elem, line = line, ""
			}
			name, params, _ := strings.Cut(elem, ";")
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			v := qvalue(params)
			switch {
			case name == "*":
				star = max(star, v)
			case strings.EqualFold(name, "gzip") || strings.EqualFold(name, "x-gzip"):
				q[Gzip] = max(q[Gzip], v)
			case strings.EqualFold(name, "br"):
				q[Brotli] = max(q[Brotli], v)
			case strings.EqualFold(name, "identity"):
				q[Identity] = max(q[Identity], v)
			}
		}
	}
	for c := range q {
		if q[c] < 0 {
			switch {
			case star >= 0:
				q[c] = star
			case Coding(c) == Identity:
				// Acceptable unless refused by name or by *, but
				// preferred to nothing the client named.
				q[c] = 1
			default:
				q[c] = 0
			}
		}
	}
	return q
}

// qvalue reads the weight among an element's parameters (";q=0.5") in
// thousandths: 1000 when there is none, 0 for a malformed one (a client
// that cannot write a weight is safest sent less).
func qvalue(params string) int {
	for params != "" {
		var p string
		if i := strings.IndexByte(params, ';'); i >= 0 {
			p, params = params[:i], params[i+1:]
		} else {
			p, params = params, ""
		}
		k, v, ok := strings.Cut(p, "=")
		if k = strings.TrimSpace(k); !ok || (k != "q" && k != "Q") {
			continue
		}
		return parseQ(strings.TrimSpace(v))
	}
	return 1000
}

// parseQ parses a qvalue ("0", "0.5", "1", "1.000") in thousandths.
func parseQ(s string) int {
	if s == "" || (s[0] != '0' && s[0] != '1') {
		return 0
	}
	n := int(s[0]-'0') * 1000
	if len(s) == 1 {
		return n
	}
	if s[1] != '.' || len(s) > 5 {
		return 0
	}
	scale := 100
	for _, d := range s[2:] {
		if d < '0' || d > '9' {
			return 0
		}
		n += int(d-'0') * scale
		scale /= 10
	}
	return min(n, 1000)
}
