package site

import (
	"strconv"
	"strings"

	"github.com/quirehq/quire/internal/blog"
)

// Discussion setting names, with WordPress's meanings.
const (
	KeyCommentModeration   = "comment_moderation"          // "1": every comment waits for approval
	KeyCommentPreviouslyOK = "comment_previously_approved" // "1": an author needs an approved comment first
	KeyCommentMaxLinks     = "comment_max_links"           // hold a comment with this many links or more
	KeyModerationKeys      = "moderation_keys"             // words, one a line: hold
	KeyDisallowedKeys      = "disallowed_keys"             // words, one a line: to the trash
	KeyCloseCommentsDays   = "close_comments_days"         // close comments on posts older than N days; 0 off
	KeyThreadDepth         = "thread_comments_depth"       // 1..10
	KeyCommentsPerPage     = "comments_per_page"           // top-level comments a page
	KeyShowGravatar        = "show_gravatar"               // "1": Gravatar instead of local avatars
	KeyCommentIPDays       = "comment_ip_days"             // keep commenters' IPs this many days
	KeyAkismetKey          = "akismet_key"                 // empty: no outside spam service
	KeyAkismetURL          = "akismet_url"                 // Akismet-compatible endpoint
	KeyCommentsNotify      = "comments_notify"             // "1": email whenever anyone posts a comment
	KeyModerationNotify    = "moderation_notify"           // "1": email whenever a comment is held for moderation
	KeyPingbackFlag        = "default_pingback_flag"       // "1": tell the blogs a post links to (send linkbacks)
	KeyDefaultPingStatus   = "default_ping_status"         // "open": new posts take pingbacks, trackbacks and webmentions
	KeySelfPings           = "self_pings"                  // "1": also ping this site's own posts
	KeyMentionsSeparate    = "mentions_separate"           // "1": linkbacks in a "Mentions" list after the comments
	KeyRemotePhotos        = "linkback_remote_photos"      // "1": show linkback authors' photos from their sites
)

// Discussion is how comments are taken and moderated.
type Discussion struct {
	ManualApproval     bool
	PreviouslyApproved bool
	MaxLinks           int
	ModerationKeys     []string
	DisallowedKeys     []string
	CloseAfterDays     int
	ThreadDepth        int
	CommentsPerPage    int
	ShowGravatar       bool
	IPRetentionDays    int
	AkismetKey         string
	AkismetURL         string
	// NotifyComments and NotifyModeration are WordPress's "Email me
	// whenever anyone posts a comment / a comment is held for moderation":
	// the site's owner and the post's author are told.
	NotifyComments   bool
	NotifyModeration bool

	// Linkbacks. SendPings is WordPress's "Attempt to notify any blogs
	// linked to from the post"; PingsOpen its "Allow link notifications
	// from other blogs (pingbacks and trackbacks) on new posts" (the
	// default of each new post's PingsClosed); SelfPings pings links to
	// this site's own posts too (WordPress never does). MentionsSeparate
	// lists linkbacks after the comments instead of among them by date;
	// RemotePhotos shows linkback authors' photos from their own sites
	// (else the local avatar stands in: no hot-linking).
	SendPings        bool
	PingsOpen        bool
	SelfPings        bool
	MentionsSeparate bool
	RemotePhotos     bool
}

// DefaultDiscussion returns WordPress's defaults.
func DefaultDiscussion() Discussion {
	return Discussion{PreviouslyApproved: true, MaxLinks: 2, ThreadDepth: 5, CommentsPerPage: 50,
		IPRetentionDays: 60, AkismetURL: "https://rest.akismet.com", NotifyComments: true, NotifyModeration: true,
		SendPings: true, PingsOpen: true}
}

func words(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if w := strings.TrimSpace(line); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func applyDiscussion(d *Discussion, v map[string]string) {
	flag := func(k string, dst *bool) {
		if x, ok := v[k]; ok {
			*dst = x == "1" || x == "true"
		}
	}
	num := func(k string, dst *int, lo, hi int) {
		if n, err := strconv.Atoi(v[k]); err == nil && n >= lo && n <= hi {
			*dst = n
		}
	}
	flag(KeyCommentModeration, &d.ManualApproval)
	flag(KeyCommentPreviouslyOK, &d.PreviouslyApproved)
	flag(KeyShowGravatar, &d.ShowGravatar)
	flag(KeyCommentsNotify, &d.NotifyComments)
	flag(KeyModerationNotify, &d.NotifyModeration)
	flag(KeyPingbackFlag, &d.SendPings)
	flag(KeySelfPings, &d.SelfPings)
	flag(KeyMentionsSeparate, &d.MentionsSeparate)
	flag(KeyRemotePhotos, &d.RemotePhotos)
	if x, ok := v[KeyDefaultPingStatus]; ok {
		d.PingsOpen = x == "open" || x == "1"
	}
	num(KeyCommentMaxLinks, &d.MaxLinks, 0, 1000)
	num(KeyCloseCommentsDays, &d.CloseAfterDays, 0, 100000)
	num(KeyThreadDepth, &d.ThreadDepth, 1, 10)
	num(KeyCommentsPerPage, &d.CommentsPerPage, 1, 500)
	num(KeyCommentIPDays, &d.IPRetentionDays, 1, 100000)
	if x, ok := v[KeyModerationKeys]; ok {
		d.ModerationKeys = words(x)
	}
	if x, ok := v[KeyDisallowedKeys]; ok {
		d.DisallowedKeys = words(x)
	}
	d.AkismetKey = strings.TrimSpace(v[KeyAkismetKey])
	if x := strings.TrimSpace(v[KeyAkismetURL]); x != "" {
		d.AkismetURL = strings.TrimRight(x, "/")
	}
}

// validateDiscussion adds the problems of discussion settings to fe.
func validateDiscussion(fe blog.FieldErrors, v map[string]string) {
	ranges := map[string][2]int{
		KeyCommentMaxLinks: {0, 1000}, KeyCloseCommentsDays: {0, 100000}, KeyThreadDepth: {1, 10},
		KeyCommentsPerPage: {1, 500}, KeyCommentIPDays: {1, 100000},
	}
	for k, r := range ranges {
		if s, ok := v[k]; ok {
			if n, err := strconv.Atoi(strings.TrimSpace(s)); err != nil || n < r[0] || n > r[1] {
				fe.Add(k, "Enter a number from "+strconv.Itoa(r[0])+" to "+strconv.Itoa(r[1])+".")
			}
		}
	}
	if u, ok := v[KeyAkismetURL]; ok && strings.TrimSpace(u) != "" {
		if _, err := NormalizeBaseURL(u); err != nil {
			fe.Add(KeyAkismetURL, "Enter the service's address, like https://rest.akismet.com.")
		}
	}
}
