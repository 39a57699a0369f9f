// Command wxrgen writes a WordPress export of a made-up site of any size,
// for measuring imports: quire's benchmark (scripts/bench-import.sh)
// imports 10,000 posts and 100,000 comments.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/wxr"
)

func main() {
	posts := flag.Int("posts", 10000, "posts to write")
	comments := flag.Int("comments", 100000, "comments to write, spread over the posts")
	flag.Parse()
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	if err := write(out, *posts, *comments); err != nil {
		fmt.Fprintln(os.Stderr, "wxrgen:", err)
		os.Exit(1)
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "wxrgen:", err)
		os.Exit(1)
	}
}

const paragraph = `Most people answer "what business are you in?" with their product -- and that's the problem. ` +
	`Your buyer doesn't care what you sell... they care what it does for them. Ask the question again, ` +
	`and write down what the <em>customer</em> gets.`

func write(w *bufio.Writer, posts, comments int) error {
	xw := wxr.NewWriter(w)
	base := "https://bench.example"
	if err := xw.WriteChannel(&wxr.Channel{Title: "Bench", Link: base, Description: "A made-up site",
		Language: "en-US", BaseSiteURL: base, BaseBlogURL: base}); err != nil {
		return err
	}
	for i := 1; i <= 5; i++ {
		if err := xw.WriteAuthor(&wxr.Author{ID: int64(i), Login: fmt.Sprintf("author%d", i),
			Email: fmt.Sprintf("author%d@bench.example", i), DisplayName: fmt.Sprintf("Author %d", i)}); err != nil {
			return err
		}
	}
	var terms []wxr.Term
	for i := 1; i <= 20; i++ {
		t := wxr.Term{ID: int64(i), Taxonomy: wxr.Category, Slug: fmt.Sprintf("cat-%d", i), Name: fmt.Sprintf("Category %d", i)}
		if i > 5 {
			t.Parent = fmt.Sprintf("cat-%d", (i-1)%5+1)
		}
		terms = append(terms, t)
	}
	for i := 1; i <= 100; i++ {
		terms = append(terms, wxr.Term{ID: int64(100 + i), Taxonomy: wxr.PostTag, Slug: fmt.Sprintf("tag-%d", i), Name: fmt.Sprintf("Tag %d", i)})
	}
	for _, t := range wxr.SortTerms(terms) {
		if err := xw.WriteTerm(&t); err != nil {
			return err
		}
	}
	body := strings.Repeat(paragraph+"\n\n", 6) + "<!--more-->\n\n" + strings.Repeat(paragraph+"\n", 4)
	start := time.Date(2010, 1, 1, 9, 0, 0, 0, time.UTC)
	commentID := int64(0)
	for i := 1; i <= posts; i++ {
		at := start.Add(time.Duration(i) * 7 * time.Hour)
		slug := fmt.Sprintf("post-number-%d", i)
		it := &wxr.Item{
			Title: fmt.Sprintf("Post number %d: what's \"next\"?", i), Link: fmt.Sprintf("%s/%s/%s/", base, at.Format("2006/01"), slug),
			Creator: fmt.Sprintf("author%d", i%5+1), GUID: fmt.Sprintf("%s/?p=%d", base, i), Content: body,
			ID: int64(i), Date: wxr.FormatDate(at), DateGMT: wxr.FormatDate(at), Modified: wxr.FormatDate(at),
			ModifiedGMT: wxr.FormatDate(at), CommentStatus: "open", PingStatus: "open", Name: slug, Status: "publish",
			Type: "post",
			Terms: []wxr.ItemTerm{
				{Taxonomy: wxr.Category, Slug: fmt.Sprintf("cat-%d", i%20+1), Name: fmt.Sprintf("Category %d", i%20+1)},
				{Taxonomy: wxr.PostTag, Slug: fmt.Sprintf("tag-%d", i%100+1), Name: fmt.Sprintf("Tag %d", i%100+1)},
				{Taxonomy: wxr.PostTag, Slug: fmt.Sprintf("tag-%d", (i*7)%100+1), Name: fmt.Sprintf("Tag %d", (i*7)%100+1)},
			},
		}
		n := comments / posts
		if i <= comments%posts {
			n++
		}
		var first int64
		for k := 0; k < n; k++ {
			commentID++
			c := wxr.Comment{ID: commentID, Author: fmt.Sprintf("Reader %d", commentID%997),
				AuthorEmail: fmt.Sprintf("reader%d@mail.example", commentID%997), AuthorIP: "203.0.113.7",
				Date: wxr.FormatDate(at.Add(time.Duration(k+1) * time.Hour)), DateGMT: wxr.FormatDate(at.Add(time.Duration(k+1) * time.Hour)),
				Content: "I'm in the \"trust\" business -- thanks!\n\nSecond thought...", Approved: wxr.Approved, Type: wxr.TypeComment}
			switch {
			case k == 0:
				first = commentID
			case k%3 == 1:
				c.Parent = first
			case k == n-1 && n > 3:
				c.Type, c.Author, c.AuthorURL, c.AuthorEmail = wxr.TypePingback, "Another Blog", fmt.Sprintf("https://other.example/%d/", commentID), ""
				c.Content = "[&#8230;] what business are you in [&#8230;]"
			}
			it.Comments = append(it.Comments, c)
		}
		if err := xw.WriteItem(it); err != nil {
			return err
		}
	}
	return xw.Close()
}
