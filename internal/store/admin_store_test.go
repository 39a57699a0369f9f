package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store/storetest"
)

func TestRateRetryAfter(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	if d, err := st.RateRetryAfter(ctx, "b", 2, time.Hour); err != nil || d != 0 {
		t.Fatalf("empty bucket: %v, %v", d, err)
	}
	for i := 0; i < 2; i++ {
		if ok, err := st.Allow(ctx, "b", 2, time.Hour); err != nil || !ok {
			t.Fatalf("attempt %d refused: %v", i, err)
		}
	}
	if ok, _ := st.Allow(ctx, "b", 2, time.Hour); ok {
		t.Fatal("third attempt allowed")
	}
	d, err := st.RateRetryAfter(ctx, "b", 2, time.Hour)
	if err != nil || d <= 58*time.Minute || d > time.Hour {
		t.Fatalf("retry after %v, %v; want about an hour", d, err)
	}
}

func TestPostStatusCountsAndMediaAlt(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	for _, s := range []blog.Status{blog.StatusDraft, blog.StatusDraft, blog.StatusPublished} {
		p := &blog.Post{Type: blog.TypePost, Status: s, Title: "T " + string(s)}
		if _, err := st.SavePost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	c, err := st.PostStatusCounts(ctx, blog.TypePost, 0)
	if err != nil || c[blog.StatusDraft] != 2 || c[blog.StatusPublished] != 1 {
		t.Fatalf("counts %v, %v", c, err)
	}
	if c, _ := st.PostStatusCounts(ctx, blog.TypePage, 0); len(c) != 0 {
		t.Fatalf("page counts %v", c)
	}
	if err := st.SetMediaAlt(ctx, 42, "x"); err == nil {
		t.Fatal("alt of a missing image saved")
	}
	if n, err := st.CountMedia(ctx); err != nil || n != 0 {
		t.Fatalf("count media %d, %v", n, err)
	}
}
