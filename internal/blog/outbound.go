package blog

import "time"

// LinkKind says how an outbound link came to be: found in the post's body,
// or typed in the editor's "Send trackbacks to".
type LinkKind string

// Outbound link kinds.
const (
	// LinkBody is a link in the post's text: its page is told by
	// Webmention, else by Pingback.
	LinkBody LinkKind = "link"
	// LinkTrackback is an address the author asked to send a classic
	// trackback to.
	LinkTrackback LinkKind = "trackback"
)

// SendStatus is how the last attempt to notify an outbound link went.
type SendStatus string

// Send statuses. The empty status means nothing was tried yet.
const (
	// SendSent: the endpoint accepted the notification (a pingback
	// already registered counts).
	SendSent SendStatus = "sent"
	// SendNoEndpoint: the page advertises neither Webmention nor Pingback.
	SendNoEndpoint SendStatus = "none"
	// SendRetrying: the last attempt failed in a way worth trying again,
	// and it will be.
	SendRetrying SendStatus = "retrying"
	// SendFailed: refused, or failed every attempt.
	SendFailed SendStatus = "failed"
	// SendSkipped: nothing was sent, on purpose (a link to this site,
	// sending turned off, nothing to withdraw); Detail says why.
	SendSkipped SendStatus = "skipped"
)

// Link protocols, as OutboundLink.Protocol names them.
const (
	ProtocolWebmention = "webmention"
	ProtocolPingback   = "pingback"
	ProtocolTrackback  = "trackback"
)

// OutboundLink is one page a post links to (or names for a trackback),
// with what happened the last time it was told. It outlives a deleted post
// (PostID 0, SourcePath set) until the page is told the post is gone.
type OutboundLink struct {
	ID     int64
	PostID int64 // 0 once the post was deleted
	Kind   LinkKind
	Target string
	// Removed is set when the link is no longer in the post, or the post
	// is gone.
	Removed bool
	// SourcePath is where the post was, kept when it is deleted.
	SourcePath string
	// Requested counts the sends asked for, Done the last one finished:
	// a send is pending while Requested > Done.
	Requested int64
	Done      int64
	// Announced: the target was told the link is live, and not told since
	// that it is gone.
	Announced bool

	// The last result.
	Protocol string // ProtocolWebmention, ProtocolPingback, ProtocolTrackback or ""
	Endpoint string
	Status   SendStatus
	Detail   string
	ResultAt time.Time

	CreatedAt time.Time
}

// Pending reports whether a send was asked for and has not finished.
func (l *OutboundLink) Pending() bool { return l.Requested > l.Done }
