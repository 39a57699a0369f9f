package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail"
)

func TestReenqueueCopiesWaitingJobs(t *testing.T) {
	ctx := context.Background()
	src, dst := migrated(t), migrated(t)
	from, err := jobs.New(jobs.Config{Store: src})
	if err != nil {
		t.Fatal(err)
	}
	defer from.Stop(ctx)
	at := time.Now().Add(time.Hour)
	if err := from.SchedulePublish(ctx, src, 5, at); err != nil {
		t.Fatal(err)
	}
	if err := from.Send(ctx, mail.Message{To: "reader@example.org", Subject: "Confirm", Text: "x", Key: "confirm:5"}); err != nil {
		t.Fatal(err)
	}
	if err := from.Mail(ctx, src, jobs.MailJob{Mail: "comment_followup", CommentID: 3, SubscriptionID: 4, Key: "followup:3:4"}); err != nil {
		t.Fatal(err)
	}
	to, err := jobs.New(jobs.Config{Store: dst})
	if err != nil {
		t.Fatal(err)
	}
	defer to.Stop(ctx)
	if err := to.SchedulePublish(ctx, dst, 99, at); err != nil { // the target's own, replaced by the copy
		t.Fatal(err)
	}

	n, err := jobs.Reenqueue(ctx, src, dst, true)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("re-enqueued %d jobs, want 3", n)
	}
	if got := jobStates(t, dst, jobs.KindPublishPost); got["scheduled"] != 1 || len(got) != 1 {
		t.Errorf("publish jobs in the target: %v, want the one copied", got)
	}
	if got := jobStates(t, dst, jobs.KindSendMail); got["available"] != 1 || len(got) != 1 {
		t.Errorf("mail jobs in the target: %v", got)
	}
	if got := jobStates(t, dst, jobs.KindMail); got["available"] != 1 || len(got) != 1 {
		t.Errorf("mail jobs by ID in the target: %v", got)
	}
	// The copied job is the source's: scheduling post 5 at the same time in
	// the target adds nothing, while post 99's job is gone.
	if err := to.SchedulePublish(ctx, dst, 5, at); err != nil {
		t.Fatal(err)
	}
	if got := jobStates(t, dst, jobs.KindPublishPost); got["scheduled"] != 1 {
		t.Errorf("publish jobs after scheduling the copied one again: %v", got)
	}

	// Running it again does not duplicate the waiting jobs.
	if _, err := jobs.Reenqueue(ctx, src, dst, false); err != nil {
		t.Fatal(err)
	}
	if got := jobStates(t, dst, jobs.KindSendMail); got["available"] != 1 {
		t.Errorf("mail jobs after a second copy: %v", got)
	}
	if got := jobStates(t, dst, jobs.KindMail); got["available"] != 1 {
		t.Errorf("mail jobs by ID after a second copy: %v", got)
	}
	// The source is left as it was.
	if got := jobStates(t, src, jobs.KindPublishPost); got["scheduled"] != 1 {
		t.Errorf("source publish jobs: %v", got)
	}
}
