package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/comments"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/theme"
	"github.com/quirehq/quire/internal/web"
)

// longPost returns Markdown and HTML of about words words in paragraphs.
func longPost(words int) (string, string) {
	vocab := strings.Fields("the buyer wants a result not a product so ask what job they need done and listen " +
		"before you pitch because every good sale starts with a better question about value time and trust")
	var md, htm strings.Builder
	for i := 0; i < words; {
		var para []string
		for j := 0; j < 60 && i < words; j, i = j+1, i+1 {
			para = append(para, vocab[(i*7+j)%len(vocab)])
		}
		s := strings.Join(para, " ") + "."
		md.WriteString(s + "\n\n")
		htm.WriteString("<p>" + s + "</p>\n")
	}
	return md.String(), htm.String()
}

// BenchmarkRenderPost renders a ~1,300-word post page through the handler,
// with a featured image, terms, neighbours and a full sidebar, without the
// page cache: the CPU cost of one real render.
func BenchmarkRenderPost(b *testing.B) {
	e, path := benchPostEnv(b)
	mux := http.NewServeMux()
	th, err := theme.Load("")
	if err != nil {
		b.Fatal(err)
	}
	web.New(web.Deps{Store: e.st, Site: site.New(e.st, site.Overrides{}), Theme: th, NoPageCache: true}).Routes(mux)
	benchGet(b, mux, path)
}

// BenchmarkServePostCached serves the same page from the page cache, as
// readers get it until the content changes.
func BenchmarkServePostCached(b *testing.B) {
	e, path := benchPostEnv(b)
	benchGet(b, e.h, path)
}

func benchGet(b *testing.B, mux http.Handler, path string) {
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

func benchPostEnv(b *testing.B) (*env, string) {
	e := newEnv(b)
	ctx := context.Background()
	m := &blog.Media{Filename: "cover.jpg", MIME: "image/jpeg", Width: 2000, Height: 1200, Alt: "Cover"}
	if err := e.st.CreateMedia(ctx, m, []store.MediaFile{{Width: 2000, Height: 1200, Data: []byte("x")}, {Width: 960, Height: 576, Data: []byte("y")}}); err != nil {
		b.Fatal(err)
	}
	// 200 posts over eight years, as the demo site used by make bench.
	for i := 0; i < 200; i++ {
		e.post(fmt.Sprintf("Other post number %d", i), day(2003+i/25, 1+i%12, 1+i%28), func(p *blog.Post) {
			p.Categories = []blog.Term{{Name: fmt.Sprintf("Topic %d", i%5)}}
		})
	}
	md, htm := longPost(1300)
	p := e.post("What Job Does Your Buyer Need Done?", day(2011, 1, 5), func(p *blog.Post) {
		p.Body, p.BodyHTML, p.FeaturedID = md, htm, m.ID
		p.Excerpt = "Ask what the buyer is trying to get done."
		p.Categories = []blog.Term{{Name: "Sales/Motivation"}}
		p.Tags = []blog.Term{{Name: "questions"}, {Name: "value"}}
	})
	path := "/2011/01/05/" + p.Slug + "/"
	if r := e.get(path); r.code != 200 || len(strings.Fields(r.body)) < 1300 {
		b.Fatalf("setup: %d", r.code)
	}
	return e, path
}

// BenchmarkRenderPostWith100Comments renders the long post with 100
// approved comments, a fifth of them replies, the reply form and its
// token, without the page cache: the CPU cost of one discussion page.
func BenchmarkRenderPostWith100Comments(b *testing.B) {
	e, path := benchPostEnv(b)
	ctx := context.Background()
	p, err := e.st.PostBySlug(ctx, "what-job-does-your-buyer-need-done")
	if err != nil {
		b.Fatal(err)
	}
	// All 100 on one page (50 top-level a page is the default).
	if err := e.st.SaveSettings(ctx, map[string]string{site.KeyCommentsPerPage: "100"}); err != nil {
		b.Fatal(err)
	}
	ce := &commentEnv{env: e}
	var tops []*blog.Comment
	for i := 0; i < 100; i++ {
		parent := int64(0)
		if i%5 == 4 {
			parent = tops[len(tops)-1].ID
		}
		c := ce.comment(p, parent, fmt.Sprintf("Reader %d", i), fmt.Sprintf("reader%d@example.org", i),
			fmt.Sprintf("Comment %d: the buyer wants a result, not a product; ask what job they need done.", i), blog.CommentApproved)
		if parent == 0 {
			tops = append(tops, c)
		}
	}
	mux := http.NewServeMux()
	th, err := theme.Load("")
	if err != nil {
		b.Fatal(err)
	}
	s := site.New(e.st, site.Overrides{})
	web.New(web.Deps{Store: e.st, Site: s, Theme: th, NoPageCache: true,
		Comments: &comments.Service{Store: e.st, Site: s}}).Routes(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if body := rec.Body.String(); rec.Code != 200 || strings.Count(body, `<article id="comment-`) != 100 ||
		!strings.Contains(body, "100 thoughts on") || !strings.Contains(body, `name="comment_token"`) {
		b.Fatalf("setup: %d", rec.Code)
	}
	benchGet(b, mux, path)
}

// BenchmarkRenderPostWith100CommentsCold renders the same page after each
// new comment (one held for moderation, so the page stays the same), with
// the content version kept in memory as serve keeps it: the comment moves
// the content version, so the page, the sidebar's recent comments and the
// post's comment list are read and rendered again, while what is made from
// posts alone (the post, its neighbours, the sidebar's archives and
// categories) and each unchanged comment's HTML are kept. The comment
// itself is not timed.
func BenchmarkRenderPostWith100CommentsCold(b *testing.B) {
	benchColdRender(b, func(ce *commentEnv, p *blog.Post) {
		ce.comment(p, 0, "Held", "held@example.org", "Held for moderation.", blog.CommentPending)
	})
}

// BenchmarkRenderPostWith100CommentsAfterPostChange renders the same page
// after each change that is not to comments alone (as after editing any
// post): nothing cached holds any of it; the settings, the post, the
// sidebar and the comment list are all read again, and only each
// comment's and each sidebar widget's unchanged HTML is reused. The
// change itself is not timed.
func BenchmarkRenderPostWith100CommentsAfterPostChange(b *testing.B) {
	benchColdRender(b, func(ce *commentEnv, _ *blog.Post) {
		if err := ce.st.BumpContentVersion(context.Background()); err != nil {
			b.Fatal(err)
		}
	})
}

// benchColdRender renders the post with 100 comments after each call of
// change, which is not timed.
func benchColdRender(b *testing.B, change func(*commentEnv, *blog.Post)) {
	e, path := benchPostEnv(b)
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	if err := e.st.WatchContentVersion(ctx, nil); err != nil {
		b.Fatal(err)
	}
	p, err := e.st.PostBySlug(ctx, "what-job-does-your-buyer-need-done")
	if err != nil {
		b.Fatal(err)
	}
	if err := e.st.SaveSettings(ctx, map[string]string{site.KeyCommentsPerPage: "100"}); err != nil {
		b.Fatal(err)
	}
	ce := &commentEnv{env: e}
	var tops []*blog.Comment
	for i := 0; i < 100; i++ {
		parent := int64(0)
		if i%5 == 4 {
			parent = tops[len(tops)-1].ID
		}
		c := ce.comment(p, parent, fmt.Sprintf("Reader %d", i), fmt.Sprintf("reader%d@example.org", i),
			fmt.Sprintf("Comment %d: the buyer wants a result, not a product; ask what job they need done.", i), blog.CommentApproved)
		if parent == 0 {
			tops = append(tops, c)
		}
	}
	mux := http.NewServeMux()
	th, err := theme.Load("")
	if err != nil {
		b.Fatal(err)
	}
	s := site.New(e.st, site.Overrides{})
	web.New(web.Deps{Store: e.st, Site: s, Theme: th, NoPageCache: true,
		Comments: &comments.Service{Store: e.st, Site: s}}).Routes(mux)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		change(ce, p)
		b.StartTimer()
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "100 thoughts on") {
			b.Fatal(rec.Code)
		}
	}
}
