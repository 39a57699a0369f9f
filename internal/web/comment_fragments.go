package web

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"html/template"
	"strings"
	"sync"
)

// fragmentCache keeps each comment rendered by the theme's "comment"
// template, with its replies, by a digest of everything that template
// shows. A content version lasts until the next comment, so without it a
// long discussion was rendered whole after every new comment; with it only
// the comment that changed (or the reply's thread) is rendered again, and
// the rest is reused whatever the version. A digest is SHA-256: commenters
// choose what is hashed, and must not be able to make their comment show
// as another's.
type fragmentCache struct {
	mu      sync.Mutex
	entries map[fragmentKey]template.HTML
	size    int
}

type fragmentKey struct {
	digest [sha256.Size]byte
	theme  string
}

// fragmentCacheMax bounds the bytes of rendered comments kept; past it the
// cache starts over.
const fragmentCacheMax = 8 << 20

func (c *fragmentCache) get(k fragmentKey) (template.HTML, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.entries[k]
	return s, ok
}

func (c *fragmentCache) put(k fragmentKey, s template.HTML) {
	n := len(s) + len(k.theme) + 64
	if n > fragmentCacheMax/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || c.size+n > fragmentCacheMax {
		c.entries, c.size = map[fragmentKey]template.HTML{}, 0
	}
	if _, ok := c.entries[k]; !ok {
		c.entries[k] = s
		c.size += n
	}
}

// Rendered is the comment and its replies as the theme's "comment"
// template renders them, reused from an earlier render when nothing it
// shows has changed. The default theme's comment-thread shows it; a theme
// may still render {{template "comment" .}} itself.
func (v *commentView) Rendered() (template.HTML, error) {
	if v.render == nil {
		return "", errNoRenderer
	}
	return v.render(v)
}

type webError string

func (e webError) Error() string { return string(e) }

const errNoRenderer = webError("web: a comment view outside a thread has no renderer")

// renderedComment renders v (see Rendered) or finds it rendered.
func (h *Handler) renderedComment(v *commentView) (template.HTML, error) {
	k := fragmentKey{digest: v.digest(), theme: h.Theme.Version()}
	if s, ok := h.fragments.get(k); ok {
		return s, nil
	}
	var sb strings.Builder
	if err := h.Theme.RenderPart(&sb, "comment", v); err != nil {
		return "", err
	}
	s := template.HTML(sb.String())
	h.fragments.put(k, s)
	return s, nil
}

// digest hashes every field of v and its replies that a template can show
// (TestCommentDigestCoversEveryField keeps this list whole).
func (v *commentView) digest() [sha256.Size]byte {
	d := viewDigest{h: sha256.New()}
	d.view(v)
	var out [sha256.Size]byte
	d.h.Sum(out[:0])
	return out
}

type viewDigest struct {
	h   hash.Hash
	buf []byte
}

func (d *viewDigest) str(s string) {
	d.buf = binary.AppendUvarint(d.buf[:0], uint64(len(s)))
	d.buf = append(d.buf, s...)
	d.h.Write(d.buf)
}

func (d *viewDigest) num(n int64) {
	d.buf = binary.AppendVarint(d.buf[:0], n)
	d.h.Write(d.buf)
}

func (d *viewDigest) flag(b bool) {
	if b {
		d.num(1)
	} else {
		d.num(0)
	}
}

func (d *viewDigest) view(v *commentView) {
	d.num(v.ID)
	d.str(v.AuthorName)
	d.str(v.AuthorURL)
	d.flag(v.ByAuthor)
	d.str(v.Avatar)
	d.str(v.Date)
	d.str(v.DateISO)
	d.str(string(v.HTML))
	d.str(v.ReplyURL)
	d.num(int64(v.Depth))
	d.flag(v.Held)
	d.str(v.LoginURL)
	d.str(v.Kind)
	d.flag(v.Ping)
	d.str(v.Label)
	d.str(v.Title)
	d.str(v.SourceURL)
	d.str(v.Excerpt)
	d.flag(v.Remote)
	d.num(int64(len(v.Replies)))
	for _, r := range v.Replies {
		d.view(r)
	}
}
