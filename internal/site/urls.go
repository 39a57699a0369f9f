package site

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/quirehq/quire/internal/blog"
)

// Abs makes a site path absolute.
func (s *Settings) Abs(path string) string { return s.BaseURL + path }

// PostPath is the reader path of a post or page.
func (s *Settings) PostPath(p *blog.Post) string {
	if p.Type == blog.TypePage {
		anc := make([]string, len(p.Parents))
		for i, a := range p.Parents {
			anc[i] = a.Slug
		}
		return escapePath(blog.PagePath(anc, p.Slug))
	}
	return escapePath(blog.PostPath(s.Permalink, p.Slug, p.PublishedAt, s.Loc))
}

// PostURL is the absolute URL of a post or page.
func (s *Settings) PostURL(p *blog.Post) string { return s.Abs(s.PostPath(p)) }

// TermPath is the archive path of a category or tag.
func (s *Settings) TermPath(t *blog.Term) string {
	if t.Taxonomy == blog.Category {
		p := t.Path
		if p == "" {
			p = t.Slug
		}
		return escapePath("/category/" + p + "/")
	}
	return escapePath("/tag/" + t.Slug + "/")
}

// AuthorPath is the archive path of an author.
func (s *Settings) AuthorPath(u *blog.User) string { return escapePath("/author/" + u.Login + "/") }

// MonthPath is the archive path of a month.
func (s *Settings) MonthPath(year, month int) string { return fmt.Sprintf("/%04d/%02d/", year, month) }

// MediaPath is the path of an image, at the smallest stored width of at
// least w (0 for the original).
func (s *Settings) MediaPath(m *blog.Media, w int) string {
	p := "/media/" + strconv.FormatInt(m.ID, 10) + "/" + url.PathEscape(m.Filename)
	if w > 0 {
		p += "?w=" + strconv.Itoa(w)
	}
	return p
}

// Paged appends /page/N/ to an archive path for N > 1.
func Paged(base string, n int) string {
	if n <= 1 {
		return base
	}
	return strings.TrimSuffix(base, "/") + "/page/" + strconv.Itoa(n) + "/"
}

// escapePath percent-encodes each segment of a path (non-ASCII slugs).
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
