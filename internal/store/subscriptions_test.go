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

func activeEmails(t *testing.T, s *store.Store, postID int64) []string {
	t.Helper()
	subs, err := s.ActiveCommentSubscriptions(context.Background(), postID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, sub := range subs {
		out = append(out, sub.Email)
	}
	return out
}

func TestCommentSubscriptionsDoubleOptIn(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p, q := newPost("Followed"), newPost("Also followed")
	for _, x := range []*blog.Post{p, q} {
		if _, err := s.SavePost(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

	if _, err := s.CommentSubscriber(ctx, "ann@example.com"); !errors.Is(err, blog.ErrNotFound) {
		t.Fatalf("subscriber of an unknown address: %v, want not found", err)
	}
	sub, created, err := s.AddCommentSubscription(ctx, p.ID, " Ann@Example.com ", now)
	if err != nil || !created {
		t.Fatalf("first subscription: created %v, %v", created, err)
	}
	if sub.Email != "ann@example.com" || sub.Token == "" || !sub.ConfirmedAt.IsZero() || sub.PostTitle != "Followed" {
		t.Errorf("new subscription = %+v", sub)
	}
	again, created, err := s.AddCommentSubscription(ctx, p.ID, "ann@example.com", now)
	if err != nil || created || again.Token != sub.Token {
		t.Errorf("second subscription to the same post: created %v, token kept %v, %v", created, again.Token == sub.Token, err)
	}
	if got := activeEmails(t, s, p.ID); len(got) != 0 {
		t.Errorf("active before confirmation: %v", got)
	}

	// A waiting subscription to another post is confirmed with the address.
	other, _, err := s.AddCommentSubscription(ctx, q.ID, "ann@example.com", now)
	if err != nil || !other.ConfirmedAt.IsZero() {
		t.Fatalf("second post: %+v, %v", other, err)
	}
	conf, err := s.ConfirmCommentSubscriber(ctx, sub.Token, now.Add(time.Hour))
	if err != nil || conf.ConfirmedAt.IsZero() {
		t.Fatalf("confirm: %+v, %v", conf, err)
	}
	if got := activeEmails(t, s, p.ID); len(got) != 1 || got[0] != "ann@example.com" {
		t.Errorf("active after confirmation: %v", got)
	}
	if got := activeEmails(t, s, q.ID); len(got) != 1 {
		t.Errorf("other post's subscription after confirming the address: %v", got)
	}
	rec, err := s.CommentSubscriber(ctx, "ann@example.com")
	if err != nil || !rec.ConfirmedAt.Equal(now.Add(time.Hour)) || !rec.UnsubscribedAllAt.IsZero() {
		t.Errorf("subscriber record = %+v, %v", rec, err)
	}

	// Unsubscribe one post: the row is gone and its token no longer works.
	gone, err := s.DeleteCommentSubscription(ctx, sub.Token)
	if err != nil || gone.PostID != p.ID {
		t.Fatalf("delete: %+v, %v", gone, err)
	}
	if _, err := s.DeleteCommentSubscription(ctx, sub.Token); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("second delete: %v, want not found", err)
	}
	if _, err := s.CommentSubscriptionByToken(ctx, sub.Token); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("lookup of a deleted token: %v", err)
	}

	// Subscribing again after confirmation is active at once, and the first
	// confirmation time is kept.
	back, created, err := s.AddCommentSubscription(ctx, p.ID, "ann@example.com", now.Add(2*time.Hour))
	if err != nil || !created || back.ConfirmedAt.IsZero() || back.Token == sub.Token {
		t.Errorf("resubscription of a confirmed address: %+v, created %v, %v", back, created, err)
	}
	if _, err := s.ConfirmCommentSubscriber(ctx, back.Token, now.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if rec, _ := s.CommentSubscriber(ctx, "ann@example.com"); !rec.ConfirmedAt.Equal(now.Add(time.Hour)) {
		t.Errorf("confirmation time after a second confirm = %v", rec.ConfirmedAt)
	}

	// Unsubscribe from all: every subscription goes, the address is
	// remembered.
	if _, err := s.UnsubscribeAllComments(ctx, back.Token, now.Add(4*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := append(activeEmails(t, s, p.ID), activeEmails(t, s, q.ID)...); len(got) != 0 {
		t.Errorf("active after unsubscribing from all: %v", got)
	}
	if _, err := s.CommentSubscriptionByToken(ctx, other.Token); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("other post's subscription after unsubscribing from all: %v", err)
	}
	rec, err = s.CommentSubscriber(ctx, "ann@example.com")
	if err != nil || !rec.UnsubscribedAllAt.Equal(now.Add(4*time.Hour)) {
		t.Errorf("subscriber after unsubscribing from all = %+v, %v", rec, err)
	}
	// A new subscription of that address is not active, even though the
	// address confirmed once.
	late, _, err := s.AddCommentSubscription(ctx, q.ID, "ann@example.com", now.Add(5*time.Hour))
	if err != nil || !late.ConfirmedAt.IsZero() {
		t.Errorf("subscription after unsubscribing from all: %+v, %v", late, err)
	}
	if got := activeEmails(t, s, q.ID); len(got) != 0 {
		t.Errorf("active after unsubscribing from all and subscribing: %v", got)
	}
	if _, err := s.CommentSubscriptionByToken(ctx, ""); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("empty token: %v", err)
	}
}

func TestActiveCommentSubscriptionsOfOnePost(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p, q := newPost("One"), newPost("Two")
	for _, x := range []*blog.Post{p, q} {
		if _, err := s.SavePost(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		sub, _, err := s.AddCommentSubscription(ctx, p.ID, email, now)
		if err != nil {
			t.Fatal(err)
		}
		if email != "c@example.com" { // c never confirms
			if _, err := s.ConfirmCommentSubscriber(ctx, sub.Token, now); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, _, err := s.AddCommentSubscription(ctx, q.ID, "a@example.com", now); err != nil {
		t.Fatal(err)
	}
	if got := activeEmails(t, s, p.ID); len(got) != 2 || got[0] != "a@example.com" || got[1] != "b@example.com" {
		t.Errorf("active on the first post: %v", got)
	}
	if got := activeEmails(t, s, q.ID); len(got) != 1 || got[0] != "a@example.com" {
		t.Errorf("active on the second post: %v", got)
	}
}
