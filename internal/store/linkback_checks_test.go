package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store/storetest"
)

// TestLinkbackChecks checks the verdicts kept per source and target:
// replaced when checked again, gone a day later.
func TestLinkbackChecks(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	src, tgt := "https://a.example/p", "https://blog.example/2011/01/05/x/"
	if _, err := s.LinkbackCheck(ctx, src, tgt); !errors.Is(err, blog.ErrNotFound) {
		t.Fatalf("no check yet: %v", err)
	}
	at := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := s.SetLinkbackCheck(ctx, src, tgt, "no-link", at); err != nil {
		t.Fatal(err)
	}
	if err := s.SetLinkbackCheck(ctx, src, tgt, "linked", at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	c, err := s.LinkbackCheck(ctx, src, tgt)
	if err != nil || c.Verdict != "linked" || !c.CheckedAt.Equal(at.Add(time.Minute)) {
		t.Fatalf("check %+v %v", c, err)
	}
	if err := s.DeleteExpired(ctx, time.Now().Add(25*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LinkbackCheck(ctx, src, tgt); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a check a day old was kept: %v", err)
	}
}

// TestApprovedLinkbackFromHost checks that a host is trusted by its
// approved linkbacks only, matched whole (scheme aside, port included).
func TestApprovedLinkbackFromHost(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p := newPost("Linked")
	if _, err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	add := func(source string, st blog.CommentStatus, typ blog.CommentType) {
		t.Helper()
		c := &blog.Comment{PostID: p.ID, Type: typ, Status: st, AuthorName: "x", SourceURL: source, AuthorURL: source}
		if typ == blog.TypeComment {
			c.SourceURL = ""
		}
		if err := s.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	add("https://trusted.example/a", blog.CommentApproved, blog.TypePingback)
	add("http://held.example/a", blog.CommentPending, blog.TypeWebmention)
	add("https://port.example:8443/a", blog.CommentApproved, blog.TypeTrackback)
	add("https://commenter.example/", blog.CommentApproved, blog.TypeComment)
	for host, want := range map[string]bool{
		"trusted.example": true, "held.example": false, "port.example:8443": true, "port.example": false,
		"trusted.example.evil.example": false, "commenter.example": false, "": false,
	} {
		got, err := s.ApprovedLinkbackFromHost(ctx, host)
		if err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", host, got, err, want)
		}
	}
}
