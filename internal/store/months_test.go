package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// TestMonthsInZone: the archive's months agree with each post's month as
// time.In gives it, for posts a second either side of month boundaries,
// across daylight saving changes, and where midnight on the 1st does not
// exist (Paraguay moved its clocks from 00:00 to 01:00 on 1 October 2017).
// Posts after now and drafts are not counted.
func TestMonthsInZone(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	var stamps []int64
	for _, zone := range []string{"America/Asuncion", "America/Chicago", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Skip("no time zone data:", err)
		}
		for _, d := range [][2]int{{2017, 10}, {2017, 11}, {2018, 3}, {2018, 4}, {2019, 1}} {
			b := time.Date(d[0], time.Month(d[1]), 1, 0, 0, 0, 0, loc).Unix()
			for _, off := range []int64{-3601, -1, 0, 1, 3599, 3601} {
				stamps = append(stamps, b+off)
			}
		}
	}
	slices.Sort(stamps)
	stamps = slices.Compact(stamps)
	for i, ts := range stamps {
		p := newPost(fmt.Sprintf("Post %d", i))
		p.PublishedAt = time.Unix(ts, 0).UTC()
		if _, err := s.SavePost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2018, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, p := range []*blog.Post{newPost("Draft"), newPost("Later")} {
		p.PublishedAt = time.Date(2018, 6, 1, 0, 0, 0, 0, time.UTC)
		if p.Title == "Draft" {
			p.Status = blog.StatusDraft
		} else {
			p.PublishedAt = now.Add(time.Hour)
		}
		if _, err := s.SavePost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, zone := range []string{"America/Asuncion", "America/Chicago", "Asia/Kolkata", "UTC"} {
		loc, _ := time.LoadLocation(zone)
		var want []store.Month
		for i := len(stamps) - 1; i >= 0; i-- {
			if stamps[i] > now.Unix() {
				continue
			}
			lt := time.Unix(stamps[i], 0).In(loc)
			if n := len(want); n > 0 && want[n-1].Year == lt.Year() && want[n-1].Month == int(lt.Month()) {
				want[n-1].Count++
				continue
			}
			want = append(want, store.Month{Year: lt.Year(), Month: int(lt.Month()), Count: 1})
		}
		got, err := s.Months(ctx, now, loc)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: months\n got %v\nwant %v", zone, got, want)
		}
	}
	// No post yet visible: no months.
	if got, err := s.Months(ctx, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC); err != nil || len(got) != 0 {
		t.Errorf("before every post: %v, %v", got, err)
	}
}
