package blog

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// CommentStatus is where a comment is in moderation. The names are
// WordPress's, so imports and exports map one to one.
type CommentStatus string

// Comment statuses.
const (
	CommentPending  CommentStatus = "pending"  // held for moderation
	CommentApproved CommentStatus = "approved" // shown to everyone
	CommentSpam     CommentStatus = "spam"
	CommentTrash    CommentStatus = "trash"
)

// ValidCommentStatus reports whether s is a known comment status.
func ValidCommentStatus(s CommentStatus) bool {
	switch s {
	case CommentPending, CommentApproved, CommentSpam, CommentTrash:
		return true
	}
	return false
}

// CommentType distinguishes reader comments from linkbacks.
type CommentType string

// Comment types: a reader's comment, or a linkback (another page linking
// to the post), named as WordPress names them.
const (
	TypeComment    CommentType = "comment"
	TypePingback   CommentType = "pingback"
	TypeTrackback  CommentType = "trackback"
	TypeWebmention CommentType = "webmention"
)

// ValidCommentType reports whether t is a known comment type.
func ValidCommentType(t CommentType) bool {
	switch t {
	case TypeComment, TypePingback, TypeTrackback, TypeWebmention:
		return true
	}
	return false
}

// IsLinkback reports whether t is a pingback, trackback or webmention.
func (t CommentType) IsLinkback() bool {
	return t == TypePingback || t == TypeTrackback || t == TypeWebmention
}

// MentionKind is what a webmention's source is to the post, from its
// h-entry: a reply, a like, a repost, or a plain mention.
type MentionKind string

// Mention kinds.
const (
	MentionReply   MentionKind = "reply"
	MentionLike    MentionKind = "like"
	MentionRepost  MentionKind = "repost"
	MentionMention MentionKind = "mention"
)

// MaxCommentBytes is the longest comment text accepted (64 KiB).
const MaxCommentBytes = 64 << 10

// Comment is one reader comment, or one linkback, on a post.
//
// A linkback keeps WordPress's fields as WordPress fills them, so imports
// and exports map one to one: AuthorName is the source page's title (a
// pingback) or the blog's name (a trackback), AuthorURL the source URL,
// Content the excerpt "[…] text around the link […]". SourceURL is the
// linking page (unique per post), and a webmention adds its kind, the
// source's title, and its author's name (AuthorName), URL and photo.
type Comment struct {
	ID          int64
	PostID      int64
	ParentID    int64 // 0 for a top-level comment
	Type        CommentType
	Status      CommentStatus
	AuthorName  string
	AuthorEmail string // never shown to anyone but its owner and moderators
	AuthorURL   string
	AuthorIP    string // kept for moderation only; cleared after the retention period
	UserAgent   string
	UserID      int64  // the logged-in user who wrote it; 0 for readers
	Content     string // what the person typed
	ContentHTML string // rendered, sanitised
	CreatedAt   time.Time
	UpdatedAt   time.Time

	// Linkbacks only (see above).
	SourceURL   string
	MentionKind MentionKind // webmentions only
	SourceTitle string
	AuthorPhoto string // an http(s) URL checked when received; shown only when the settings allow

	// Filled by some reads.
	PostTitle string
	PostSlug  string
}

// CommentInput is what a comment form sends, before any decision.
type CommentInput struct {
	PostID      int64
	ParentID    int64
	AuthorName  string
	AuthorEmail string
	AuthorURL   string
	Content     string
}

// Validate checks a comment form and reports every problem at once. A
// logged-in user (userID != 0) needs no name or email fields.
func (in *CommentInput) Validate(loggedIn bool) error {
	fe := FieldErrors{}
	content := strings.TrimSpace(in.Content)
	switch {
	case !utf8.ValidString(in.Content) || !utf8.ValidString(in.AuthorName) || !utf8.ValidString(in.AuthorURL) || !utf8.ValidString(in.AuthorEmail):
		fe.Add("comment", "The comment contains text that is not valid UTF-8.")
	case content == "":
		fe.Add("comment", "Please type your comment.")
	case len(in.Content) > MaxCommentBytes:
		fe.Add("comment", "Your comment is too long: keep it under 64 KiB.")
	}
	if !loggedIn {
		name := strings.TrimSpace(in.AuthorName)
		switch {
		case name == "":
			fe.Add("author", "Please enter your name.")
		case utf8.RuneCountInString(name) > 245:
			fe.Add("author", "Your name is too long.")
		}
		email := NormalizeEmail(in.AuthorEmail)
		switch {
		case email == "":
			fe.Add("email", "Please enter your email address. It will not be published.")
		case !ValidEmail(email):
			fe.Add("email", "Please enter a valid email address, like name@example.com.")
		}
	}
	if u := strings.TrimSpace(in.AuthorURL); u != "" {
		if _, ok := NormalizeURL(u); !ok {
			fe.Add("url", "Please enter a website address starting with http:// or https://, or leave it empty.")
		}
	}
	return fe.Err()
}

// NormalizeURL checks a website address given by a reader. A bare host
// ("example.com") gets http://. Only http and https are accepted.
func NormalizeURL(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if len(s) > 200 || strings.ContainsAny(s, " \t\r\n<>\"'`") {
		return "", false
	}
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", false
	}
	return u.String(), true
}

// ThreadNode is a comment with its replies, as a thread shows it.
type ThreadNode struct {
	Comment *Comment
	Depth   int // 1 for top-level comments
	Replies []*ThreadNode
}

// BuildThread arranges comments (oldest first) into a tree. Replies deeper
// than maxDepth are attached at maxDepth, under the deepest ancestor
// allowed, as WordPress shows them; a reply whose parent is not in the list
// (held, deleted) becomes top-level. Linkbacks are never threaded: one is
// always top-level, and so is a comment that names one as its parent (an
// import from WordPress may hold such replies).
func BuildThread(comments []Comment, maxDepth int) []*ThreadNode {
	if maxDepth < 1 {
		maxDepth = 1
	}
	nodes := make(map[int64]*ThreadNode, len(comments))
	for i := range comments {
		nodes[comments[i].ID] = &ThreadNode{Comment: &comments[i]}
	}
	var roots []*ThreadNode
	for i := range comments {
		c := &comments[i]
		n := nodes[c.ID]
		parent := nodes[c.ParentID]
		if c.ParentID == 0 || parent == nil || parent == n || c.Type.IsLinkback() || parent.Comment.Type.IsLinkback() {
			n.Depth = 1
			roots = append(roots, n)
			continue
		}
		for parent.Depth >= maxDepth {
			up := nodes[parent.Comment.ParentID]
			if up == nil {
				break
			}
			parent = up
		}
		if parent.Depth == 0 {
			// The parent comes later in the list (dates out of order): treat
			// this one as top-level rather than lose it.
			n.Depth = 1
			roots = append(roots, n)
			continue
		}
		n.Depth = min(parent.Depth+1, maxDepth)
		if parent.Depth >= maxDepth {
			// Parent at the limit: sit beside it, under its own parent.
			if gp := nodes[parent.Comment.ParentID]; gp != nil && gp.Depth > 0 {
				gp.Replies = append(gp.Replies, n)
				continue
			}
		}
		parent.Replies = append(parent.Replies, n)
	}
	return roots
}
