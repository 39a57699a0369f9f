package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// Counts, recent comments and filters treat linkbacks as WordPress does:
// pingbacks, trackbacks and webmentions are comments, likes and reposts
// are not counted; erasing by email never reaches a linkback.
func TestLinkbacksCountedFilteredAndErased(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p := newPost("Linked to")
	if _, err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	add := func(c blog.Comment) *blog.Comment {
		t.Helper()
		at = at.Add(time.Minute)
		c.PostID, c.CreatedAt = p.ID, at
		if c.Status == "" {
			c.Status = blog.CommentApproved
		}
		if err := s.CreateComment(ctx, &c); err != nil {
			t.Fatal(err)
		}
		return &c
	}
	reader := add(blog.Comment{AuthorName: "Rita", AuthorEmail: "rita@example.org", AuthorPhoto: "", Content: "Hi."})
	ping := add(blog.Comment{Type: blog.TypePingback, AuthorName: "A page", AuthorURL: "https://a.example/",
		SourceURL: "https://a.example/", Content: "[…] x […]"})
	track := add(blog.Comment{Type: blog.TypeTrackback, AuthorName: "A blog", SourceURL: "https://b.example/"})
	reply := add(blog.Comment{Type: blog.TypeWebmention, MentionKind: blog.MentionReply, AuthorName: "Jane",
		SourceURL: "https://c.example/", AuthorPhoto: "https://c.example/me.jpg"})
	like := add(blog.Comment{Type: blog.TypeWebmention, MentionKind: blog.MentionLike, SourceURL: "https://d.example/"})
	add(blog.Comment{Type: blog.TypeWebmention, MentionKind: blog.MentionRepost, SourceURL: "https://e.example/"})
	add(blog.Comment{Type: blog.TypePingback, SourceURL: "https://f.example/", Status: blog.CommentPending})

	counts, err := s.CommentCounts(ctx, []int64{p.ID})
	if err != nil {
		t.Fatal(err)
	}
	if counts[p.ID] != 4 {
		t.Errorf("count %d, want 4 (a comment, a pingback, a trackback, a reply)", counts[p.ID])
	}
	recent, err := s.RecentComments(ctx, 10, at.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range recent {
		ids = append(ids, c.ID)
	}
	if want := []int64{reply.ID, track.ID, ping.ID, reader.ID}; !equalIDs(ids, want) {
		t.Errorf("recent comments %v, want %v (no likes, reposts or held)", ids, want)
	}

	list, total, err := s.ListComments(ctx, store.CommentFilter{
		Types: []blog.CommentType{blog.TypePingback, blog.TypeTrackback, blog.TypeWebmention}})
	if err != nil {
		t.Fatal(err)
	}
	if total != 6 || len(list) != 6 {
		t.Errorf("pings: %d of %d, want 6", len(list), total)
	}
	list, total, err = s.ListComments(ctx, store.CommentFilter{Types: []blog.CommentType{blog.TypeWebmention},
		Statuses: []blog.CommentStatus{blog.CommentApproved}})
	if err != nil || total != 3 {
		t.Errorf("approved webmentions: %d (%v)", total, err)
	}
	list, _, err = s.ListComments(ctx, store.CommentFilter{Type: blog.TypeComment})
	if err != nil || len(list) != 1 || list[0].ID != reader.ID {
		t.Errorf("comments only: %+v %v", list, err)
	}

	// An erase by email reaches the reader's comment only; an empty
	// address matches nothing, though every linkback has none.
	for _, email := range []string{"", "  "} {
		if n, err := s.AnonymizeCommentsByEmail(ctx, email); err != nil || n != 0 {
			t.Errorf("anonymize %q: %d %v", email, n, err)
		}
		if n, err := s.DeleteCommentsByEmail(ctx, email); err != nil || n != 0 {
			t.Errorf("delete %q: %d %v", email, n, err)
		}
	}
	if n, err := s.AnonymizeCommentsByEmail(ctx, "RITA@example.org"); err != nil || n != 1 {
		t.Errorf("anonymize: %d %v", n, err)
	}
	for _, c := range []*blog.Comment{ping, track, reply, like} {
		got, err := s.Comment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.AuthorName != c.AuthorName || got.SourceURL != c.SourceURL || got.AuthorPhoto != c.AuthorPhoto {
			t.Errorf("linkback %d changed by an erase: %+v", c.ID, got)
		}
	}
	if got, _ := s.Comment(ctx, reader.ID); got.AuthorName != "Anonymous" || got.AuthorEmail != "" {
		t.Errorf("reader's comment: %+v", got)
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
