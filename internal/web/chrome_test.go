package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

// widget returns the sidebar section headed title on a page.
func widget(body, title string) string {
	_, after, ok := strings.Cut(body, "<h2>"+title+"</h2>")
	if !ok {
		return ""
	}
	section, _, _ := strings.Cut(after, "</section>")
	return section
}

// TestSidebarKeepsPostsPartsAcrossComments: a new comment moves the content
// version, and the sidebar's recent comments show it at once; what the
// sidebar makes from posts (recent posts, archives, categories) is kept,
// since only comments changed; any other change rebuilds it. A title
// changed behind the store's back (no new version) shows which is which.
func TestSidebarKeepsPostsPartsAcrossComments(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.post("Talked About", day(2011, 1, 5), nil)
	if r := e.get("/"); !strings.Contains(widget(r.body, "Recent posts"), "Talked About") {
		t.Fatalf("recent posts: %q", widget(r.body, "Recent posts"))
	}
	if _, err := e.st.DB().ExecContext(ctx, "UPDATE posts SET title = 'Renamed Quietly' WHERE title = 'Talked About'"); err != nil {
		t.Fatal(err)
	}
	c := &blog.Comment{PostID: p.ID, Status: blog.CommentApproved, AuthorName: "Reader Ann", Content: "Yes.", ContentHTML: "<p>Yes.</p>"}
	if err := e.st.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	r := e.get("/")
	if got := widget(r.body, "Recent comments"); !strings.Contains(got, "Reader Ann") {
		t.Errorf("recent comments after a comment: %q", got)
	}
	if got := widget(r.body, "Recent posts"); !strings.Contains(got, "Talked About") {
		t.Errorf("recent posts after a comment: %q, want them kept", got)
	}
	if err := e.st.BumpContentVersion(ctx); err != nil {
		t.Fatal(err)
	}
	if got := widget(e.get("/").body, "Recent posts"); !strings.Contains(got, "Renamed Quietly") {
		t.Errorf("recent posts after another change: %q, want them rebuilt", got)
	}
}
