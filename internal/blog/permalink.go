package blog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Permalink patterns a site can choose, as WordPress offers them.
const (
	PermalinkDay   = "/{year}/{month}/{day}/{slug}/"
	PermalinkMonth = "/{year}/{month}/{slug}/"
	PermalinkSlug  = "/{slug}/"
)

// PermalinkPatterns lists the patterns in the order the settings show them.
var PermalinkPatterns = []string{PermalinkDay, PermalinkMonth, PermalinkSlug}

// ValidPermalink reports whether pattern is one Quire supports.
func ValidPermalink(pattern string) bool {
	for _, p := range PermalinkPatterns {
		if p == pattern {
			return true
		}
	}
	return false
}

// PostPath builds the path of a post (not a page) from the pattern, with
// its date in loc.
func PostPath(pattern, slug string, published time.Time, loc *time.Location) string {
	t := published.In(loc)
	switch pattern {
	case PermalinkSlug:
		return "/" + slug + "/"
	case PermalinkMonth:
		return fmt.Sprintf("/%04d/%02d/%s/", t.Year(), int(t.Month()), slug)
	default:
		return fmt.Sprintf("/%04d/%02d/%02d/%s/", t.Year(), int(t.Month()), t.Day(), slug)
	}
}

// PagePath builds the path of a page from its ancestors' slugs and its own.
func PagePath(ancestors []string, slug string) string {
	if len(ancestors) == 0 {
		return "/" + slug + "/"
	}
	return "/" + strings.Join(ancestors, "/") + "/" + slug + "/"
}

// PostRef is what a reader path may name: a post by its slug, possibly with
// a date, or a date archive.
type PostRef struct {
	Slug             string // empty for a date archive
	Year, Month, Day int    // 0 when absent
}

// ParseDatePath reads /YYYY/, /YYYY/MM/, /YYYY/MM/DD/, each optionally
// followed by a slug, from path segments. It reports false when the segments
// are not of that shape.
func ParseDatePath(segs []string) (PostRef, bool) {
	var ref PostRef
	nums := []*int{&ref.Year, &ref.Month, &ref.Day}
	i := 0
	for ; i < len(segs) && i < 3; i++ {
		n, ok := number(segs[i], i)
		if !ok {
			break
		}
		*nums[i] = n
	}
	if i == 0 {
		return ref, false
	}
	rest := segs[i:]
	switch len(rest) {
	case 0:
	case 1:
		ref.Slug = rest[0]
	default:
		return ref, false
	}
	if ref.Month > 12 || ref.Day > 31 {
		return ref, false
	}
	return ref, true
}

// number parses a year (4 digits) at position 0, else a 1–2 digit month or day.
func number(s string, pos int) (int, bool) {
	if pos == 0 && len(s) != 4 || pos > 0 && (len(s) < 1 || len(s) > 2) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || (pos > 0 && n == 0) {
		return 0, false
	}
	return n, true
}
