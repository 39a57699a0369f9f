// Package demo fills an empty site with sample posts, pages, terms and an
// image, so a newcomer sees a real blog at once.
package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/media"
	"github.com/quirehq/quire/internal/store"
)

// Options size the generated part of the demo, for benchmarks of large
// sites (serve's --demo-posts, --demo-comments, --demo-tags and
// --demo-images).
type Options struct {
	// Posts is how many posts to generate beside the sample ones, one a
	// day going back from two months ago.
	Posts int
	// Comments is how many comments to spread over the posts (a fifth of
	// them replies).
	Comments int
	// Tags is how many distinct tags the generated posts share (each has
	// one to three); 0 keeps the four of the small demo.
	Tags int
	// Images is how many images to add to the media library, used in turn
	// as the generated posts' featured images; 0 adds none beyond the
	// sample one.
	Images int
}

// RareWord appears in exactly one generated post (the middle one), and
// CommonWord in every one: benchmarks search for both.
const (
	RareWord   = "zanzibar"
	CommonWord = "customer"
)

// Seed adds the demo content to a site that has no posts yet, plus extra
// generated posts and comments, and returns how many posts and pages it
// wrote. A site that already has content is left alone.
func Seed(ctx context.Context, st *store.Store, extra, extraComments int) (int, error) {
	return SeedWith(ctx, st, Options{Posts: extra, Comments: extraComments})
}

// SeedWith is Seed with every size of the generated part.
func SeedWith(ctx context.Context, st *store.Store, o Options) (int, error) {
	extra, extraComments := o.Posts, o.Comments
	_, total, err := st.ListPosts(ctx, blog.PostFilter{Type: "any", IncludeAll: true, Limit: 1})
	if err != nil {
		return 0, err
	}
	if total > 0 {
		return 0, nil
	}
	author, err := seedAuthor(ctx, st)
	if err != nil {
		return 0, err
	}
	img, files, err := media.Process("handshake-sketch.png", Picture(1600, 900))
	if err != nil {
		return 0, fmt.Errorf("demo: image: %w", err)
	}
	img.Alt = "An abstract sketch of two overlapping circles, the seller's view and the customer's"
	img.AuthorID = author.ID
	if err := st.CreateMedia(ctx, img, files); err != nil {
		return 0, fmt.Errorf("demo: image: %w", err)
	}

	now := time.Now().UTC().Truncate(time.Minute)
	n := 0
	save := func(d demoPost, typ blog.PostType, parent int64, published time.Time) (*blog.Post, error) {
		p := &blog.Post{Type: typ, Status: blog.StatusPublished, Title: d.Title, Body: d.Body,
			AuthorID: author.ID, ParentID: parent, PublishedAt: published}
		for _, c := range d.Categories {
			p.Categories = append(p.Categories, blog.Term{Name: c})
		}
		for _, t := range d.Tags {
			p.Tags = append(p.Tags, blog.Term{Name: t})
		}
		if d.Featured {
			p.FeaturedID = img.ID
		}
		if err := markup.Prepare(p); err != nil {
			return nil, fmt.Errorf("demo: render %q: %w", d.Title, err)
		}
		if _, err := st.SavePost(ctx, p); err != nil {
			return nil, fmt.Errorf("demo: save %q: %w", d.Title, err)
		}
		n++
		return p, nil
	}
	images, err := seedImages(ctx, st, author, o.Images)
	if err != nil {
		return n, err
	}
	tags := tagNames(o.Tags)
	// The generated posts are written in batches, a transaction each:
	// ten thousand take seconds rather than minutes.
	const batch = 250
	for start := 0; start < extra; start += batch {
		err := st.InTx(ctx, func(tx *store.Store) error {
			for i := start; i < min(start+batch, extra); i++ {
				body := rotate(fillerParagraphs, i)
				if i == extra/2 {
					body = append(body, "A rare word, for search: "+RareWord+".")
				}
				d := demoPost{
					Title:      fmt.Sprintf("Sales Note %d: %s", i+1, []string{"Questions", "Follow-Up", "Pipeline", "Pricing", "Listening"}[i%5]),
					Categories: []string{[]string{"Selling", "Habits", "Selling/Prospecting"}[i%3]},
					Body:       strings.Join(body, "\n\n"),
				}
				for k := range 1 + i%3 {
					if t := tags[(i*7+k*(len(tags)/3+1))%len(tags)]; !slices.Contains(d.Tags, t) {
						d.Tags = append(d.Tags, t)
					}
				}
				p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: d.Title, Body: d.Body,
					AuthorID: author.ID, PublishedAt: now.Add(-time.Duration(60+i) * 24 * time.Hour)}
				for _, c := range d.Categories {
					p.Categories = append(p.Categories, blog.Term{Name: c})
				}
				for _, t := range d.Tags {
					p.Tags = append(p.Tags, blog.Term{Name: t})
				}
				if len(images) > 0 {
					p.FeaturedID = images[i%len(images)]
				}
				if err := markup.Prepare(p); err != nil {
					return fmt.Errorf("demo: render %q: %w", d.Title, err)
				}
				if _, err := tx.SavePost(ctx, p); err != nil {
					return fmt.Errorf("demo: save %q: %w", d.Title, err)
				}
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		n += min(start+batch, extra) - start
	}
	for _, d := range demoPosts {
		if _, err := save(d, blog.TypePost, 0, now.Add(-time.Duration(d.Days)*24*time.Hour)); err != nil {
			return n, err
		}
	}
	long, err := save(longArticle, blog.TypePost, 0, now.Add(-time.Duration(longArticle.Days)*24*time.Hour))
	if err != nil {
		return n, err
	}
	if err := seedComments(ctx, st, long, author, now, extraComments); err != nil {
		return n, err
	}
	about, err := save(aboutPage, blog.TypePage, 0, now.Add(-90*24*time.Hour))
	if err != nil {
		return n, err
	}
	if _, err := save(servicesPage, blog.TypePage, about.ID, now.Add(-90*24*time.Hour)); err != nil {
		return n, err
	}
	settings := map[string]string{}
	if cur, err := st.Settings(ctx); err == nil && cur["title"] == "" {
		settings["title"] = "The Weekly Sales Tip"
		settings["description"] = "Practical selling, one idea a week"
	}
	if len(settings) > 0 {
		if err := st.SaveSettings(ctx, settings); err != nil {
			return n, err
		}
	}
	return n, nil
}

// authorEmail and authorHash mark the demo's author, an account no one
// can log in to until the owner takes it over (AddUser).
const (
	authorEmail = "demo-author@example.invalid"
	authorHash  = "!demo account: no password"
)

// seedAuthor returns who writes the demo content: the site's owner when
// there is one, otherwise the demo's author, created when missing.
func seedAuthor(ctx context.Context, st *store.Store) (*blog.User, error) {
	users, err := st.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: author: %w", err)
	}
	for i := range users {
		if users[i].Role == blog.RoleOwner {
			return &users[i], nil
		}
	}
	author := &blog.User{Email: authorEmail, Name: "Jordan Avery", Role: blog.RoleEditor, PasswordHash: authorHash}
	if err := st.CreateUser(ctx, author); err != nil {
		if u, uerr := st.UserByEmail(ctx, author.Email); uerr == nil {
			return u, nil
		}
		return nil, fmt.Errorf("demo: author: %w", err)
	}
	return author, nil
}

// AddUser adds the account u (its PasswordHash set). When u is an owner
// and the demo's author exists, u takes over that account instead, so the
// demo's posts, pages, image and replies are the owner's to edit or
// delete, and the owner's name gets its plain /author/NAME/ address.
func AddUser(ctx context.Context, st *store.Store, u *blog.User) error {
	if u.Role == blog.RoleOwner {
		d, err := st.UserByEmail(ctx, authorEmail)
		switch {
		case err == nil && d.PasswordHash == authorHash:
			return st.TakeOverUser(ctx, d.ID, u)
		case err != nil && !errors.Is(err, blog.ErrNotFound):
			return fmt.Errorf("demo: %w", err)
		}
		// An author brought in by an import, who cannot log in, becomes
		// the owner when the owner gives the same address (the WordPress
		// site's own author, most often): their posts stay theirs.
		if a, err := st.UserByEmail(ctx, u.Email); err == nil && a.PasswordHash == "" {
			return st.TakeOverUser(ctx, a.ID, u)
		}
	}
	return st.CreateUser(ctx, u)
}

// tagNames returns n distinct tag names ("cold calls", "cold calls 2"…);
// n below 1 gives the small demo's four.
func tagNames(n int) []string {
	if n < 1 {
		return []string{"notes", "planning", "follow-up", "pricing"}
	}
	words := []string{"calls", "email", "pricing", "pipeline", "referrals", "proposals", "objections", "meetings",
		"demos", "renewals", "listening", "questions", "follow-up", "planning", "notes", "habits", "negotiation",
		"closing", "prospects", "trust"}
	kinds := []string{"", "cold ", "warm ", "team ", "better ", "weekly ", "first ", "quiet ", "honest ", "small ",
		"simple ", "slow ", "early ", "late ", "local ", "remote ", "big ", "new ", "old ", "daily ", "long ", "short ",
		"open ", "clear ", "fair "}
	out := make([]string, 0, n)
	for i := 0; len(out) < n; i++ {
		name := kinds[(i/len(words))%len(kinds)] + words[i%len(words)]
		if round := i / (len(words) * len(kinds)); round > 0 {
			name += fmt.Sprintf(" %d", round+1)
		}
		out = append(out, name)
	}
	return out
}

// seedImages adds n small generated images to the media library and
// returns their IDs. Eight pictures are drawn and resized once; each image
// stores a copy of one of them, so a thousand take a second or two.
func seedImages(ctx context.Context, st *store.Store, author *blog.User, n int) ([]int64, error) {
	if n <= 0 {
		return nil, nil
	}
	type drawn struct {
		m     *blog.Media
		files []store.MediaFile
	}
	var pics []drawn
	for k := range min(n, 8) {
		m, files, err := media.Process(fmt.Sprintf("sketch-%d.png", k+1), Picture(640+80*k, 360+45*k))
		if err != nil {
			return nil, fmt.Errorf("demo: image: %w", err)
		}
		pics = append(pics, drawn{m, files})
	}
	ids := make([]int64, 0, n)
	err := st.InTx(ctx, func(tx *store.Store) error {
		for i := range n {
			d := pics[i%len(pics)]
			m := *d.m
			m.ID, m.Widths = 0, nil
			m.Filename = fmt.Sprintf("sketch-%04d.png", i+1)
			m.Alt = fmt.Sprintf("Generated sketch number %d: two overlapping circles", i+1)
			m.AuthorID = author.ID
			if err := tx.CreateMedia(ctx, &m, d.files); err != nil {
				return fmt.Errorf("demo: image: %w", err)
			}
			ids = append(ids, m.ID)
		}
		return nil
	})
	return ids, err
}

func rotate(xs []string, k int) []string {
	out := make([]string, len(xs))
	for i := range xs {
		out[i] = xs[(i+k)%len(xs)]
	}
	return out
}

// Picture draws the demo's featured image: two overlapping soft circles on
// a warm gradient, as PNG bytes.
func Picture(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx1, cx2, cy := float64(w)*0.40, float64(w)*0.60, float64(h)*0.5
	r := float64(h) * 0.32
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			t := float64(x+y) / float64(w+h)
			c := color.RGBA{uint8(250 - 40*t), uint8(236 - 70*t), uint8(214 - 30*t), 255}
			d1 := math.Hypot(float64(x)-cx1, float64(y)-cy)
			d2 := math.Hypot(float64(x)-cx2, float64(y)-cy)
			if d1 < r {
				c = blend(c, color.RGBA{38, 84, 124, 255}, 0.55)
			}
			if d2 < r {
				c = blend(c, color.RGBA{220, 96, 60, 255}, 0.55)
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

func blend(a, b color.RGBA, t float64) color.RGBA {
	mix := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

// demoComments is a short discussion under the long article; the last one
// is the post author's reply to the first.
var demoComments = []struct{ name, email, url, text string }{
	{"Priya Natarajan", "priya@example.invalid", "https://example.com/priya",
		"This is the question I needed this week. We kept describing our product when our customers only cared about their own clinics.\n\nGoing to try the \"who notices first?\" question on Thursday."},
	{"Tom Okafor", "tom@example.invalid", "",
		"I have always thought of sales as helping someone make a good decision, even when that decision is not to buy from me."},
}

// seedComments adds the demo discussion, then extra generated comments
// (a fifth of them replies) spread over the site's posts, in one
// transaction.
func seedComments(ctx context.Context, st *store.Store, long *blog.Post, author *blog.User, now time.Time, extra int) error {
	return st.InTx(ctx, func(tx *store.Store) error {
		add := func(c *blog.Comment) error {
			c.Status = blog.CommentApproved
			c.ContentHTML = markup.RenderComment(c.Content)
			return tx.CreateComment(ctx, c)
		}
		var first int64
		for i, d := range demoComments {
			c := &blog.Comment{PostID: long.ID, AuthorName: d.name, AuthorEmail: d.email, AuthorURL: d.url,
				Content: d.text, CreatedAt: now.Add(time.Duration(i-3) * time.Hour)}
			if err := add(c); err != nil {
				return fmt.Errorf("demo: comment: %w", err)
			}
			if i == 0 {
				first = c.ID
			}
		}
		reply := &blog.Comment{PostID: long.ID, ParentID: first, AuthorName: author.Name, AuthorEmail: author.Email,
			UserID: author.ID, Content: "Thank you, Priya. Let me know what you hear on Thursday.", CreatedAt: now.Add(-time.Hour)}
		if err := add(reply); err != nil {
			return fmt.Errorf("demo: comment: %w", err)
		}
		if extra == 0 {
			return nil
		}
		posts, _, err := tx.ListPosts(ctx, blog.PostFilter{Limit: 100000})
		if err != nil {
			return err
		}
		var lastTop = map[int64]int64{}
		for i := 0; i < extra; i++ {
			p := posts[i%len(posts)]
			c := &blog.Comment{PostID: p.ID, AuthorName: fmt.Sprintf("Reader %d", i), AuthorEmail: fmt.Sprintf("reader%d@example.invalid", i),
				Content: fillerParagraphs[i%len(fillerParagraphs)], CreatedAt: p.PublishedAt.Add(time.Duration(i+1) * time.Minute)}
			if (i/len(posts))%5 == 4 && lastTop[p.ID] != 0 { // every fifth comment of a post is a reply
				c.ParentID = lastTop[p.ID]
			}
			if err := add(c); err != nil {
				return fmt.Errorf("demo: comment: %w", err)
			}
			if c.ParentID == 0 {
				lastTop[p.ID] = c.ID
			}
		}
		return nil
	})
}
