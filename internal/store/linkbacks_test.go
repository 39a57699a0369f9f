package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

func TestLinkbacksStoredOncePerSource(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p := newPost("Linked to")
	p.PingsClosed = true
	if _, err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Post(ctx, p.ID); err != nil || !got.PingsClosed {
		t.Fatalf("pings closed not kept: %+v %v", got, err)
	}
	src := "https://other.example/2024/05/a-reply/"
	c := &blog.Comment{PostID: p.ID, Type: blog.TypeWebmention, Status: blog.CommentPending, AuthorName: "Ada",
		AuthorURL: "https://ada.example/", SourceURL: src, MentionKind: blog.MentionReply, SourceTitle: "A reply",
		AuthorPhoto: "https://ada.example/me.jpg", Content: "Good point.", ContentHTML: "<p>Good point.</p>"}
	if err := s.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	again := *c
	again.ID = 0
	if err := s.CreateComment(ctx, &again); !errors.Is(err, store.ErrLinkbackExists) {
		t.Fatalf("a second linkback from the same source: %v", err)
	}
	// The same source may link to another post.
	other := newPost("Also linked")
	if _, err := s.SavePost(ctx, other); err != nil {
		t.Fatal(err)
	}
	again.PostID = other.ID
	if err := s.CreateComment(ctx, &again); err != nil {
		t.Fatal(err)
	}

	c.MentionKind, c.SourceTitle, c.Content = blog.MentionMention, "A reply, edited", "Better point."
	if err := s.UpdateLinkback(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.LinkbackBySource(ctx, p.ID, src)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != c.ID || got.Type != blog.TypeWebmention || got.MentionKind != blog.MentionMention ||
		got.SourceTitle != "A reply, edited" || got.AuthorPhoto != "https://ada.example/me.jpg" ||
		got.Content != "Better point." || got.Status != blog.CommentPending {
		t.Errorf("linkback read back as %+v", got)
	}
	if _, err := s.LinkbackBySource(ctx, p.ID, "https://nobody.example/"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("unknown source: %v", err)
	}
	bad := &blog.Comment{PostID: p.ID, Type: "smoke-signal", Status: blog.CommentPending, Content: "x"}
	if err := s.CreateComment(ctx, bad); err == nil {
		t.Error("a comment of an unknown type was stored")
	}
}
