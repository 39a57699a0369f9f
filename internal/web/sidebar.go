package web

import (
	"crypto/sha256"
	"fmt"
	"html/template"
	"strings"
)

// sidebarView is what the theme's "sidebar-lists" shows: the lists, and
// Part, which renders one widget through the fragment cache.
type sidebarView struct {
	Recent, Archives, Categories []link
	RecentComments               []recentComment

	h *Handler
}

// Part renders the theme's template name (a sidebar widget) with data, a
// list of links or of recent comments, or finds it rendered: a widget is
// kept, across content versions, while what it lists is unchanged.
func (s *sidebarView) Part(name string, data any) (template.HTML, error) {
	k := fragmentKey{theme: s.h.Theme.Version()}
	var err error
	if k.digest, err = sidebarDigest(name, data); err != nil {
		return "", err
	}
	if html, ok := s.h.fragments.get(k); ok {
		return html, nil
	}
	var sb strings.Builder
	if err := s.h.Theme.RenderPart(&sb, name, data); err != nil {
		return "", err
	}
	html := template.HTML(sb.String())
	s.h.fragments.put(k, html)
	return html, nil
}

// sidebarDigest hashes a widget's name and every field of its list a
// template can show.
func sidebarDigest(name string, data any) ([sha256.Size]byte, error) {
	d := viewDigest{h: sha256.New()}
	d.str(name)
	switch list := data.(type) {
	case []link:
		d.links(list)
	case []recentComment:
		d.num(int64(len(list)))
		for _, c := range list {
			d.str(c.Author)
			d.str(c.Title)
			d.str(c.URL)
		}
	default:
		return [sha256.Size]byte{}, fmt.Errorf("web: sidebar part %s of %T", name, data)
	}
	var out [sha256.Size]byte
	d.h.Sum(out[:0])
	return out, nil
}

// links hashes every field of list a template can show
// (TestSidebarDigestCoversEveryField keeps this whole).
func (d *viewDigest) links(list []link) {
	d.num(int64(len(list)))
	for i := range list {
		l := &list[i]
		d.str(l.Title)
		d.str(l.URL)
		d.num(int64(l.Count))
		d.flag(l.Current)
		d.links(l.Children)
	}
}
