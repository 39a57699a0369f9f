package web

import "strings"

// Feed kinds.
const (
	feedRSS  = "rss"
	feedAtom = "atom"
	feedJSON = "json"
)

// archiveTail is what follows an archive's name in its path: a page number
// (/page/N/) or a feed (/feed/, /feed/atom/, /feed/json/).
type archiveTail struct {
	segs []string // the segments naming the archive
	page int      // 1 when absent
	feed string   // "" when not a feed
}

// parseArchivePath splits the path after an archive prefix such as
// "/tag/". ok is false for shapes no archive has.
func parseArchivePath(rest string) (archiveTail, bool) {
	t := archiveTail{page: 1}
	segs, ok := saneSegments(rest)
	if !ok {
		return t, false
	}
	n := len(segs)
	switch {
	case n >= 2 && segs[n-2] == "page":
		p, ok := pageNumber(segs[n-1])
		if !ok {
			return t, false
		}
		t.page, segs = p, segs[:n-2]
	case segs[n-1] == "feed":
		t.feed, segs = feedRSS, segs[:n-1]
	case n >= 2 && segs[n-2] == "feed":
		switch segs[n-1] {
		case "atom":
			t.feed = feedAtom
		case "json":
			t.feed = feedJSON
		case "rss2", "rss":
			t.feed = feedRSS
		default:
			return t, false
		}
		segs = segs[:n-2]
	}
	if len(segs) == 0 {
		return t, false
	}
	t.segs = segs
	return t, true
}

// suffix returns the canonical path ending for the tail, appended to an
// archive's path (which ends in a slash).
func (t archiveTail) suffix() string {
	switch t.feed {
	case feedRSS:
		return "feed/"
	case feedAtom:
		return "feed/atom/"
	case feedJSON:
		return "feed/json/"
	}
	return ""
}

// canonical builds the full canonical path of the tail on archive base.
func (t archiveTail) canonical(base string) string {
	if t.feed != "" {
		return base + t.suffix()
	}
	if t.page > 1 {
		return strings.TrimSuffix(base, "/") + "/page/" + itoa(t.page) + "/"
	}
	return base
}
