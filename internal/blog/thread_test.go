package blog_test

import (
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

// Linkbacks are never threaded: one naming a parent is top-level, and so is
// a comment answering one.
func TestBuildThreadKeepsLinkbacksTopLevel(t *testing.T) {
	list := []blog.Comment{
		{ID: 1},
		{ID: 2, Type: blog.TypePingback, ParentID: 1},
		{ID: 3, ParentID: 2},
		{ID: 4, ParentID: 1},
		{ID: 5, Type: blog.TypeWebmention, MentionKind: blog.MentionReply},
		{ID: 6, ParentID: 5},
	}
	roots := blog.BuildThread(list, 5)
	var top []int64
	for _, n := range roots {
		top = append(top, n.Comment.ID)
		if n.Comment.Type.IsLinkback() && len(n.Replies) > 0 {
			t.Errorf("linkback %d has replies", n.Comment.ID)
		}
	}
	want := []int64{1, 2, 3, 5, 6}
	if len(top) != len(want) {
		t.Fatalf("top level %v, want %v", top, want)
	}
	for i := range want {
		if top[i] != want[i] {
			t.Fatalf("top level %v, want %v", top, want)
		}
	}
	if len(roots[0].Replies) != 1 || roots[0].Replies[0].Comment.ID != 4 {
		t.Errorf("comment 1's replies: %+v", roots[0].Replies)
	}
	if !(&blog.Comment{Type: blog.TypeWebmention, MentionKind: blog.MentionLike}).IsReaction() ||
		(&blog.Comment{Type: blog.TypeWebmention, MentionKind: blog.MentionReply}).IsReaction() ||
		(&blog.Comment{Type: blog.TypePingback, MentionKind: blog.MentionLike}).IsReaction() {
		t.Errorf("IsReaction")
	}
}
