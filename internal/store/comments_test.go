package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

func TestCommentsThreadAndModeration(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p := newPost("Discussed")
	other := newPost("Elsewhere")
	for _, x := range []*blog.Post{p, other} {
		if _, err := s.SavePost(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	add := func(parent int64, status blog.CommentStatus, email, text string) *blog.Comment {
		t.Helper()
		c := &blog.Comment{PostID: p.ID, ParentID: parent, Status: status, AuthorName: "Ann", AuthorEmail: email,
			AuthorIP: "192.0.2.1", Content: text, ContentHTML: "<p>" + text + "</p>"}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	top := add(0, blog.CommentApproved, "Ann@Example.com", "First")
	reply := add(top.ID, blog.CommentApproved, "bob@example.com", "Reply")
	held := add(0, blog.CommentPending, "carl@example.com", "Held")

	// Replies only to approved comments of the same post.
	bad := &blog.Comment{PostID: p.ID, ParentID: held.ID, Status: blog.CommentApproved, Content: "x"}
	if _, ok := blog.AsValidation(s.CreateComment(ctx, bad)); !ok {
		t.Error("reply to a held comment accepted")
	}
	bad = &blog.Comment{PostID: other.ID, ParentID: top.ID, Status: blog.CommentApproved, Content: "x"}
	if _, ok := blog.AsValidation(s.CreateComment(ctx, bad)); !ok {
		t.Error("reply to another post's comment accepted")
	}

	list, err := s.PostComments(ctx, p.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("approved comments: %d, %v", len(list), err)
	}
	counts, _ := s.CommentCounts(ctx, []int64{p.ID, other.ID})
	if counts[p.ID] != 2 || counts[other.ID] != 0 {
		t.Errorf("counts: %v", counts)
	}
	if dup, _ := s.DuplicateComment(ctx, p.ID, "Ann", "ann@example.com", "First"); !dup {
		t.Error("duplicate not found")
	}
	if ok, _ := s.HasApprovedComment(ctx, "Ann", "ANN@example.com"); !ok {
		t.Error("previously approved author not found")
	}
	if at, _ := s.LastCommentAt(ctx, "192.0.2.1", ""); at.IsZero() {
		t.Error("flood check found nothing")
	}
	if _, total, _ := s.ListComments(ctx, store.CommentFilter{Search: "carl@"}); total != 1 {
		t.Errorf("search by email: %d", total)
	}

	// Deleting a comment moves its replies up.
	if n, err := s.DeleteComments(ctx, top.ID); n != 1 || err != nil {
		t.Fatalf("delete: %d %v", n, err)
	}
	got, err := s.Comment(ctx, reply.ID)
	if err != nil || got.ParentID != 0 {
		t.Errorf("reply after its parent's deletion: %+v %v", got, err)
	}
	if n, _ := s.SetCommentStatus(ctx, blog.CommentSpam, held.ID, 99999); n != 1 {
		t.Errorf("set status changed %d", n)
	}
	if n, _ := s.AnonymizeCommentsByEmail(ctx, "bob@example.com"); n != 1 {
		t.Errorf("anonymized %d", n)
	}
	got, _ = s.Comment(ctx, reply.ID)
	if got.AuthorName != "Anonymous" || got.AuthorEmail != "" || got.AuthorIP != "" || got.Content != "Reply" {
		t.Errorf("anonymized comment: %+v", got)
	}
	if n, _ := s.ForgetCommentIPs(ctx, time.Now().Add(time.Hour)); n != 1 {
		t.Errorf("forgot %d IPs", n)
	}
}

func TestBuildThreadDepth(t *testing.T) {
	cs := []blog.Comment{{ID: 1}, {ID: 2, ParentID: 1}, {ID: 3, ParentID: 2}, {ID: 4, ParentID: 3}, {ID: 5, ParentID: 42}}
	roots := blog.BuildThread(cs, 2)
	if len(roots) != 2 || roots[0].Comment.ID != 1 || roots[1].Comment.ID != 5 {
		t.Fatalf("roots: %+v", roots)
	}
	// 3 and 4 are deeper than 2: they sit beside 2 under 1.
	if n := len(roots[0].Replies); n != 3 {
		t.Fatalf("replies of 1: %d", n)
	}
	for _, r := range roots[0].Replies {
		if r.Depth != 2 {
			t.Errorf("comment %d at depth %d", r.Comment.ID, r.Depth)
		}
	}
}

func TestRestoreCommentToItsEarlierStatus(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p := newPost("Trash and back")
	if _, err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	ids := map[blog.CommentStatus]int64{}
	for _, st := range []blog.CommentStatus{blog.CommentApproved, blog.CommentPending, blog.CommentSpam} {
		c := &blog.Comment{PostID: p.ID, Status: st, AuthorName: "A", Content: string(st), ContentHTML: string(st)}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids[st] = c.ID
	}
	for st, id := range ids {
		if _, err := s.SetCommentStatus(ctx, blog.CommentTrash, id); err != nil {
			t.Fatal(err)
		}
		s.SetCommentStatus(ctx, blog.CommentTrash, id) // trashing twice keeps the first memory
		if n, err := s.RestoreComments(ctx, id); n != 1 || err != nil {
			t.Fatalf("restore: %d %v", n, err)
		}
		if c, _ := s.Comment(ctx, id); c.Status != st {
			t.Errorf("restored to %s, want %s", c.Status, st)
		}
	}
	if n, _ := s.RestoreComments(ctx, ids[blog.CommentApproved]); n != 0 {
		t.Error("restored a comment that was not in the trash")
	}
}
