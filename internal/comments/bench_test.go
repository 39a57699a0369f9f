package comments_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/comments"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store/storetest"
)

// BenchmarkSubmit measures comment submissions on SQLite with every local
// check on: token, honeypot, validation, duplicate, flood, the per-IP rate
// limit, 40 moderation and 40 disallowed words (none matching), the link
// count and "previously approved" (a query per comment). Each submission
// comes from its own address and email with its own text, so all are
// stored (held, as their authors are new).
func BenchmarkSubmit(b *testing.B) {
	var mod, dis []string
	for i := range 40 {
		mod = append(mod, fmt.Sprintf("holdword%d", i))
		dis = append(dis, fmt.Sprintf("trashword%d", i))
	}
	f := newFixtureOn(b, storetest.NewSQLite(b), map[string]string{
		site.KeyModerationKeys: strings.Join(mod, "\n"), site.KeyDisallowedKeys: strings.Join(dis, "\n"),
		site.KeyCommentMaxLinks: "2", site.KeyCommentPreviouslyOK: "1",
	})
	token := f.tokenAt(f.post, base.Add(-time.Minute))
	text := "I have been reading this blog for a while and this post made me think about how we measure " +
		"what a business is for. See https://example.com/notes for my longer answer. Thanks for writing it!"
	i := 0
	for b.Loop() {
		i++
		r := comments.Request{
			Input: blog.CommentInput{AuthorName: fmt.Sprintf("Reader %d", i),
				AuthorEmail: fmt.Sprintf("reader%d@example.com", i), Content: fmt.Sprintf("%s (%d)", text, i)},
			Post: f.post, IP: fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
			UserAgent: "Mozilla/5.0 (X11; Linux x86_64) Bench", Referer: "https://blog.example/", Token: token,
		}
		c, err := f.svc.Submit(f.ctx, r)
		if err != nil {
			b.Fatal(err)
		}
		if c.Status != blog.CommentPending {
			b.Fatalf("status %s", c.Status)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
}
