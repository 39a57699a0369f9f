package linkback

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
)

// VerifyWebmention runs a webmention's job: it fetches the source (within
// its host's budget, and not again within CheckTTL of the last check of
// the same pair: the job then waits) and, by what it finds:
//
//   - a link to the target: the mention is stored (moderated, with its
//     mail, in one transaction), or updated when the source sent it
//     before;
//   - 404 or 410, or no link to the target (or not an HTML page): a
//     mention stored before is removed;
//   - a source that cannot be fetched at all (a refused address, another
//     4xx): nothing changes, and the job ends;
//   - the source's server failing: the job is retried with backoff.
//
// A target that no longer takes linkbacks ends the job with nothing done.
func (r *Receiver) VerifyWebmention(ctx context.Context, j jobs.WebmentionJob) error {
	log := r.log().With("source", j.Source, "target", j.Target, "post", j.PostID)
	source, okS := parseURL(j.Source)
	target, okT := parseURL(j.Target)
	if !okS || !okT {
		return jobs.Drop(fmt.Errorf("linkback: webmention with unusable URLs %q, %q", j.Source, j.Target))
	}
	post, err := r.Store.Post(ctx, j.PostID)
	switch {
	case errors.Is(err, blog.ErrNotFound):
		log.InfoContext(ctx, "webmention dropped: the post is gone")
		return nil
	case err != nil:
		return fmt.Errorf("linkback: webmention: %w", err)
	case !post.IsPublic(r.now()) || post.Type != blog.TypePost || post.PingsClosed:
		log.InfoContext(ctx, "webmention dropped: the post no longer takes linkbacks")
		return nil
	}
	if _, left, err := r.recentCheck(ctx, source, target); err != nil {
		return err
	} else if left > 0 {
		return jobs.Later(left + time.Second)
	}
	c, err := r.check(ctx, source, target)
	if errors.Is(err, errBudget) {
		return jobs.Later(r.limits().FetchWindow)
	}
	if err != nil {
		return err
	}
	switch c.verdict {
	case verdictUpstream:
		return fmt.Errorf("linkback: webmention source %s: %s", j.Source, c.detail)
	case verdictMissing:
		log.InfoContext(ctx, "webmention dropped: the source cannot be fetched", "detail", c.detail)
		return nil
	case verdictGone, verdictNoLink:
		removed, err := r.Store.DeleteLinkback(ctx, post.ID, source.String())
		if err != nil {
			return fmt.Errorf("linkback: webmention: %w", err)
		}
		if removed {
			log.InfoContext(ctx, "webmention removed", "verdict", c.verdict, "detail", c.detail)
		} else {
			log.InfoContext(ctx, "webmention refused", "verdict", c.verdict, "detail", c.detail)
		}
		return nil
	}
	s := sender{IP: j.IP, UserAgent: j.UserAgent, At: time.Unix(j.Received, 0)}
	m, err := webmentionComment(post, source, target, c.page, s)
	if rf, ok := asRefusal(err); ok {
		log.InfoContext(ctx, "webmention refused", "reason", rf.msg)
		return nil
	}
	if err != nil {
		return err
	}
	return r.saveMention(ctx, log, post, m)
}

// saveMention stores a verified mention, or updates the one its source
// sent before (its status stays).
func (r *Receiver) saveMention(ctx context.Context, log *slog.Logger, post *blog.Post, m *blog.Comment) error {
	for range 2 {
		old, err := r.Store.LinkbackBySource(ctx, post.ID, m.SourceURL)
		switch {
		case err == nil:
			m.ID, m.Status = old.ID, old.Status
			if err := r.Store.UpdateLinkback(ctx, m); err != nil {
				return fmt.Errorf("linkback: webmention: %w", err)
			}
			log.InfoContext(ctx, "webmention updated", "comment", m.ID)
			return nil
		case !errors.Is(err, blog.ErrNotFound):
			return fmt.Errorf("linkback: webmention: %w", err)
		}
		err = r.store(ctx, post, m)
		if errors.Is(err, errExists) {
			continue // stored meanwhile: update it
		}
		if rf, ok := asRefusal(err); ok {
			log.InfoContext(ctx, "webmention refused", "reason", rf.msg)
			return nil
		}
		if err != nil {
			return err
		}
		log.InfoContext(ctx, "webmention stored", "comment", m.ID, "status", m.Status)
		return nil
	}
	return errors.New("linkback: webmention: stored and removed meanwhile; trying again")
}
