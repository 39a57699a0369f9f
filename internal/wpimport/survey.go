package wpimport

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/wxr"
)

// attachment is what the first pass keeps of an attachment item: enough to
// render [gallery] and [caption] and to rewrite its URL in posts.
type attachment struct {
	ID      int64
	Parent  int64
	Order   int64
	URL     string
	Title   string
	Caption string
	Alt     string
	Creator string
	Date    string
	DateGMT string
}

// survey is what the first pass learns from the whole file before anything
// is written: that it reads to the end, how many items it holds, its
// attachments, and what the site's settings were.
type survey struct {
	channel     wxr.Channel
	items       int
	attachments map[int64]*attachment
	attached    map[int64][]int64 // post → its images, in gallery order
	// offsets counts the UTC offsets (post_date − post_date_gmt) seen.
	offsets map[time.Duration]int
	// links counts, per permalink pattern, the published posts whose old
	// link it reproduces (with the offset found).
	links   map[string]int
	samples []linkSample
}

type linkSample struct {
	path  string
	slug  string
	local time.Time // post_date, the site's own clock
}

// surveyFile reads src to its end. A file WordPress would refuse is
// refused here, with its line, before the import writes anything.
func surveyFile(ctx context.Context, src io.Reader, progress func(Progress)) (*survey, error) {
	rd := wxr.NewReader(src)
	ch, err := rd.Channel()
	if err != nil {
		return nil, err
	}
	sv := &survey{channel: ch, attachments: map[int64]*attachment{}, attached: map[int64][]int64{},
		offsets: map[time.Duration]int{}, links: map[string]int{}}
	base := basePath(ch)
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		it, ok := e.(*wxr.Item)
		if !ok {
			continue
		}
		sv.items++
		if sv.items%500 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if progress != nil {
				progress(Progress{Phase: PhaseRead, Items: sv.items})
			}
		}
		local, okL := wxr.ParseDate(it.Date, time.UTC)
		gmt, okG := wxr.ParseDate(it.DateGMT, time.UTC)
		if okL && okG {
			sv.offsets[local.Sub(gmt)]++
		}
		switch it.Type {
		case "attachment":
			a := &attachment{ID: it.ID, Parent: it.Parent, Order: it.MenuOrder, URL: it.AttachmentURL,
				Title: it.Title, Caption: it.Excerpt, Creator: it.Creator, Date: it.Date, DateGMT: it.DateGMT}
			if a.URL == "" {
				a.URL = it.GUID
			}
			for _, m := range it.Meta {
				if m.Key == "_wp_attachment_image_alt" {
					a.Alt = m.Value
				}
			}
			sv.attachments[it.ID] = a
			if it.Parent != 0 && isImage(a.URL) {
				sv.attached[it.Parent] = append(sv.attached[it.Parent], it.ID)
			}
		case "post":
			if it.Status == "publish" && okL && it.Name != "" && len(sv.samples) < 200 {
				if p, ok := relPath(it.Link, base); ok {
					sv.samples = append(sv.samples, linkSample{path: p, slug: it.Name, local: local})
				}
			}
		}
	}
	for _, ids := range sv.attached {
		sortAttached(ids, sv.attachments)
	}
	for _, s := range sv.samples {
		for _, pat := range blog.PermalinkPatterns {
			if blog.PostPath(pat, s.slug, s.local, time.UTC) == s.path {
				sv.links[pat]++
			}
		}
	}
	if progress != nil {
		progress(Progress{Phase: PhaseRead, Items: sv.items, Total: sv.items})
	}
	return sv, nil
}

// sortAttached orders a post's images as WordPress's gallery does: menu
// order, then ID.
func sortAttached(ids []int64, all map[int64]*attachment) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0; j-- {
			a, b := all[ids[j-1]], all[ids[j]]
			if a.Order < b.Order || a.Order == b.Order && a.ID < b.ID {
				break
			}
			ids[j-1], ids[j] = ids[j], ids[j-1]
		}
	}
}

// isImage reports whether a file's URL names an image, by its extension.
func isImage(u string) bool {
	u = strings.ToLower(u)
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	for _, ext := range []string{".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".ico", ".svg", ".heic"} {
		if strings.HasSuffix(u, ext) {
			return true
		}
	}
	return false
}

// basePath is the path WordPress's home had ("/blog" for a site at
// https://example.com/blog/; "" at the root).
func basePath(ch wxr.Channel) string {
	home := ch.BaseBlogURL
	if home == "" {
		home = ch.Link
	}
	u, err := url.Parse(strings.TrimSpace(home))
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}

// relPath is the path of link relative to the old site's home (base), with
// its query, or false when link is not an address on that site.
func relPath(link, base string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.Path == "" && u.RawQuery == "" {
		return "", false
	}
	p := u.EscapedPath()
	if base != "" {
		if p != base && !strings.HasPrefix(p, base+"/") {
			return "", false
		}
		p = strings.TrimPrefix(p, base)
	}
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p, true
}

// offset is the site's most common UTC offset, the clock post_date is in.
func (sv *survey) offset() time.Duration {
	var best time.Duration
	n := 0
	for off, c := range sv.offsets {
		if c > n || c == n && off < best {
			best, n = off, c
		}
	}
	return best
}

// location is a time zone for the old site's offset: a fixed zone named as
// the tz database names one (Etc/GMT-2 is two hours east), or UTC.
func (sv *survey) location() (string, *time.Location) {
	off := sv.offset()
	if off == 0 || off%time.Hour != 0 || off < -12*time.Hour || off > 14*time.Hour {
		return "UTC", time.UTC
	}
	h := int(off / time.Hour)
	name := fmt.Sprintf("Etc/GMT%+d", -h)
	loc, err := time.LoadLocation(name)
	if err != nil {
		return "UTC", time.UTC
	}
	return name, loc
}

// permalink is the permalink pattern that reproduces most of the old
// links, or "" when none does.
func (sv *survey) permalink() string {
	best, n := "", 0
	for _, pat := range blog.PermalinkPatterns {
		if c := sv.links[pat]; c > n {
			best, n = pat, c
		}
	}
	return best
}
