package web_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

// entryTitles are the list's post titles in page order.
func entryTitles(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<h2 class="entry-title"><a [^>]*>([^<]*)</a>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestStickyPostsFirstOnTheHomePage(t *testing.T) {
	e := newEnv(t)
	for i := 1; i <= 12; i++ { // posts 1 (oldest) … 12 (newest): the env shows 2 a page
		e.post(fmt.Sprintf("Post %02d", i), day(2024, 1, i), func(p *blog.Post) {
			p.Sticky = i == 1 || i == 11 // one from page 2, one already on page 1
		})
	}
	e.post("Sticky draft", day(2024, 2, 1), func(p *blog.Post) { p.Sticky, p.Status = true, blog.StatusDraft })

	r := e.get("/")
	got := entryTitles(r.body)
	want := []string{"Post 11", "Post 01", "Post 12"} // the stickies by date, then the rest of page 1
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("home page: %v\nwant %v", got, want)
	}
	if n := regexp.MustCompile(`class="entry sticky"`).FindAllStringIndex(r.body, -1); len(n) != 2 {
		t.Errorf("%d entries marked sticky, want 2", len(n))
	}
	r.has(t, `<p class="sticky-label">Featured</p>`)
	r.lacks(t, "Sticky draft")

	// Later pages, archives and search list sticky posts in their place.
	if got := entryTitles(e.get("/page/6/").body); fmt.Sprint(got) != "[Post 02 Post 01]" {
		t.Errorf("page 6: %v", got)
	}
	e.get("/page/6/").lacks(t, `class="entry sticky"`)
	if got := entryTitles(e.get("/2024/01/").body); len(got) == 0 || got[0] != "Post 12" {
		t.Errorf("month archive: %v", got)
	}
	e.get("/2024/01/").lacks(t, `class="entry sticky"`)
}
