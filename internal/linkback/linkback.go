// Package linkback receives linkbacks: other sites telling this one that
// a page of theirs links to a post here. Three protocols are taken, each
// at the address WordPress and its senders use:
//
//   - Webmention (W3C Recommendation) at POST /webmention: source and
//     target are checked at once (400 with a plain reason, or 202), and
//     the source is verified later by a durable job (KindVerifyWebmention)
//     written in the request's transaction. The job fetches the source,
//     requires a link to the exact target, reads its h-entry
//     (microformats2) or else its <title> and the text around the link,
//     and stores the mention, updates it, or removes it when the source
//     is gone (410) or no longer links.
//   - Pingback 1.0 at POST /xmlrpc.php, an XML-RPC endpoint whose methods
//     are a table (Methods): pingback.ping verifies the source while the
//     caller waits and answers the specification's fault codes.
//   - Trackback at POST {permalink}trackback/: form fields url, title,
//     excerpt and blog_name in the charset the request names, answered
//     with Trackback's XML. Trackbacks are not verified by fetching, as
//     WordPress does not verify them.
//
// Every linkback is a comment of its type (blog.TypeWebmention,
// TypePingback, TypeTrackback) moderated by the rules comments follow
// (comments.Service.ModerateLinkback), stored with the mail it causes in
// one transaction. Nothing a source says is kept as HTML: titles, names
// and excerpts are plain text, URLs are checked to be http(s).
//
// Quire must not be a tool against other sites: each endpoint is limited
// per client address (a /64 for IPv6) in the database, every fetch of a
// source counts against a budget per source host, also in the database,
// so a flood of pings naming one site's pages fetches it a few times a
// minute at most, and a pair checked moments ago is not fetched again.
// All fetching goes through internal/safehttp. The cheap refusals (the
// body's size, the client's limit, the URLs, the target) come before any
// fetch.
package linkback

import (
	"context"
	"log/slog"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/comments"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/safehttp"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// The endpoints' paths, as advertised on every post.
const (
	WebmentionPath = "/webmention"
	PingbackPath   = "/xmlrpc.php"
	// TrackbackSuffix follows a post's permalink to make its trackback
	// address.
	TrackbackSuffix = "trackback/"
)

// MaxBody bounds the body of a request to any of the three endpoints: a
// webmention or trackback form, or a pingback call, is far smaller.
const MaxBody = 64 << 10

// Limits are the safety limits; the zero value of each field takes its
// default.
type Limits struct {
	// PerIP requests are taken from one client address (an IPv6 client's
	// /64) by each endpoint per PerIPWindow: 30 per 10 minutes.
	PerIP       int
	PerIPWindow time.Duration
	// FetchesPerHost fetches of sources on one host are made per
	// FetchWindow, counted across instances: 10 a minute.
	FetchesPerHost int
	FetchWindow    time.Duration
	// CheckTTL is how long a verdict on a source and target is trusted
	// before the source is fetched again: a minute.
	CheckTTL time.Duration
}

// Defaults of Limits.
const (
	DefaultPerIP          = 30
	DefaultPerIPWindow    = 10 * time.Minute
	DefaultFetchesPerHost = 10
	DefaultFetchWindow    = time.Minute
	DefaultCheckTTL       = time.Minute
)

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.PerIP, DefaultPerIP)
	defD(&l.PerIPWindow, DefaultPerIPWindow)
	def(&l.FetchesPerHost, DefaultFetchesPerHost)
	defD(&l.FetchWindow, DefaultFetchWindow)
	defD(&l.CheckTTL, DefaultCheckTTL)
	return l
}

// CommentNotifier writes, in the transaction tx that stores a linkback,
// the mail that follows from it (notify.Notifier is one).
type CommentNotifier interface {
	CommentStored(ctx context.Context, tx *store.Store, c *blog.Comment, subscribe bool) error
}

// WebmentionJobs writes the job that verifies a webmention in tx's
// transaction (*jobs.Inserter, and so *jobs.Queue, is one).
type WebmentionJobs interface {
	VerifyWebmention(ctx context.Context, tx *store.Store, j jobs.WebmentionJob) error
}

// Receiver takes linkbacks for a site. Its Routes mount the Webmention
// and Pingback endpoints; Trackback is a handler the reader pages'
// resolver calls for a post's trackback address.
type Receiver struct {
	Store *store.Store
	Site  *site.Site
	// Fetch fetches sources: the only outbound client, with its size cap
	// and time limit.
	Fetch *safehttp.Client
	// Comments moderates what is received as comments are moderated.
	Comments *comments.Service
	Notify   CommentNotifier // nil mails no one
	Jobs     WebmentionJobs
	Logger   *slog.Logger
	Now      func() time.Time // nil is time.Now
	Limits   Limits
}

func (r *Receiver) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Receiver) log() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (r *Receiver) limits() Limits { return r.Limits.withDefaults() }
