package send

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/safehttp"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/xmlrpc"
)

// BudgetBucket is the rate-limit bucket (store.Allow) that counts
// requests to host (a URL's host, with its port when it has one). It is
// the bucket the linkback receiver counts its source fetches in, so a host
// gets one budget however Quire comes to fetch it.
func BudgetBucket(host string) string { return "linkback-fetch:" + strings.ToLower(host) }

// result is what one send came to.
type result struct {
	protocol, endpoint string
	status             blog.SendStatus
	detail             string
	announced          bool
	// quiet: nothing was tried and the last result stands.
	quiet bool
	// err: failed in a way worth trying again.
	err error
	// snooze: the fetch budget is spent; try again after it.
	snooze time.Duration
}

// SendLinkback does what a linkback job names (jobs.LinkbackSender): it
// reads the link and its post as they are now, builds the source URL from
// this process's base URL, and announces the link, withdraws it, or sends
// the trackback; then it records the result on the link. A send asked for
// again while this one ran makes the job run once more.
func (s *Sender) SendLinkback(ctx context.Context, j jobs.LinkbackJob, attempt, maxAttempts int) error {
	l, err := s.Store.OutboundLink(ctx, j.LinkID)
	if errors.Is(err, blog.ErrNotFound) {
		return nil // the post was deleted with nothing left to tell
	}
	if err != nil {
		return err
	}
	if l.Target != j.Target {
		return nil // another link now has this row's number
	}
	gen := l.Requested
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		return err
	}
	var p *blog.Post
	path := l.SourcePath
	if l.PostID != 0 {
		p, err = s.Store.Post(ctx, l.PostID)
		if err != nil && !errors.Is(err, blog.ErrNotFound) {
			return err
		}
		if p != nil {
			path = set.PostPath(p)
		}
	}
	r := s.send(ctx, set, l, p, set.Abs(path))
	if r.snooze > 0 {
		return jobs.RetryLater(r.snooze)
	}
	if r.err != nil {
		r.detail = r.err.Error()
		if attempt < maxAttempts {
			l.Protocol, l.Endpoint, l.Status, l.ResultAt = r.protocol, r.endpoint, blog.SendRetrying, s.now()
			l.Detail = fmt.Sprintf("Attempt %d of %d failed: %s. Trying again later.", attempt, maxAttempts, r.detail)
			if err := s.Store.NoteOutboundAttempt(ctx, l); err != nil {
				s.log().ErrorContext(ctx, "linkback: could not record an attempt", "link", l.ID, "err", err)
			}
			return fmt.Errorf("send: %s: %w", l.Target, r.err)
		}
		r.status, r.detail = blog.SendFailed, fmt.Sprintf("Failed %d times: %s.", maxAttempts, r.detail)
	}
	if !r.quiet {
		l.Protocol, l.Endpoint, l.Status, l.Detail, l.Announced = r.protocol, r.endpoint, r.status, r.detail, r.announced
		l.ResultAt = s.now()
	}
	l.Done = gen
	again, err := s.Store.FinishOutboundSend(ctx, l)
	if err != nil {
		return err
	}
	if !r.quiet {
		s.log().InfoContext(ctx, "linkback sent", "link", l.ID, "target", l.Target, "protocol", r.protocol,
			"status", r.status, "detail", r.detail)
	}
	if again {
		return jobs.RetryLater(time.Millisecond)
	}
	return nil
}

// send makes the one send l needs now.
func (s *Sender) send(ctx context.Context, set *site.Settings, l *blog.OutboundLink, p *blog.Post, source string) result {
	live := Public(p, s.now()) && !l.Removed
	if !set.Discussion.SelfPings && SameSite(l.Target, set.BaseURL) {
		return result{status: blog.SendSkipped, detail: "Not sent: the link is to this site, and self-pings are off in the discussion settings."}
	}
	if l.Kind == blog.LinkTrackback {
		if !live || l.Status == blog.SendSent {
			return result{quiet: true, announced: l.Announced}
		}
		return s.trackback(ctx, set, l, p, source)
	}
	if !set.Discussion.SendPings {
		return result{status: blog.SendSkipped, announced: l.Announced,
			detail: "Not sent: notifying linked sites is off in the discussion settings."}
	}
	if !live && !l.Announced {
		return result{quiet: true} // never announced: nothing to withdraw
	}
	if s.HTTP == nil {
		return result{err: errors.New("this process does not send linkbacks")}
	}
	if d := s.spent(ctx, l.Target); d > 0 {
		return result{snooze: d}
	}
	ep, err := Discover(ctx, s.HTTP, l.Target)
	if err != nil {
		return failure(result{announced: l.Announced && live}, "could not read the page", err)
	}
	switch ep.Protocol {
	case blog.ProtocolWebmention:
		if d := s.spentOther(ctx, l.Target, ep.URL); d > 0 {
			return result{snooze: d}
		}
		r := result{protocol: ep.Protocol, endpoint: ep.URL}
		detail, err := Webmention(ctx, s.HTTP, ep.URL, source, l.Target)
		if err != nil {
			r.announced = l.Announced
			return failure(r, "the endpoint refused it", err)
		}
		r.status, r.announced, r.detail = blog.SendSent, live, detail
		if !live {
			r.detail = "Told the link is gone: " + detail
		}
		return r
	case blog.ProtocolPingback:
		r := result{protocol: ep.Protocol, endpoint: ep.URL}
		if !live {
			r.status = blog.SendSkipped
			r.detail = "The link is gone, but Pingback has no way to say so: nothing sent."
			return r
		}
		if d := s.spentOther(ctx, l.Target, ep.URL); d > 0 {
			return result{snooze: d}
		}
		detail, err := Pingback(ctx, s.HTTP, ep.URL, source, l.Target)
		if err != nil {
			r.announced = l.Announced
			return failure(r, "the server refused it", err)
		}
		r.status, r.announced, r.detail = blog.SendSent, true, detail
		return r
	}
	return result{status: blog.SendNoEndpoint, detail: "The page advertises no Webmention endpoint and no Pingback server."}
}

// trackback sends the classic trackback l names for post p.
func (s *Sender) trackback(ctx context.Context, set *site.Settings, l *blog.OutboundLink, p *blog.Post, source string) result {
	if s.HTTP == nil {
		return result{err: errors.New("this process does not send linkbacks")}
	}
	if d := s.spent(ctx, l.Target); d > 0 {
		return result{snooze: d}
	}
	r := result{protocol: blog.ProtocolTrackback, endpoint: l.Target}
	excerpt := strings.TrimSpace(p.Excerpt)
	if excerpt == "" {
		excerpt = markup.PlainText(p.BodyHTML)
	}
	detail, err := Trackback(ctx, s.HTTP, l.Target, TrackbackPing{URL: source, Title: p.Title,
		Excerpt: clip(excerpt, 252), BlogName: set.Title})
	if err != nil {
		return failure(r, "the trackback was not taken", err)
	}
	r.status, r.announced, r.detail = blog.SendSent, true, detail
	return r
}

// failure fills r for err: failed for good when trying again cannot help
// (a refusal, an address Quire does not fetch), else to be retried.
func failure(r result, what string, err error) result {
	var pe *PageError
	var f *xmlrpc.Fault
	var te *TrackbackError
	switch {
	case errors.Is(err, safehttp.ErrForbiddenAddress):
		r.status, r.detail = blog.SendFailed, "Not sent: the address is not a public one, and Quire fetches only public addresses."
	case errors.Is(err, safehttp.ErrContentType):
		r.status, r.detail = blog.SendFailed, what+": "+err.Error()
	case errors.As(err, &pe) && !pe.Temporary():
		r.status, r.detail = blog.SendFailed, what+": "+pe.Error()
	case errors.As(err, &f) && f.Code != faultUpstream:
		r.status, r.detail = blog.SendFailed, fmt.Sprintf("%s: fault %d: %s", what, f.Code, clip(f.Message, 200))
	case errors.As(err, &te):
		r.status, r.detail = blog.SendFailed, what+": "+strings.TrimPrefix(te.Error(), "send: ")
	default:
		r.err = errors.New(what + ": " + strings.TrimPrefix(err.Error(), "send: "))
	}
	return r
}

// spent counts a fetch of target's host in the budget, and returns how
// long to wait when the budget is spent (0 when the fetch may go ahead).
// A database error lets it go ahead: the budget protects others, and the
// job's own bounds still hold.
func (s *Sender) spent(ctx context.Context, target string) time.Duration {
	u, err := url.Parse(target)
	if err != nil {
		return 0
	}
	max, window := s.Budget, s.BudgetWindow
	if max <= 0 {
		max = DefaultBudget
	}
	if window <= 0 {
		window = DefaultBudgetWindow
	}
	ok, err := s.Store.Allow(ctx, BudgetBucket(u.Host), max, window)
	if err != nil {
		s.log().WarnContext(ctx, "linkback: fetch budget unavailable", "err", err)
		return 0
	}
	if ok {
		return 0
	}
	// Spread the waiting jobs over the next window.
	return window/2 + rand.N(window/2+1)
}

// spentOther counts a request to endpoint when it is on another host than
// target (whose fetch was counted already).
func (s *Sender) spentOther(ctx context.Context, target, endpoint string) time.Duration {
	t, err1 := url.Parse(target)
	e, err2 := url.Parse(endpoint)
	if err1 != nil || err2 != nil || strings.EqualFold(t.Host, e.Host) {
		return 0
	}
	return s.spent(ctx, endpoint)
}
