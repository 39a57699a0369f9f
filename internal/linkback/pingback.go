package linkback

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/xmlrpc"
)

// pingbackPing is Pingback 1.0's pingback.ping(source, target). It
// verifies the source while the caller waits, as the protocol's faults
// need, within the source host's fetch budget, and answers:
//
//	0  a URL that is not one, the same page twice, or this site failing
//	16 the source does not exist or cannot be fetched (404, 410, a refused address)
//	17 the source does not link to the target
//	32 the target does not exist (or the source has no usable title, as WordPress says)
//	33 the target is not a post taking linkbacks (another site, a list, a page, pings closed)
//	48 the pingback is registered already
//	49 too many requests from the caller's address (counted before the call is read)
//	50 the source's server failed, or the fetch budget for its host is spent
//
// Everything that needs no fetch is checked first; a verdict on the same
// source and target made less than a minute ago is answered again
// without fetching.
func (r *Receiver) pingbackPing(ctx context.Context, req *http.Request, params []any) (any, error) {
	if len(params) != 2 {
		return nil, &xmlrpc.Fault{Code: xmlrpc.FaultInvalidParams,
			Message: "pingback.ping takes two parameters: the source URL and the target URL."}
	}
	rawSource, ok1 := params[0].(string)
	rawTarget, ok2 := params[1].(string)
	if !ok1 || !ok2 {
		return nil, &xmlrpc.Fault{Code: xmlrpc.FaultInvalidParams,
			Message: "pingback.ping takes two strings: the source URL and the target URL."}
	}
	source, ok := parseURL(rawSource)
	if !ok {
		return nil, refuse(faultGeneric, "A valid source URL was not provided.")
	}
	target, ok := parseURL(rawTarget)
	if !ok {
		return nil, refuse(faultGeneric, "A valid target URL was not provided.")
	}
	if sameURL(source, target) {
		return nil, refuse(faultGeneric, "The source URL and the target URL cannot both point to the same resource.")
	}
	set, _, err := r.Site.Current(ctx)
	if err != nil {
		return nil, err
	}
	post, err := r.targetPost(ctx, set, target)
	if err != nil {
		return nil, err
	}
	if self, err := r.targetPost(ctx, set, source); err == nil && self.ID == post.ID {
		return nil, refuse(faultGeneric, "The source URL and the target URL cannot both point to the same resource.")
	}
	switch _, err := r.Store.LinkbackBySource(ctx, post.ID, source.String()); {
	case err == nil:
		return nil, errExists
	case !errors.Is(err, blog.ErrNotFound):
		return nil, err
	}
	if prev, _, err := r.recentCheck(ctx, source, target); err != nil {
		return nil, err
	} else if prev != nil && prev.Verdict != verdictLinked {
		return nil, verdictRefusal(prev.Verdict, "checked "+prev.CheckedAt.Format(time.RFC3339))
	}
	c, err := r.check(ctx, source, target)
	if err != nil {
		return nil, err
	}
	if c.verdict != verdictLinked {
		return nil, verdictRefusal(c.verdict, c.detail)
	}
	pb, err := pingbackComment(post, source, c.page, r.senderOf(req))
	if err != nil {
		return nil, err
	}
	if err := r.store(ctx, post, pb); err != nil {
		return nil, err
	}
	r.log().InfoContext(ctx, "pingback stored", "source", source.String(), "post", post.ID, "comment", pb.ID,
		"status", pb.Status)
	return "Pingback from " + source.String() + " to " + target.String() + " registered. Keep the web talking! :-)", nil
}
