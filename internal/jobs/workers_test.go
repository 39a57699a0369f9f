package jobs

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store/storetest"
)

func TestPublishWorkerOnceAndNotBeforeItsTime(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	w := &publishWorker{st: st, log: slog.New(slog.NewTextHandler(io.Discard, nil))}

	// A post rescheduled to tomorrow: the job for its old time does nothing.
	later := &blog.Post{Type: blog.TypePost, Status: blog.StatusScheduled, Title: "Moved to tomorrow", Body: "x",
		PublishedAt: time.Now().Add(24 * time.Hour)}
	if _, err := st.SavePost(ctx, later); err != nil {
		t.Fatal(err)
	}
	old := &river.Job[publishArgs]{Args: publishArgs{PostID: later.ID, At: time.Now().Add(-time.Minute)}}
	if err := w.Work(ctx, old); err != nil {
		t.Fatal(err)
	}
	if p, _ := st.Post(ctx, later.ID); p.Status != blog.StatusScheduled {
		t.Errorf("status = %s, want still scheduled", p.Status)
	}

	// A due post: published by the first run; a second run changes nothing.
	due := &blog.Post{Type: blog.TypePost, Status: blog.StatusScheduled, Title: "Due now", Body: "x",
		PublishedAt: time.Now().Add(-time.Second)}
	if _, err := st.SavePost(ctx, due); err != nil {
		t.Fatal(err)
	}
	job := &river.Job[publishArgs]{Args: publishArgs{PostID: due.ID, At: due.PublishedAt}}
	if err := w.Work(ctx, job); err != nil {
		t.Fatal(err)
	}
	p, err := st.Post(ctx, due.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != blog.StatusPublished {
		t.Fatalf("status = %s, want published", p.Status)
	}
	v1, _ := st.ContentVersion(ctx)
	if err := w.Work(ctx, job); err != nil {
		t.Fatal(err)
	}
	p2, _ := st.Post(ctx, due.ID)
	v2, _ := st.ContentVersion(ctx)
	if p2.Status != blog.StatusPublished || !p2.UpdatedAt.Equal(p.UpdatedAt) || v2 != v1 {
		t.Errorf("second run changed something: status %s, updated %v→%v, version %d→%d",
			p2.Status, p.UpdatedAt, p2.UpdatedAt, v1, v2)
	}

	// A post that no longer exists is no error: there is nothing to do.
	if err := w.Work(ctx, &river.Job[publishArgs]{Args: publishArgs{PostID: 999999}}); err != nil {
		t.Errorf("missing post: %v", err)
	}
}
