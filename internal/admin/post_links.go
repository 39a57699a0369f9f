package admin

import (
	"context"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/linkback/send"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// postChanged tells Links, in tx, that post id changed (nothing when no
// Links is wired).
func (h *Handler) postChanged(ctx context.Context, tx *store.Store, id int64, ch send.Change) error {
	if h.Links == nil {
		return nil
	}
	return h.Links.PostChanged(ctx, tx, id, ch)
}

// postDeleting tells Links, in tx, that post id is about to be deleted.
func (h *Handler) postDeleting(ctx context.Context, tx *store.Store, id int64) error {
	if h.Links == nil {
		return nil
	}
	return h.Links.PostDeleting(ctx, tx, id)
}

// outboundRow is one outbound link as the editor lists it.
type outboundRow struct {
	blog.OutboundLink
	// State is the short word for where it is ("Sent", "Waiting"…), Via
	// says how and where it was sent, When is the last result's time in
	// the site's zone.
	State string
	Via   string
	When  string
}

// fillOutbound lists the post's outbound links and, when the form was not
// typed (an editor just opened), fills "Send trackbacks to" with the
// addresses stored.
func (h *Handler) fillOutbound(ctx context.Context, f *postForm, set *site.Settings) error {
	if f.ID == 0 {
		return nil
	}
	links, err := h.Store.OutboundLinks(ctx, f.ID)
	if err != nil {
		return err
	}
	var tbs []string
	for _, l := range links {
		if l.Kind == blog.LinkTrackback && !l.Removed {
			tbs = append(tbs, l.Target)
		}
		if l.Kind == blog.LinkTrackback && l.Removed && l.Status == "" {
			continue // typed, then taken away before it was sent
		}
		row := outboundRow{OutboundLink: l, State: outboundState(&l)}
		if l.Status == blog.SendSent || l.Status == blog.SendFailed || l.Status == blog.SendRetrying {
			if name := protocolName(l.Protocol); name != "" {
				row.Via = "by " + name
				if l.Protocol != blog.ProtocolTrackback && l.Endpoint != "" {
					row.Via += " to " + l.Endpoint
				}
			}
		}
		if !l.ResultAt.IsZero() {
			row.When = l.ResultAt.In(set.Loc).Format("2 Jan 2006 15:04")
		}
		f.Outbound = append(f.Outbound, row)
	}
	if !f.TrackbacksSent {
		f.Trackbacks = strings.Join(tbs, "\n")
	}
	return nil
}

// outboundState is the short word for where l is.
func outboundState(l *blog.OutboundLink) string {
	switch {
	case l.Pending() && l.Status == blog.SendRetrying:
		return "Retrying"
	case l.Pending():
		return "Waiting to be sent"
	}
	switch l.Status {
	case blog.SendSent:
		return "Sent"
	case blog.SendNoEndpoint:
		return "No endpoint"
	case blog.SendFailed:
		return "Failed"
	case blog.SendSkipped:
		return "Not sent"
	}
	if l.Removed {
		return "Removed before it was sent"
	}
	return "Not sent yet: it will be when the post is public"
}

// protocolName is how a protocol is written for people.
func protocolName(p string) string {
	switch p {
	case blog.ProtocolWebmention:
		return "Webmention"
	case blog.ProtocolPingback:
		return "Pingback"
	case blog.ProtocolTrackback:
		return "Trackback"
	}
	return ""
}
