package wpimport

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Kinds of things an import counts, in the order a summary lists them.
const (
	KindAuthor     = "authors"
	KindCategory   = "categories"
	KindTag        = "tags"
	KindPost       = "posts"
	KindPage       = "pages"
	KindComment    = "comments"
	KindPingback   = "pingbacks"
	KindTrackback  = "trackbacks"
	KindAttachment = "attachments"
)

var kinds = []string{KindAuthor, KindCategory, KindTag, KindPost, KindPage, KindComment, KindPingback,
	KindTrackback, KindAttachment}

var sortedKinds = slices.Sorted(slices.Values(kinds))

// Count is what an import did with the things of one kind.
type Count struct {
	Added     int
	Updated   int
	Unchanged int // already there from an earlier import, or an existing term or user
	Skipped   int
}

// Skip is one thing an import left out, and why.
type Skip struct {
	Kind   string // a Kind…, or the item's own type ("nav_menu_item")
	ID     int64  // its WordPress ID, when it has one
	Title  string
	Reason string
}

// Summary is what an import did (or, on a dry run, would do).
type Summary struct {
	Title   string // the site's title, from the export
	Version string // the export's WXR version
	Source  string // the site's address, from the export
	DryRun  bool
	Counts  map[string]*Count
	Skipped []Skip
	// Notes are things the import did that the user should know: a slug
	// that was taken, an old address that now answers 301, settings it
	// took from the export.
	Notes []string
}

func newSummary() *Summary {
	s := &Summary{Counts: map[string]*Count{}}
	for _, k := range kinds {
		s.Counts[k] = &Count{}
	}
	return s
}

func (s *Summary) count(kind string) *Count {
	c, ok := s.Counts[kind]
	if !ok {
		c = &Count{}
		s.Counts[kind] = c
	}
	return c
}

func (s *Summary) skip(kind string, id int64, title, reason string) {
	if c, ok := s.Counts[kind]; ok {
		c.Skipped++
	}
	s.Skipped = append(s.Skipped, Skip{Kind: singular(kind), ID: id, Title: title, Reason: reason})
}

func (s *Summary) note(format string, args ...any) {
	s.Notes = append(s.Notes, fmt.Sprintf(format, args...))
}

// Write prints the summary as the command shows it: counts by kind, then
// every skipped item with its reason, then the notes.
func (s *Summary) Write(w io.Writer) error {
	var b strings.Builder
	verb := "Imported"
	if s.DryRun {
		verb = "Checked (dry run)"
	}
	fmt.Fprintf(&b, "%s %q (WXR %s", verb, s.Title, s.Version)
	if s.Source != "" {
		fmt.Fprintf(&b, ", %s", s.Source)
	}
	b.WriteString("):\n")
	for _, k := range kinds {
		c := s.Counts[k]
		fmt.Fprintf(&b, "  %-12s %s\n", k, c.String())
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintf(&b, "Skipped (%d):\n", len(s.Skipped))
		for _, sk := range s.Skipped {
			b.WriteString("  ")
			b.WriteString(sk.Kind)
			if sk.ID != 0 {
				b.WriteString(" " + strconv.FormatInt(sk.ID, 10))
			}
			if sk.Title != "" {
				fmt.Fprintf(&b, " %q", sk.Title)
			}
			b.WriteString(": " + sk.Reason + "\n")
		}
	}
	if len(s.Notes) > 0 {
		b.WriteString("Notes:\n")
		for _, n := range s.Notes {
			b.WriteString("  " + n + "\n")
		}
	}
	if s.DryRun {
		b.WriteString("Nothing was written (--dry-run).\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// String is the count as a summary line shows it: "3 added, 1 updated".
func (c *Count) String() string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, strconv.Itoa(n)+" "+what)
		}
	}
	add(c.Added, "added")
	add(c.Updated, "updated")
	add(c.Unchanged, "unchanged")
	add(c.Skipped, "skipped")
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// singular names one thing of a kind: "posts" → "post", "categories" →
// "category".
func singular(kind string) string {
	if _, known := slices.BinarySearch(sortedKinds, kind); !known {
		return kind
	}
	if k, ok := strings.CutSuffix(kind, "ies"); ok {
		return k + "y"
	}
	return strings.TrimSuffix(kind, "s")
}
