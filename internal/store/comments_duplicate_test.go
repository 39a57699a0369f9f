package store_test

import (
	"context"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store/storetest"
)

func TestDuplicateComment(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p, other := newPost("Discussed"), newPost("Elsewhere")
	for _, x := range []*blog.Post{p, other} {
		if _, err := s.SavePost(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []*blog.Comment{
		{PostID: p.ID, Status: blog.CommentPending, AuthorName: "Ann", AuthorEmail: "ann@example.com", Content: "Held text"},
		{PostID: p.ID, Status: blog.CommentTrash, AuthorName: "Ann", AuthorEmail: "ann@example.com", Content: "Trashed text"},
		{PostID: p.ID, Status: blog.CommentApproved, AuthorName: "Imported", Content: "No email"},
	} {
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name                string
		post                int64
		author, email, text string
		want                bool
	}{
		{"same author, text and post", p.ID, "Other Name", " ANN@example.com", "Held text", true},
		{"other post", other.ID, "Ann", "ann@example.com", "Held text", false},
		{"other text", p.ID, "Ann", "ann@example.com", "Held text!", false},
		{"other author", p.ID, "Ann", "bob@example.com", "Held text", false},
		{"trash does not count", p.ID, "Ann", "ann@example.com", "Trashed text", false},
		{"no email: matched by name", p.ID, "Imported", "", "No email", true},
		{"no email: other name", p.ID, "Someone", "", "No email", false},
	}
	for _, tt := range tests {
		got, err := s.DuplicateComment(ctx, tt.post, tt.author, tt.email, tt.text)
		if err != nil || got != tt.want {
			t.Errorf("%s: %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
}
