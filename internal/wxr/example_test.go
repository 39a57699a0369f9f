package wxr_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/quirehq/quire/internal/wxr"
)

// An importer reads the channel, then one entry at a time.
func ExampleReader() {
	f, err := os.Open("testdata/site.xml")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()

	rd := wxr.NewReader(f)
	ch, err := rd.Channel()
	if err != nil {
		fmt.Println(err) // not WXR: nothing was read
		return
	}
	fmt.Printf("%s (WXR %s) from %s\n", ch.Title, ch.Version, ch.BaseBlogURL)
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err) // names the line; the import rolls back
			return
		}
		switch e := e.(type) {
		case *wxr.Author:
			fmt.Println("author", e.Login)
		case *wxr.Term:
			if e.Parent != "" {
				fmt.Printf("term %s %s, child of %s\n", e.Taxonomy, e.Slug, e.Parent)
			} else {
				fmt.Println("term", e.Taxonomy, e.Slug)
			}
		case *wxr.Item:
			if e.Status == "trash" {
				fmt.Printf("line %d: skipped %q (trash)\n", rd.Line(), e.Title)
				continue
			}
			if e.Type == "post" {
				fmt.Printf("%s %q, %d comments\n", e.Type, e.Name, len(e.Comments))
			}
		}
	}
	// Output:
	// The Weekly Tip (WXR 1.2) from https://example.com/blog
	// author coach
	// author guest
	// term category sales
	// term category prospecting, child of sales
	// term category cold-calling, child of prospecting
	// term post_tag closing
	// term post_tag tips
	// term post_format post-format-aside
	// term nav_menu main
	// post "what-business-are-you-in", 8 comments
	// post "", 0 comments
	// post "members-only", 0 comments
	// post "the-follow-up", 0 comments
	// line 392: skipped "Binned" (trash)
}

// A refusal names its line and its kind.
func ExampleError() {
	_, err := wxr.NewReader(strings.NewReader(`<?xml version="1.0"?>
<rss version="2.0"><channel><title>A feed</title>
<item><title>Not an export</title></item>
</channel></rss>`)).Next()
	fmt.Println(err)
	fmt.Println(errors.Is(err, wxr.ErrNotWXR))
	// Output:
	// wxr: line 3: not a WXR file: the channel has no <wp:wxr_version> before its first entry, <item>
	// true
}

// An exporter writes the channel, the authors and terms, then the items.
func ExampleWriter() {
	w := wxr.NewWriter(os.Stdout)
	w.WriteChannel(&wxr.Channel{Title: "The Weekly Tip", Link: "https://example.com"})
	w.WriteTerm(&wxr.Term{ID: 1, Taxonomy: wxr.Category, Slug: "sales", Name: "Sales"})
	w.WriteItem(&wxr.Item{
		Title: "Hello", ID: 1, Type: "post", Status: "publish", Content: "a ]]> b",
		Terms:    []wxr.ItemTerm{{Taxonomy: wxr.Category, Slug: "sales", Name: "Sales"}},
		Comments: []wxr.Comment{{ID: 1, Author: "Pat", Content: "Hi", Approved: wxr.Approved, Type: wxr.TypeComment}},
	})
	if err := w.Close(); err != nil {
		fmt.Println(err)
	}
}
