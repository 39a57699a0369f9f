package newsletter

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// WeeklyPlan is what the next weekly slot will send, as the author's
// dashboard tells it. The delivery engine decides at the slot itself, by
// the same rule: the next tip in the queue, else a digest of the posts
// published since the last issue, else nothing.
type WeeklyPlan struct {
	// Off is true when the weekly send is turned off; nothing else is
	// set then.
	Off bool
	// At is the next slot, in Loc (the send's time zone).
	At  time.Time
	Loc *time.Location
	// Tip is the issue at the head of the tip queue (nil: the queue is
	// empty), and Queue how many wait in it.
	Tip   *blog.Issue
	Queue int
	// Posts is how many posts were published since Since (the last
	// issue's start, else a week before At): the digest's, when the queue
	// is empty.
	Posts int
	Since time.Time
}

// Digest reports whether the slot will send a digest of new posts.
func (p WeeklyPlan) Digest() bool { return !p.Off && p.Tip == nil && p.Posts > 0 }

// Nothing reports whether the slot will send nothing: the queue is empty
// and no post was published since the last issue.
func (p WeeklyPlan) Nothing() bool { return !p.Off && p.Tip == nil && p.Posts == 0 }

// NextWeekly says when the next weekly slot after now is and what it will
// send if nothing changes before then.
func (s *Service) NextWeekly(ctx context.Context, now time.Time) (WeeklyPlan, error) {
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		return WeeklyPlan{}, fmt.Errorf("newsletter: settings: %w", err)
	}
	n := set.Newsletter
	if !n.Weekly {
		return WeeklyPlan{Off: true}, nil
	}
	plan := WeeklyPlan{Loc: n.Location(set.Loc)}
	plan.At = n.NextSend(now, plan.Loc)
	queue, err := s.Store.TipQueue(ctx)
	if err != nil {
		return WeeklyPlan{}, wrap(err)
	}
	if plan.Queue = len(queue); len(queue) > 0 {
		plan.Tip = &queue[0]
		return plan, nil
	}
	plan.Since = plan.At.AddDate(0, 0, -7)
	last, err := s.Store.LastSentIssue(ctx)
	switch {
	case err == nil && !last.StartedAt.IsZero():
		plan.Since = last.StartedAt
	case err != nil && !errors.Is(err, blog.ErrNotFound):
		return WeeklyPlan{}, wrap(err)
	}
	_, total, err := s.Store.ListPosts(ctx, blog.PostFilter{Type: blog.TypePost, Now: now, From: plan.Since, Limit: 1})
	if err != nil {
		return WeeklyPlan{}, wrap(err)
	}
	plan.Posts = total
	return plan, nil
}
