package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

func newPost(title string) *blog.Post {
	return &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: title, Body: "Hello **world**",
		PublishedAt: time.Date(2011, 1, 5, 12, 0, 0, 0, time.UTC)}
}

func TestSavePostSlugsAndTerms(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p := newPost("What Business Are You In?")
	p.Categories = []blog.Term{{Name: "Sales/Motivation"}}
	p.Tags = []blog.Term{{Name: "Drucker"}, {Name: "Questions"}}
	if _, err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	if p.Slug != "what-business-are-you-in" {
		t.Errorf("slug = %q", p.Slug)
	}
	feed := newPost("Feed")
	if _, err := s.SavePost(ctx, feed); err != nil {
		t.Fatal(err)
	}
	if feed.Slug != "feed-2" {
		t.Errorf("reserved slug: got %q, want feed-2", feed.Slug)
	}
	dup := newPost("What business are you in")
	if _, err := s.SavePost(ctx, dup); err != nil {
		t.Fatal(err)
	}
	if dup.Slug != "what-business-are-you-in-2" {
		t.Errorf("duplicate slug: got %q", dup.Slug)
	}

	got, err := s.Post(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Categories) != 1 || got.Categories[0].Path != "sales/motivation" || len(got.Tags) != 2 {
		t.Errorf("terms: %+v %+v", got.Categories, got.Tags)
	}
	parent, err := s.TermByPath(ctx, blog.Category, "sales")
	if err != nil {
		t.Fatal(err)
	}
	list, total, err := s.ListPosts(ctx, blog.PostFilter{TermID: parent.ID})
	if err != nil || total != 1 || list[0].ID != p.ID {
		t.Errorf("category archive with children: %v %d %v", err, total, list)
	}

	// Saving the same thing again changes nothing.
	again := *got
	again.Categories = []blog.Term{{Name: "Sales/Motivation"}}
	again.Tags = []blog.Term{{Name: "drucker"}, {Name: "Questions"}}
	v1, _ := s.ContentVersion(ctx)
	changed, err := s.SavePost(ctx, &again)
	if err != nil || changed {
		t.Errorf("resave: changed=%v err=%v", changed, err)
	}
	if v2, _ := s.ContentVersion(ctx); v2 != v1 {
		t.Errorf("content version moved on a no-op save")
	}

	// A slug change keeps the old one answering.
	again.Slug = "new-slug"
	if _, err := s.SavePost(ctx, &again); err != nil {
		t.Fatal(err)
	}
	old, err := s.PostByOldSlug(ctx, "what-business-are-you-in")
	if err != nil || old.ID != p.ID || old.GUID != p.GUID {
		t.Errorf("old slug: %v %v", old, err)
	}
	if _, err := s.PostBySlug(ctx, "nope"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("missing slug: %v", err)
	}
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	a := newPost("Closing techniques")
	a.Body = "Ask for the order; the café owner said yes to selling."
	b := newPost("Prospecting")
	b.Body = "Cold calls and warm introductions."
	secret := newPost("Members only")
	secret.Body = "The confidential pricing playbook."
	secret.Password = "letmein"
	for _, p := range []*blog.Post{a, b, secret} {
		if _, err := s.SavePost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		q    string
		want int
	}{
		{"order", 1}, {"cafe", 1}, {"sell", 1}, {`"ask for the order"`, 1}, {`"order the ask"`, 0},
		{"cold order", 0}, {`unmatched "quote`, 0}, {`"`, 0}, {"*", 0}, {"NEAR(a b)", 0}, {"calls OR order", 0},
		{"'; DROP TABLE posts; --", 0}, {"call", 1}, {"confidential", 0}, {"members", 0},
	}
	for _, c := range cases {
		_, total, err := s.ListPosts(ctx, blog.PostFilter{Search: c.q})
		if err != nil {
			t.Errorf("search %q: %v", c.q, err)
			continue
		}
		if total != c.want {
			t.Errorf("search %q: %d results, want %d", c.q, total, c.want)
		}
	}
}

func TestScheduledPublishOnce(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p := newPost("Later")
	p.Status = blog.StatusScheduled
	p.PublishedAt = time.Now().Add(time.Hour)
	if _, err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.PublishIfDue(ctx, p.ID, time.Now()); ok {
		t.Fatal("published before its time")
	}
	later := time.Now().Add(2 * time.Hour)
	if ok, err := s.PublishIfDue(ctx, p.ID, later); !ok || err != nil {
		t.Fatalf("not published: %v", err)
	}
	if ok, _ := s.PublishIfDue(ctx, p.ID, later); ok {
		t.Fatal("published twice")
	}
}

func TestTokensSingleUse(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	tok, err := s.IssueToken(ctx, store.TokenSetup, 0, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	use := func() error {
		return s.UseToken(ctx, store.TokenSetup, tok, func(*store.Store, int64) error { calls++; return nil })
	}
	if err := use(); err != nil {
		t.Fatal(err)
	}
	if err := use(); !errors.Is(err, blog.ErrNotFound) {
		t.Fatalf("second use: %v", err)
	}
	if calls != 1 {
		t.Fatalf("calls = %d", calls)
	}
}

func TestMigrateRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	if _, err := s.DB().ExecContext(ctx, "INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, true)"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("got %v, want ErrSchemaTooNew", err)
	}
}

func TestInTxRollsBackEverything(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	boom := errors.New("boom")
	err := s.InTx(ctx, func(tx *store.Store) error {
		for _, title := range []string{"One", "Two"} {
			if _, err := tx.SavePost(ctx, newPost(title)); err != nil {
				return err
			}
		}
		if _, total, err := tx.ListPosts(ctx, blog.PostFilter{}); err != nil || total != 2 {
			t.Errorf("inside the transaction: %d posts, %v", total, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	if _, total, _ := s.ListPosts(ctx, blog.PostFilter{}); total != 0 {
		t.Errorf("%d posts survived a rolled-back transaction", total)
	}
}
