package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/site"
)

func TestOldCommentIPsAreForgotten(t *testing.T) {
	st := migrated(t)
	ctx := context.Background()
	if err := st.SaveSettings(ctx, map[string]string{site.KeyCommentIPDays: "30"}); err != nil {
		t.Fatal(err)
	}
	p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: "Discussed", Body: "Text.",
		PublishedAt: time.Now().AddDate(0, -6, 0)}
	if _, err := st.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	add := func(age time.Duration) *blog.Comment {
		c := &blog.Comment{PostID: p.ID, Status: blog.CommentApproved, AuthorName: "Ann", AuthorEmail: "ann@example.org",
			AuthorIP: "192.0.2.9", Content: "Hi", ContentHTML: "<p>Hi</p>", CreatedAt: time.Now().Add(-age)}
		if err := st.CreateComment(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	old := add(31 * 24 * time.Hour)
	recent := add(29 * 24 * time.Hour)

	c := testConfig(st, &countingSender{})
	c.Site = site.New(st, site.Overrides{})
	c.ForgetIPsInterval = time.Hour // and once at start
	startQueue(t, c)
	waitFor(t, "the IP job to run", func() bool { return jobStates(t, st, jobs.KindForgetCommentIPs)["completed"] >= 1 })

	ip := func(c *blog.Comment) string {
		got, err := st.Comment(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.AuthorIP
	}
	if got := ip(old); got != "" {
		t.Errorf("IP of a comment older than 30 days = %q, want cleared", got)
	}
	if got := ip(recent); got != "192.0.2.9" {
		t.Errorf("IP of a comment younger than 30 days = %q, want kept", got)
	}
}
