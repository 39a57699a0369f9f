package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// KindForgetCommentIPs is the daily job that clears commenters' IP
// addresses once the site's retention period has passed.
const KindForgetCommentIPs = "forget_comment_ips"

// DefaultForgetIPsInterval is how often old commenters' IP addresses are
// cleared.
const DefaultForgetIPsInterval = 24 * time.Hour

// addCommentJobs registers the comment jobs' workers and their periodic
// runs.
func addCommentJobs(workers *river.Workers, periodic []*river.PeriodicJob, c Config, log *slog.Logger) []*river.PeriodicJob {
	s := c.Site
	if s == nil {
		// Overrides only change the base URL and sender; the discussion
		// settings this job reads are the stored ones either way.
		s = site.New(c.Store, site.Overrides{})
	}
	river.AddWorker(workers, &forgetIPsWorker{st: c.Store, site: s, log: log})
	if d := or(c.ForgetIPsInterval, DefaultForgetIPsInterval); d > 0 {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(d),
			func() (river.JobArgs, *river.InsertOpts) { return forgetIPsArgs{}, nil },
			&river.PeriodicJobOpts{ID: KindForgetCommentIPs, RunOnStart: true}))
	}
	return periodic
}

// forgetIPsArgs clears the IP address of comments older than the site's
// retention period (Settings.Discussion.IPRetentionDays): addresses are
// kept for moderation only.
type forgetIPsArgs struct{}

func (forgetIPsArgs) Kind() string { return KindForgetCommentIPs }

type forgetIPsWorker struct {
	river.WorkerDefaults[forgetIPsArgs]
	st   *store.Store
	site *site.Site
	log  *slog.Logger
}

func (w *forgetIPsWorker) Work(ctx context.Context, _ *river.Job[forgetIPsArgs]) error {
	set, _, err := w.site.Current(ctx)
	if err != nil {
		return fmt.Errorf("jobs: forget comment IPs: %w", err)
	}
	days := set.Discussion.IPRetentionDays
	if days <= 0 {
		return nil
	}
	n, err := w.st.ForgetCommentIPs(ctx, time.Now().AddDate(0, 0, -days))
	if err != nil {
		return fmt.Errorf("jobs: forget comment IPs: %w", err)
	}
	if n > 0 {
		w.log.InfoContext(ctx, "cleared old commenters' IP addresses", "comments", n, "older_than_days", days)
	}
	return nil
}
