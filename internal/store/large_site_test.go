package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// TestModerationListMergesStatuses: a list of several statuses (the
// moderation screen's "All": pending and approved) reads each status's
// newest and merges them; every page holds exactly what one query over
// all of them, newest first and then by id, would.
func TestModerationListMergesStatuses(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p := newPost("Talked about")
	if _, err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	statuses := []blog.CommentStatus{blog.CommentApproved, blog.CommentPending, blog.CommentSpam, blog.CommentApproved,
		blog.CommentTrash, blog.CommentPending, blog.CommentApproved, blog.CommentApproved, blog.CommentPending}
	type want struct {
		at time.Time
		id int64
	}
	var shown []want
	for i := range 27 {
		st := statuses[i%len(statuses)]
		// Every third comment shares its time with the one before: the
		// id breaks the tie.
		at := base.Add(time.Duration(i-i%3/2) * time.Minute)
		c := &blog.Comment{PostID: p.ID, Status: st, AuthorName: "R", Content: "c", ContentHTML: "c", CreatedAt: at}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		if st == blog.CommentApproved || st == blog.CommentPending {
			shown = append(shown, want{at, c.ID})
		}
	}
	slices.SortFunc(shown, func(a, b want) int {
		if !a.at.Equal(b.at) {
			return b.at.Compare(a.at)
		}
		return int(b.id - a.id)
	})
	f := store.CommentFilter{Statuses: []blog.CommentStatus{blog.CommentPending, blog.CommentApproved}, Limit: 4}
	var got []int64
	for page := 0; ; page++ {
		f.Offset = page * f.Limit
		list, total, err := s.ListComments(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if total != len(shown) {
			t.Fatalf("total %d, want %d", total, len(shown))
		}
		if len(list) == 0 {
			break
		}
		for _, c := range list {
			got = append(got, c.ID)
		}
	}
	var ids []int64
	for _, w := range shown {
		ids = append(ids, w.id)
	}
	if !slices.Equal(got, ids) {
		t.Errorf("pages list %v, want %v", got, ids)
	}
}

// TestCountsKeptPerVersionStayExact: the moderation counts are made once
// per content version, so a change made here, or by another process, shows
// in them as soon as the version moves.
func TestCountsKeptPerVersionStayExact(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	if err := s.WatchContentVersion(ctx, nil); err != nil {
		t.Fatal(err)
	}
	other := openAgain(t, s)
	p := newPost("Counted")
	if _, err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	add := func(st *store.Store, status blog.CommentStatus) *blog.Comment {
		t.Helper()
		c := &blog.Comment{PostID: p.ID, Status: status, AuthorName: "R", Content: "c", ContentHTML: "c"}
		if err := st.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	pendingCount := func() (int, int) {
		t.Helper()
		counts, err := s.ModerationStatusCounts(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, total, err := s.ListComments(ctx, store.CommentFilter{Statuses: []blog.CommentStatus{blog.CommentPending}})
		if err != nil {
			t.Fatal(err)
		}
		return counts[blog.CommentPending], total
	}
	c := add(s, blog.CommentPending)
	if n, total := pendingCount(); n != 1 || total != 1 {
		t.Fatalf("pending %d, listed %d; want 1", n, total)
	}
	// Asked again: the same (kept), and the caller may change its map.
	counts, _ := s.ModerationStatusCounts(ctx, 0)
	counts[blog.CommentPending] = 99
	if n, _ := pendingCount(); n != 1 {
		t.Fatalf("a caller's change to the counts leaked into the kept ones: %d", n)
	}
	// This process's change: at once.
	if _, err := s.SetCommentStatus(ctx, blog.CommentApproved, c.ID); err != nil {
		t.Fatal(err)
	}
	if n, total := pendingCount(); n != 0 || total != 0 {
		t.Fatalf("after approving: pending %d, listed %d; want 0", n, total)
	}
	// Another process's: once its version is seen (polled up to 1 s).
	add(other, blog.CommentPending)
	for deadline := time.Now().Add(time.Second); ; time.Sleep(5 * time.Millisecond) {
		n, total := pendingCount()
		if n == 1 && total == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("another process's comment: pending %d, listed %d; want 1", n, total)
		}
	}
	// Inside a transaction, counts see the transaction's own writes.
	err := s.InTx(ctx, func(tx *store.Store) error {
		add(tx, blog.CommentPending)
		counts, err := tx.ModerationStatusCounts(ctx, 0)
		if err != nil {
			return err
		}
		if counts[blog.CommentPending] != 2 {
			t.Errorf("inside the transaction: pending %d, want 2", counts[blog.CommentPending])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPostsVersionKeptAcrossComments: the posts version stays the same
// across a change to comments alone and moves with any other change, made
// here or by another process, though it is read once per content version.
func TestPostsVersionKeptAcrossComments(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	if err := s.WatchContentVersion(ctx, nil); err != nil {
		t.Fatal(err)
	}
	other := openAgain(t, s)
	pv := func() int64 {
		t.Helper()
		v, err := s.PostsVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	p := newPost("Versioned")
	if _, err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	before := pv()
	c := &blog.Comment{PostID: p.ID, Status: blog.CommentApproved, AuthorName: "R", Content: "c", ContentHTML: "c"}
	if err := s.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got := pv(); got != before {
		t.Fatalf("a comment moved the posts version: %d → %d", before, got)
	}
	// This process's post change: at once.
	p.Title = "Versioned again"
	if _, err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	after := pv()
	if after == before {
		t.Fatalf("a post change kept the posts version %d", after)
	}
	// Another process's: once its content version is seen (polled up to 1 s).
	if err := other.BumpContentVersion(ctx); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Second); pv() == after; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("another process's change kept the posts version %d", after)
		}
	}
	// Inside a transaction: the transaction's own view.
	err := s.InTx(ctx, func(tx *store.Store) error {
		v0, err := tx.PostsVersion(ctx)
		if err != nil {
			return err
		}
		p.Title = "Versioned in a transaction"
		if _, err := tx.SavePost(ctx, p); err != nil {
			return err
		}
		v1, err := tx.PostsVersion(ctx)
		if err != nil {
			return err
		}
		if v1 != v0+1 {
			t.Errorf("inside the transaction: posts version %d then %d", v0, v1)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
