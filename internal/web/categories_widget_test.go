package web_test

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/quirehq/quire/internal/blog"
)

// widgetItem is one category of the sidebar widget, as a reader sees it.
type widgetItem struct {
	text     string // "Name (N)"
	children []widgetItem
}

// categoriesWidget reads the categories widget's nested lists.
func categoriesWidget(t *testing.T, body string) []widgetItem {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var find func(*html.Node) *html.Node
	find = func(n *html.Node) *html.Node {
		if n.Type == html.ElementNode && n.Data == "h2" && n.FirstChild != nil && n.FirstChild.Data == "Categories" {
			for s := n.NextSibling; s != nil; s = s.NextSibling {
				if s.Type == html.ElementNode && s.Data == "ul" {
					return s
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if u := find(c); u != nil {
				return u
			}
		}
		return nil
	}
	var list func(ul *html.Node) []widgetItem
	list = func(ul *html.Node) []widgetItem {
		var out []widgetItem
		for li := ul.FirstChild; li != nil; li = li.NextSibling {
			if li.Type != html.ElementNode || li.Data != "li" {
				continue
			}
			var it widgetItem
			var text strings.Builder
			for c := li.FirstChild; c != nil; c = c.NextSibling {
				switch {
				case c.Type == html.ElementNode && c.Data == "ul":
					it.children = list(c)
				case c.Type == html.ElementNode && c.FirstChild != nil:
					text.WriteString(c.FirstChild.Data)
				case c.Type == html.TextNode:
					text.WriteString(c.Data)
				}
			}
			it.text = strings.Join(strings.Fields(text.String()), " ")
			out = append(out, it)
		}
		return out
	}
	ul := find(doc)
	if ul == nil {
		t.Fatal("no categories widget")
	}
	return list(ul)
}

// TestCategoriesWidgetNestsAndCounts: as WordPress's widget (hierarchical,
// with counts, which pads each count with the sub-categories' posts), the
// categories are nested and a parent counts every post of its branch
// once; branches with no published post are left out.
func TestCategoriesWidgetNestsAndCounts(t *testing.T) {
	e := newEnv(t)
	cat := func(names ...string) func(*blog.Post) {
		return func(p *blog.Post) {
			for _, n := range names {
				p.Categories = append(p.Categories, blog.Term{Name: n})
			}
		}
	}
	e.post("One", day(2011, 1, 1), cat("Sales/Prospecting"))
	e.post("Two", day(2011, 1, 2), cat("Sales/Prospecting/Cold Calls"))
	e.post("Three", day(2011, 1, 3), cat("Sales", "Sales/Closing")) // in the parent and a child: counted once
	e.post("Four", day(2011, 1, 4), cat("Habits"))
	e.post("Draft", day(2011, 1, 5), func(p *blog.Post) { p.Status = blog.StatusDraft; cat("Drafts Only")(p) })

	got := categoriesWidget(t, e.get("/").body)
	want := []widgetItem{
		{text: "Habits (1)"},
		{text: "Sales (3)", children: []widgetItem{
			{text: "Closing (1)"},
			{text: "Prospecting (2)", children: []widgetItem{{text: "Cold Calls (1)"}}},
		}},
	}
	if !sameWidget(got, want) {
		t.Errorf("categories widget:\n got %+v\nwant %+v", got, want)
	}
	// The count is what the category's page lists.
	r := e.get("/category/sales/")
	r.has(t, "One", "Two", "Three")
}

func sameWidget(a, b []widgetItem) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].text != b[i].text || !sameWidget(a[i].children, b[i].children) {
			return false
		}
	}
	return true
}
