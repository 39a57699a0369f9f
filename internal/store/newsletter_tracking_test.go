package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store/storetest"
)

// TestTrackingOncePerSubscriber: opens count once per subscriber and
// issue, clicks once per subscriber and link, only for someone the issue
// was sent to; erasing a subscriber or deleting the issue takes their
// rows with them.
func TestTrackingOncePerSubscriber(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	a := addSubscriber(t, s, "a@example.com", blog.SubscriberActive, now)
	b := addSubscriber(t, s, "b@example.com", blog.SubscriberActive, now)
	late := addSubscriber(t, s, "late@example.com", blog.SubscriberPending, now)
	is := &blog.Issue{Subject: "Tip", Body: "x", BodyHTML: "<p>x</p>", Status: blog.IssueSending}
	if err := s.CreateIssue(ctx, is); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDeliveries(ctx, is.ID, "example.com", now); err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		first bool
		rec   func() (bool, error)
	}{
		{true, func() (bool, error) { return s.RecordOpen(ctx, is.ID, a.ID, now) }},
		{false, func() (bool, error) { return s.RecordOpen(ctx, is.ID, a.ID, now.Add(time.Hour)) }},
		{true, func() (bool, error) { return s.RecordClick(ctx, is.ID, a.ID, 0, now) }},
		{false, func() (bool, error) { return s.RecordClick(ctx, is.ID, a.ID, 0, now) }},
		{true, func() (bool, error) { return s.RecordClick(ctx, is.ID, a.ID, 1, now) }},
		{true, func() (bool, error) { return s.RecordClick(ctx, is.ID, b.ID, 1, now) }},
		// Not a recipient of the issue: nothing.
		{false, func() (bool, error) { return s.RecordOpen(ctx, is.ID, late.ID, now) }},
		{false, func() (bool, error) { return s.RecordClick(ctx, is.ID, late.ID, 0, now) }},
		{false, func() (bool, error) { return s.RecordOpen(ctx, is.ID+1, a.ID, now) }},
	} {
		if first, err := c.rec(); err != nil || first != c.first {
			t.Errorf("record %d: first %v, %v; want %v", i, first, err, c.first)
		}
	}
	tr, err := s.IssueTracking(ctx, is.ID)
	if err != nil || tr.Opens != 1 || tr.Clickers != 2 || len(tr.LinkClicks) != 2 || tr.LinkClicks[0] != 1 || tr.LinkClicks[1] != 2 {
		t.Fatalf("tracking = %+v, %v", tr, err)
	}
	if err := s.DeleteSubscriber(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if tr, _ = s.IssueTracking(ctx, is.ID); tr.Opens != 0 || tr.Clickers != 1 || tr.LinkClicks[1] != 1 {
		t.Errorf("after erasing a subscriber: %+v", tr)
	}
	if _, err := s.SetIssueStatus(ctx, is.ID, []blog.IssueStatus{blog.IssueSending}, blog.IssueSent, now); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteIssue(ctx, is.ID); err != nil {
		t.Fatal(err)
	}
	if tr, _ = s.IssueTracking(ctx, is.ID); tr.Clickers != 0 {
		t.Errorf("after deleting the issue: %+v", tr)
	}
}
