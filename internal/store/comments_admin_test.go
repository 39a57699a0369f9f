package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

func TestModerationScopeAndPrivacyQueries(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	amy := &blog.User{Name: "Amy", Email: "amy@example.com", Role: blog.RoleAuthor, PasswordHash: "x"}
	ben := &blog.User{Name: "Ben", Email: "ben@example.com", Role: blog.RoleAuthor, PasswordHash: "x"}
	for _, u := range []*blog.User{amy, ben} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	mine, theirs := newPost("Amy writes"), newPost("Ben writes")
	mine.AuthorID, theirs.AuthorID = amy.ID, ben.ID
	for _, p := range []*blog.Post{mine, theirs} {
		if _, err := s.SavePost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	add := func(p *blog.Post, parent int64, status blog.CommentStatus, email, text string) *blog.Comment {
		t.Helper()
		c := &blog.Comment{PostID: p.ID, ParentID: parent, Status: status, AuthorName: "R", AuthorEmail: email,
			AuthorIP: "192.0.2.1", Content: text, ContentHTML: text}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	a1 := add(mine, 0, blog.CommentApproved, "Zoe@Example.com", "On Amy 100%")
	add(mine, 0, blog.CommentPending, "yan@example.com", "On Amy held")
	b1 := add(theirs, 0, blog.CommentApproved, "zoe@example.com", "On Ben")
	reply := add(theirs, b1.ID, blog.CommentApproved, "yan@example.com", "Reply on Ben")

	list, total, err := s.ListComments(ctx, store.CommentFilter{PostAuthorID: amy.ID})
	if err != nil || total != 2 || len(list) != 2 {
		t.Fatalf("Amy's comments: %d %d %v", total, len(list), err)
	}
	counts, _ := s.ModerationStatusCounts(ctx, amy.ID)
	if counts[blog.CommentApproved] != 1 || counts[blog.CommentPending] != 1 {
		t.Errorf("Amy's counts %v", counts)
	}
	counts, _ = s.ModerationStatusCounts(ctx, 0)
	if counts[blog.CommentApproved] != 3 {
		t.Errorf("all counts %v", counts)
	}
	// Search: case-insensitive, and % is a literal character.
	for q, want := range map[string]int{"ZOE@": 2, "100%": 1, "10_%": 0, "192.0.2": 4, "reply": 1} {
		if _, n, err := s.ListComments(ctx, store.CommentFilter{Search: q}); err != nil || n != want {
			t.Errorf("search %q: %d, %v; want %d", q, n, err, want)
		}
	}
	got, err := s.CommentsByID(ctx, amy.ID, a1.ID, b1.ID, 999999)
	if err != nil || len(got) != 1 || got[0].ID != a1.ID {
		t.Errorf("CommentsByID in Amy's scope: %+v %v", got, err)
	}
	if got, _ := s.CommentsByID(ctx, 0, a1.ID, b1.ID, 999999); len(got) != 2 {
		t.Errorf("CommentsByID unscoped: %d", len(got))
	}

	db := s.DB()
	for _, q := range []string{
		fmt.Sprintf("INSERT INTO comment_subscriptions (post_id, email, token, confirmed_at, created_at) VALUES (%d, 'zoe@example.com', 't1', 1700000100, 1700000000)", mine.ID),
		fmt.Sprintf("INSERT INTO comment_subscriptions (post_id, email, token, created_at) VALUES (%d, 'zoe@example.com', 't2', 1700000000)", theirs.ID),
		fmt.Sprintf("INSERT INTO comment_subscriptions (post_id, email, token, created_at) VALUES (%d, 'yan@example.com', 't3', 1700000000)", theirs.ID),
		"INSERT INTO comment_subscribers (email, confirmed_at) VALUES ('zoe@example.com', 1700000100)",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	subs, sub, err := s.PrivacySubscriptions(ctx, "ZOE@example.com")
	if err != nil || len(subs) != 2 || sub == nil || sub.ConfirmedAt.IsZero() || !sub.UnsubscribedAllAt.IsZero() {
		t.Fatalf("subscriptions %+v %+v %v", subs, sub, err)
	}
	if subs[0].PostTitle != "Amy writes" || subs[0].ConfirmedAt.IsZero() || !subs[1].ConfirmedAt.IsZero() {
		t.Errorf("subscriptions %+v", subs)
	}
	if n, err := s.ErasePrivacySubscriptions(ctx, "zoe@example.com"); err != nil || n != 3 {
		t.Errorf("erased %d, %v; want 3 rows", n, err)
	}
	if subs, _, _ := s.PrivacySubscriptions(ctx, "yan@example.com"); len(subs) != 1 {
		t.Error("erase touched another address")
	}

	// Deleting by email moves replies up and leaves others alone.
	if n, err := s.DeleteCommentsByEmail(ctx, "zoe@example.com"); err != nil || n != 2 {
		t.Fatalf("deleted %d, %v; want 2", n, err)
	}
	c, err := s.Comment(ctx, reply.ID)
	if err != nil || c.ParentID != 0 {
		t.Errorf("reply after its parent went: %+v %v", c, err)
	}
	if _, n, _ := s.ListComments(ctx, store.CommentFilter{}); n != 2 {
		t.Errorf("%d comments left, want 2", n)
	}
	if n, _ := s.DeleteCommentsByEmail(ctx, ""); n != 0 {
		t.Error("an empty address deleted comments")
	}
}

// TestSetCommentStatusFrom: a change conditioned on the status a comment
// had acts only while it still has it, and records when the status
// changed; setting the status a comment has already records nothing.
func TestSetCommentStatusFrom(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p := newPost("Moderated")
	if _, err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	c := &blog.Comment{PostID: p.ID, Status: blog.CommentPending, AuthorName: "R", AuthorEmail: "r@example.com",
		Content: "x", ContentHTML: "x", CreatedAt: time.Now().Add(-time.Hour)}
	if err := s.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	if at, err := s.CommentStatusChangedAt(ctx, c.ID); err != nil || !at.IsZero() {
		t.Fatalf("a new comment's status change: %v, %v", at, err)
	}
	if _, err := s.SetCommentStatus(ctx, blog.CommentSpam, c.ID); err != nil {
		t.Fatal(err)
	}
	at, err := s.CommentStatusChangedAt(ctx, c.ID)
	if err != nil || time.Since(at) > time.Minute {
		t.Fatalf("status change recorded at %v, %v", at, err)
	}
	// A link made while it was pending: nothing happens.
	if ok, err := s.SetCommentStatusFrom(ctx, c.ID, blog.CommentPending, blog.CommentApproved); err != nil || ok {
		t.Fatalf("SetCommentStatusFrom(pending) on spam: %v, %v", ok, err)
	}
	if got, _ := s.Comment(ctx, c.ID); got.Status != blog.CommentSpam {
		t.Fatalf("status %s, want spam", got.Status)
	}
	if ok, err := s.SetCommentStatusFrom(ctx, c.ID, blog.CommentSpam, blog.CommentTrash); err != nil || !ok {
		t.Fatalf("SetCommentStatusFrom(spam): %v, %v", ok, err)
	}
	if ok, _ := s.SetCommentStatusFrom(ctx, c.ID+1, blog.CommentSpam, blog.CommentTrash); ok {
		t.Error("changed a comment that does not exist")
	}
	if _, err := s.CommentStatusChangedAt(ctx, c.ID+1); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("status change of no comment: %v", err)
	}
	// Restoring from the trash is a change too; the same status again is not.
	if _, err := s.RestoreComments(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Comment(ctx, c.ID); got.Status != blog.CommentSpam {
		t.Errorf("restored to %s, want spam", got.Status)
	}
	if _, err := s.DB().ExecContext(ctx, "UPDATE comments SET status_changed_at = 5"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetCommentStatus(ctx, blog.CommentSpam, c.ID); err != nil {
		t.Fatal(err)
	}
	if at, _ := s.CommentStatusChangedAt(ctx, c.ID); at.Unix() != 5 {
		t.Errorf("setting the same status moved the change time to %v", at)
	}
}
