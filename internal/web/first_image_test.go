package web_test

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// images returns the attributes of every <img> inside <main>, in order.
func images(t *testing.T, body string) []map[string]string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	var walk func(n *html.Node, inMain bool)
	walk = func(n *html.Node, inMain bool) {
		if n.Type == html.ElementNode && n.Data == "main" {
			inMain = true
		}
		if inMain && n.Type == html.ElementNode && n.Data == "img" {
			a := map[string]string{}
			for _, at := range n.Attr {
				a[at.Key] = at.Val
			}
			out = append(out, a)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inMain)
		}
	}
	walk(doc, false)
	return out
}

// checkFirstImageEager: the first image loads at once and first, every
// other one lazily.
func checkFirstImageEager(t *testing.T, what string, imgs []map[string]string, want int) {
	t.Helper()
	if len(imgs) != want {
		t.Fatalf("%s: %d images, want %d", what, len(imgs), want)
	}
	for i, a := range imgs {
		if i == 0 {
			if a["loading"] == "lazy" || a["fetchpriority"] != "high" {
				t.Errorf("%s: first image %v: want no loading=lazy and fetchpriority=high (it is the largest paint)", what, a)
			}
			continue
		}
		if a["loading"] != "lazy" || a["fetchpriority"] != "" {
			t.Errorf("%s: image %d %v: want loading=lazy", what, i+1, a)
		}
	}
}

func TestFirstImageOfAPageIsEager(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	m := &blog.Media{Filename: "a.png", MIME: "image/png", Width: 800, Height: 400, Alt: "A", Size: 5}
	if err := e.st.CreateMedia(ctx, m, []store.MediaFile{{Width: 800, Height: 400, Data: []byte("image")}}); err != nil {
		t.Fatal(err)
	}
	const pic = `<p><img src="/media/1/b.png" alt="B" loading="lazy"></p>`
	// Page 1 of the home: two posts with featured images.
	e.post("Older Picture", day(2011, 1, 4), func(p *blog.Post) { p.FeaturedID = m.ID })
	e.post("Newer Picture", day(2011, 1, 5), func(p *blog.Post) { p.FeaturedID = m.ID })
	checkFirstImageEager(t, "home with featured images", images(t, e.get("/").body), 2)

	// A list whose first image is inside a teaser.
	e.post("Body Picture A", day(2010, 1, 5), func(p *blog.Post) { p.BodyHTML = pic + pic; p.Tags = []blog.Term{{Name: "pics"}} })
	e.post("Body Picture B", day(2010, 1, 4), func(p *blog.Post) { p.BodyHTML = pic; p.Tags = []blog.Term{{Name: "pics"}} })
	checkFirstImageEager(t, "tag list with teaser images", images(t, e.get("/tag/pics/").body), 3)

	// A post: its featured image, else the first image of its body.
	checkFirstImageEager(t, "post with a featured image", images(t, e.get("/2011/01/05/newer-picture/").body), 1)
	checkFirstImageEager(t, "post with body images", images(t, e.get("/2010/01/05/body-picture-a/").body), 2)
}
