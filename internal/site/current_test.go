package site_test

import (
	"context"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store/storetest"
)

// TestSettingsKeptAcrossComments: the settings are read again when the
// posts version moves (any change but one to comments alone), not after a
// new comment. A settings row changed behind the store's back (no version
// moves) tells kept settings from a fresh read.
func TestSettingsKeptAcrossComments(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	if err := st.WatchContentVersion(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveSettings(ctx, map[string]string{site.KeyTitle: "Field Notes"}); err != nil {
		t.Fatal(err)
	}
	s := site.New(st, site.Overrides{})
	title := func() (string, int64) {
		t.Helper()
		set, v, err := s.Current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return set.Title, v
	}
	author := &blog.User{Email: "ann@example.com", Name: "Ann", Role: blog.RoleOwner, PasswordHash: "x"}
	if err := st.CreateUser(ctx, author); err != nil {
		t.Fatal(err)
	}
	p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: "Hello", AuthorID: author.ID,
		Body: "Hi.", BodyHTML: "<p>Hi.</p>"}
	if _, err := st.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	got, v0 := title()
	if got != "Field Notes" {
		t.Fatalf("title %q", got)
	}
	if _, err := st.DB().ExecContext(ctx, "UPDATE settings SET value = 'Behind its back' WHERE name = $1", site.KeyTitle); err != nil {
		t.Fatal(err)
	}
	c := &blog.Comment{PostID: p.ID, Status: blog.CommentApproved, AuthorName: "R", Content: "c", ContentHTML: "c"}
	if err := st.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, v := title()
	if v == v0 {
		t.Fatal("the comment did not move the content version")
	}
	if got != "Field Notes" {
		t.Fatalf("after a comment: title %q, want the kept settings", got)
	}
	// Any other change reads them again.
	if err := st.SaveSettings(ctx, map[string]string{site.KeyDescription: "Plainly"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := title(); got != "Behind its back" {
		t.Fatalf("after saving the settings: title %q", got)
	}
}
