package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// avatarSize is the width and height, in CSS pixels, of comment avatars.
const avatarSize = 48

// gravatarOrigin is where Gravatar images come from when the owner turns
// them on.
const gravatarOrigin = "https://secure.gravatar.com"

// avatarHashLen is the number of hex digits of an avatar's name.
const avatarHashLen = 32

// avatarFunc returns the function giving each comment's avatar URL. Local
// avatars are named by a keyed hash of the normalised email (the key is
// the site's secret "avatar" key), so the address says nothing a reader
// could match against an email they know. With Gravatar on, the owner has
// chosen to send Gravatar a hash of the email instead. A comment with no
// email (a linkback, an erased comment) always gets a local avatar: a hash
// of nothing would tell Gravatar nothing. A linkback's is drawn from its
// source's host, so every link from one site has the same picture.
func (h *Handler) avatarFunc(ctx context.Context, st *site.Settings) (func(*blog.Comment) string, error) {
	key, err := h.Site.Key(ctx, "avatar")
	if err != nil {
		return nil, fmt.Errorf("web: avatar key: %w", err)
	}
	gravatar := st.Discussion.ShowGravatar
	return func(c *blog.Comment) string {
		e := blog.NormalizeEmail(c.AuthorEmail)
		if gravatar && e != "" {
			sum := sha256.Sum256([]byte(e))
			return gravatarOrigin + "/avatar/" + hex.EncodeToString(sum[:]) + "?s=" + strconv.Itoa(2*avatarSize) + "&d=identicon&r=g"
		}
		m := hmac.New(sha256.New, key)
		switch host := urlHost(linkURL(firstOf(c.SourceURL, c.AuthorURL))); {
		case e != "":
			m.Write([]byte("email\x00" + e))
		case c.Type.IsLinkback() && host != "":
			m.Write([]byte("site\x00" + host))
		default:
			m.Write([]byte("name\x00" + c.AuthorName))
		}
		return st.Path("/avatar/" + hex.EncodeToString(m.Sum(nil))[:avatarHashLen] + ".svg")
	}, nil
}

// allowImages lets the page load images from origins (Gravatar, the sites
// of linkback authors' photos): the server's Content Security Policy allows
// images from the site only.
func allowImages(w http.ResponseWriter, origins ...string) {
	hd := w.Header()
	csp := hd.Get("Content-Security-Policy")
	if csp == "" || len(origins) == 0 {
		return
	}
	parts := strings.Split(csp, ";")
	at := -1
	for i, p := range parts {
		if f := strings.Fields(p); len(f) > 0 && f[0] == "img-src" {
			at = i
		}
	}
	if at < 0 {
		parts = append(parts, " img-src 'self'")
		at = len(parts) - 1
	}
	have := strings.Fields(parts[at])
	for _, o := range origins {
		if !slices.Contains(have, o) {
			parts[at] = strings.TrimRight(parts[at], " ") + " " + o
			have = append(have, o)
		}
	}
	hd.Set("Content-Security-Policy", strings.Join(parts, ";"))
}

// avatar serves /avatar/HASH.svg: a small symmetric pattern drawn from the
// hash in its name, the same forever, so it is cached for a year. It
// needs no database: the name is all there is to know.
func (h *Handler) avatar(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".svg")
	if !ok || len(name) != avatarHashLen {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	sum, err := hex.DecodeString(name)
	if err != nil || strings.ToLower(name) != name {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "image/svg+xml")
	hd.Set("Cache-Control", immutable)
	// An SVG opened on its own is a document: let it run nothing.
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	etag := `"` + name + `"`
	hd.Set("ETag", etag)
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, etag) {
		notModified(w)
		return
	}
	_, _ = w.Write(identicon(sum))
}

// identicon draws a 5×5 grid, mirrored left to right, with cells and
// colours taken from sum (at least 16 bytes).
func identicon(sum []byte) []byte {
	hue := (int(sum[0])<<8 | int(sum[1])) % 360
	sat := 45 + int(sum[2])%30
	light := 40 + int(sum[3])%20
	var b strings.Builder
	b.Grow(1024)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 5 5" width="` + strconv.Itoa(avatarSize) +
		`" height="` + strconv.Itoa(avatarSize) + `" shape-rendering="crispEdges">`)
	fmt.Fprintf(&b, `<rect width="5" height="5" fill="hsl(%d,%d%%,92%%)"/>`, (hue+180)%360, sat/2)
	fmt.Fprintf(&b, `<g fill="hsl(%d,%d%%,%d%%)">`, hue, sat, light)
	bit := 0
	for x := 0; x < 3; x++ {
		for y := 0; y < 5; y++ {
			on := sum[4+bit/8]>>(bit%8)&1 == 1
			bit++
			if !on {
				continue
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="1" height="1"/>`, x, y)
			if x != 4-x {
				fmt.Fprintf(&b, `<rect x="%d" y="%d" width="1" height="1"/>`, 4-x, y)
			}
		}
	}
	b.WriteString(`</g></svg>`)
	return []byte(b.String())
}
