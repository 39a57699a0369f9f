package demo_test

import (
	"context"
	"errors"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/demo"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// allPosts returns every post and page of the site.
func allPosts(t *testing.T, st *store.Store) []blog.Post {
	t.Helper()
	ps, _, err := st.ListPosts(context.Background(), blog.PostFilter{Type: "any", IncludeAll: true, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// TestOwnerTakesOverTheDemo: the owner created after --demo (at setup or
// with quire user add) owns the demo's posts, pages, image and replies,
// and their name gets the plain /author/NAME/ address even when it is the
// demo author's name.
func TestOwnerTakesOverTheDemo(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	n, err := demo.Seed(ctx, st, 0, 0)
	if err != nil || n == 0 {
		t.Fatalf("seed: %d %v", n, err)
	}
	owner := &blog.User{Email: "Jordan@Example.com", Name: "Jordan Avery", Role: blog.RoleOwner, PasswordHash: "hash"}
	if err := demo.AddUser(ctx, st, owner); err != nil {
		t.Fatal(err)
	}
	if owner.Login != "jordan-avery" {
		t.Errorf("owner's login %q, want jordan-avery", owner.Login)
	}
	users, err := st.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 1 || users[0].ID != owner.ID || users[0].Email != "jordan@example.com" || users[0].Role != blog.RoleOwner ||
		users[0].PasswordHash != "hash" {
		t.Errorf("users after setup: %+v, want only the owner", users)
	}
	for _, p := range allPosts(t, st) {
		if p.AuthorID != owner.ID {
			t.Errorf("%q belongs to user %d, not the owner %d", p.Title, p.AuthorID, owner.ID)
		}
	}
	cs, _, err := st.ListComments(ctx, store.CommentFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	replies := 0
	for _, c := range cs {
		if c.UserID == owner.ID {
			replies++
			if c.AuthorName != "Jordan Avery" || c.AuthorEmail != "jordan@example.com" {
				t.Errorf("the owner's reply is signed %q <%s>", c.AuthorName, c.AuthorEmail)
			}
		}
	}
	if replies == 0 {
		t.Error("the demo's reply is not the owner's")
	}

	// A second owner is a new account.
	other := &blog.User{Email: "sam@example.com", Name: "Sam Coach", Role: blog.RoleOwner, PasswordHash: "h2"}
	if err := demo.AddUser(ctx, st, other); err != nil {
		t.Fatal(err)
	}
	if other.ID == owner.ID || other.Login != "sam-coach" {
		t.Errorf("second owner: id %d login %q", other.ID, other.Login)
	}
	// An email already taken is a field error, as for any new user.
	dup := &blog.User{Email: "sam@example.com", Name: "Again", Role: blog.RoleOwner, PasswordHash: "h3"}
	if _, ok := blog.AsValidation(demo.AddUser(ctx, st, dup)); !ok {
		t.Errorf("duplicate email not refused as a field error")
	}
}

// TestDemoAfterSetup: --demo on a site that has an owner writes the demo
// content as the owner, with no account of its own.
func TestDemoAfterSetup(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	owner := &blog.User{Email: "sam@example.com", Name: "Sam Coach", Role: blog.RoleOwner, PasswordHash: "hash"}
	if err := demo.AddUser(ctx, st, owner); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, st, 0, 0); err != nil {
		t.Fatal(err)
	}
	for _, p := range allPosts(t, st) {
		if p.AuthorID != owner.ID {
			t.Errorf("%q belongs to user %d, not the owner %d", p.Title, p.AuthorID, owner.ID)
		}
	}
	if _, err := st.UserByEmail(ctx, "demo-author@example.invalid"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a demo account was created beside the owner: %v", err)
	}
}

// TestSeedLargeSiteOptions: the generator's sizes (serve's --demo-posts,
// --demo-comments, --demo-tags, --demo-images) give that many posts,
// comments, tags and images, the images featured on the posts, and the
// rare word in exactly one post and the common one in every generated post.
func TestSeedLargeSiteOptions(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	n, err := demo.SeedWith(ctx, st, demo.Options{Posts: 40, Comments: 90, Tags: 12, Images: 5})
	if err != nil {
		t.Fatal(err)
	}
	_, total, err := st.ListPosts(ctx, blog.PostFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if n != total+2 || total != 40+6 { // the sample's six posts and two pages
		t.Errorf("wrote %d, %d posts listed; want 40 generated beside the sample", n, total)
	}
	tags, err := st.Terms(ctx, blog.Tag)
	if err != nil {
		t.Fatal(err)
	}
	generated := map[string]bool{}
	for _, tg := range tags {
		generated[tg.Name] = true
	}
	if len(generated) < 12 {
		t.Errorf("%d tags in all, want the 12 generated beside the sample's", len(generated))
	}
	images, err := st.ListMedia(ctx, 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(images) != 6 {
		t.Errorf("%d images, want 5 generated and the sample's", len(images))
	}
	featured, _, err := st.ListPosts(ctx, blog.PostFilter{Limit: 100, Search: "Sales Note"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range featured {
		if p.FeaturedID == 0 {
			t.Errorf("%q has no featured image", p.Title)
		}
	}
	cs, comments, err := st.ListComments(ctx, store.CommentFilter{Limit: 1})
	if err != nil || len(cs) != 1 || comments != 90+3 {
		t.Errorf("%d comments (%v), want 90 generated and the sample's 3", comments, err)
	}
	for word, want := range map[string]int{demo.RareWord: 1, demo.CommonWord: 40} {
		_, got, err := st.ListPosts(ctx, blog.PostFilter{Limit: 1, Search: word})
		if err != nil || got < want || (word == demo.RareWord && got != want) {
			t.Errorf("search %q: %d posts (%v), want %d", word, got, err, want)
		}
	}
}
