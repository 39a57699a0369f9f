// Package send tells other sites when a post links to them: for every
// absolute link in a published post, a durable job discovers the page's
// Webmention endpoint (else its Pingback server) and notifies it, and
// trackbacks go to the addresses the author typed. Links removed by an
// update, and every link of a post unpublished, trashed or deleted, are
// sent again, so receivers can drop them.
//
// The jobs are written in the transaction that changes the post (Sender's
// PostChanged and PostDeleting), carry only IDs and the target, and build
// the source URL when they run, from the serving process's base URL. Every
// request goes through safehttp, within a per-host fetch budget counted in
// the database; pages on this site are not pinged unless the self-pings
// setting says so.
package send

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/safehttp"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Default fetch budget: requests to one host per window, counted across
// every instance.
const (
	DefaultBudget       = 10
	DefaultBudgetWindow = time.Minute
)

// Queue writes linkback jobs in the transaction of tx.
type Queue interface {
	SendLinkbacks(ctx context.Context, tx *store.Store, jobs ...jobs.LinkbackJob) error
}

// Sender writes linkback jobs when posts change and, in the process that
// works the queue, sends what they name (it is the queue's
// jobs.LinkbackSender).
type Sender struct {
	Store *store.Store
	// Site gives the settings in effect: the base URL the source URL is
	// built from, whether pings are sent, self-pings.
	Site *site.Site
	Jobs Queue
	// HTTP makes every request; nil in a process that only writes jobs
	// (the command line).
	HTTP   *safehttp.Client
	Logger *slog.Logger
	Now    func() time.Time
	// Budget requests per host in each BudgetWindow; zero values are the
	// defaults.
	Budget       int
	BudgetWindow time.Duration
}

func (s *Sender) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Sender) log() *slog.Logger {
	if s.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Logger
}

// Public reports whether readers can see p at now, and with it every link
// in its text: published, due, and not behind a password. Only such a
// post's links are announced; a post that stops being public has them
// withdrawn.
func Public(p *blog.Post, now time.Time) bool {
	return p != nil && p.IsPublic(now) && p.Password == ""
}

// Change says what changed about a post, for PostChanged.
type Change struct {
	// Content is set when the post itself changed (its text, status or
	// address): every link of a public post is announced again, as
	// Webmention asks of an update. Unset, only links never tried are.
	Content bool
	// SetTrackbacks replaces the post's trackback addresses with
	// Trackbacks (the editor's "Send trackbacks to"); unset leaves them.
	SetTrackbacks bool
	Trackbacks    []string
}

// PostChanged records, in tx, the outbound links of post postID as it now
// is, and writes the jobs that follow: announcing the links of a public
// post (all of them when its content changed, else the new ones),
// withdrawing links that were announced and are gone (removed from the
// text, or the post no longer public), and the trackbacks not sent yet.
// It is called in the transaction that saves, publishes, unpublishes,
// trashes or restores the post, so the jobs are stored with the change.
func (s *Sender) PostChanged(ctx context.Context, tx *store.Store, postID int64, ch Change) error {
	p, err := tx.Post(ctx, postID)
	if err != nil {
		return fmt.Errorf("send: post changed: %w", err)
	}
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		return fmt.Errorf("send: post changed: %w", err)
	}
	live := Public(p, s.now())
	var targets []string
	for _, u := range BodyLinks(p.BodyHTML) {
		if set.Discussion.SelfPings || !SameSite(u, set.BaseURL) {
			targets = append(targets, u)
		}
	}
	links, err := tx.SyncOutboundLinks(ctx, p.ID, blog.LinkBody, targets)
	if err != nil {
		return err
	}
	var want []blog.OutboundLink
	if set.Discussion.SendPings {
		for _, l := range links {
			fresh := l.Requested == 0
			switch {
			case live && !l.Removed:
				if ch.Content || fresh {
					want = append(want, l)
				}
			case l.Announced || l.Pending():
				// Gone: tell the page, which will find no link (or no
				// post) and drop its mention.
				want = append(want, l)
			}
		}
	}
	var tbs []blog.OutboundLink
	if ch.SetTrackbacks {
		tbs, err = tx.SyncOutboundLinks(ctx, p.ID, blog.LinkTrackback, ch.Trackbacks)
	} else {
		tbs, err = tx.OutboundLinks(ctx, p.ID)
	}
	if err != nil {
		return err
	}
	for _, l := range tbs {
		// A trackback is sent once, when the post is public; one that
		// failed is tried again each time the post is saved.
		if l.Kind == blog.LinkTrackback && live && !l.Removed && !l.Pending() && l.Status != blog.SendSent {
			want = append(want, l)
		}
	}
	return s.request(ctx, tx, want)
}

// Published is PostChanged for a scheduled post whose time came (the
// queue's jobs.Config.Published).
func (s *Sender) Published(ctx context.Context, tx *store.Store, postID int64) error {
	return s.PostChanged(ctx, tx, postID, Change{Content: true})
}

// PostDeleting is called in the transaction that deletes post postID,
// before it does: the links already announced are marked removed, keep
// the post's address, and get jobs telling their pages the post is gone.
func (s *Sender) PostDeleting(ctx context.Context, tx *store.Store, postID int64) error {
	p, err := tx.Post(ctx, postID)
	if err != nil {
		return fmt.Errorf("send: post deleting: %w", err)
	}
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		return fmt.Errorf("send: post deleting: %w", err)
	}
	links, err := tx.DetachOutboundLinks(ctx, p.ID, set.PostPath(p))
	if err != nil {
		return err
	}
	if !set.Discussion.SendPings {
		return nil
	}
	return s.request(ctx, tx, links)
}

// request asks for a send of each link and writes its job.
func (s *Sender) request(ctx context.Context, tx *store.Store, links []blog.OutboundLink) error {
	if len(links) == 0 {
		return nil
	}
	if s.Jobs == nil {
		return fmt.Errorf("send: no job queue to write %d linkback jobs to", len(links))
	}
	js := make([]jobs.LinkbackJob, 0, len(links))
	for _, l := range links {
		if _, err := tx.RequestOutboundSend(ctx, l.ID); err != nil {
			return err
		}
		js = append(js, jobs.LinkbackJob{LinkID: l.ID, PostID: l.PostID, Target: l.Target})
	}
	return s.Jobs.SendLinkbacks(ctx, tx, js...)
}
