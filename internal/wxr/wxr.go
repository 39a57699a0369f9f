// Package wxr reads and writes WordPress eXtended RSS (WXR), the file
// WordPress's Tools → Export writes and its importer reads.
//
// A Reader reads WXR 1.0, 1.1 and 1.2 one entry at a time (an author, a
// term or an item with its comments), so a file of any size is read in the
// memory of its largest entry. It reads what WordPress's own importer reads:
// the export namespace under any prefix and by the pattern of its URI (http
// or https, any version), a stray raw "&", CDATA split over sections or
// nested in the unescaped way old exports wrote it, WordPress.com's
// wp:wp_author, gzip-compressed files, and text byte for byte (with XML's
// own line-end handling). It refuses, with an error that names the line, a
// file that is not WXR (a feed, a web page, a zip archive), a missing or
// invalid wp:wxr_version, a DOCTYPE, and XML that WordPress would refuse too.
//
// A Writer writes WXR 1.2 as WordPress writes it, entry by entry.
//
// The package knows the file format only: no database, no HTTP, no policy
// about what an import keeps or skips.
package wxr

import (
	"errors"
	"fmt"
	"time"
)

// Channel is the header of an export: the site it came from.
type Channel struct {
	Title       string
	Link        string
	Description string
	PubDate     string // RFC 1123 with numeric zone, as in RSS
	Language    string // e.g. "en-US"
	Generator   string // e.g. "https://wordpress.org/?v=6.5"
	// Version is wp:wxr_version ("1.0", "1.1", "1.2"). A Writer always
	// writes "1.2".
	Version string
	// BaseSiteURL is wp:base_site_url, where WordPress is installed.
	BaseSiteURL string
	// BaseBlogURL is wp:base_blog_url, the site's home; a reader fills it
	// with BaseSiteURL when the file has none, as WordPress does.
	BaseBlogURL string
}

// Entry is what a Reader returns, one at a time: *Author, *Term or *Item.
type Entry interface{ entry() }

// Author is a wp:author: a user who wrote items in the export.
type Author struct {
	ID          int64
	Login       string
	Email       string
	DisplayName string
	FirstName   string
	LastName    string
}

// Taxonomies WordPress declares in the channel with their own elements.
const (
	Category = "category" // <wp:category>
	PostTag  = "post_tag" // <wp:tag>
)

// Term is a category, a tag or a term of another taxonomy (nav_menu,
// post_format, a custom taxonomy) declared in the channel.
type Term struct {
	ID       int64
	Taxonomy string // Category, PostTag or another taxonomy's name
	Slug     string
	// Parent is the parent term's slug in the same taxonomy, or "".
	Parent      string
	Name        string
	Description string
	Meta        []Meta
}

// Meta is one postmeta, termmeta or commentmeta pair. Values are kept as
// written, including PHP-serialised arrays.
type Meta struct {
	Key   string
	Value string
}

// Item is a post, a page, an attachment, a menu item or any other post
// type, with its terms, metadata and comments.
type Item struct {
	Title       string
	Link        string // the permalink on the old site
	PubDate     string
	Creator     string // dc:creator: the author's login
	GUID        string
	Description string
	Content     string // content:encoded
	Excerpt     string // excerpt:encoded

	ID            int64  // wp:post_id
	Date          string // wp:post_date, site time "2006-01-02 15:04:05"
	DateGMT       string
	Modified      string
	ModifiedGMT   string
	CommentStatus string // "open" or "closed"
	PingStatus    string // "open" or "closed"
	Name          string // wp:post_name: the slug
	// Status is wp:status: publish, draft, pending, private, future,
	// trash, inherit (attachments)…
	Status    string
	Parent    int64
	MenuOrder int64
	Type      string // wp:post_type: post, page, attachment, nav_menu_item…
	Password  string
	Sticky    bool
	// AttachmentURL is the file's address, for attachments.
	AttachmentURL string

	Terms    []ItemTerm
	Meta     []Meta
	Comments []Comment
}

// ItemTerm is an item's <category domain="…" nicename="…">Name</category>.
type ItemTerm struct {
	// Taxonomy is the domain attribute; WXR 1.0's "tag" reads as PostTag.
	Taxonomy string
	Slug     string // the nicename attribute
	Name     string
}

// Comment types and approvals as WordPress writes them.
const (
	// TypeComment is a reader's comment; WordPress writes it as "comment"
	// or, before 5.5, as "".
	TypeComment   = "comment"
	TypePingback  = "pingback"
	TypeTrackback = "trackback"
	// TypeNote is an editor's note on a block (WordPress 6.9), not a
	// reader's comment.
	TypeNote = "note"

	Approved   = "1"
	Unapproved = "0" // held for moderation
	Spam       = "spam"
	Trash      = "trash"
)

// Comment is a wp:comment: a comment, pingback, trackback or other
// comment type on its item.
type Comment struct {
	ID          int64
	Author      string
	AuthorEmail string
	AuthorURL   string
	AuthorIP    string
	Date        string // site time "2006-01-02 15:04:05"
	DateGMT     string
	Content     string
	// Approved is "1", "0", "spam", "trash" (or "post-trashed"); "" when
	// the file has no wp:comment_approved.
	Approved string
	// Type is wp:comment_type as written: "", "comment", "pingback",
	// "trackback", "note" or a plugin's type. Kind normalises it.
	Type   string
	Parent int64 // the parent comment's ID in this item, or 0
	UserID int64
	Meta   []Meta
}

// Kind is c's type with WordPress's old empty type read as TypeComment.
func (c *Comment) Kind() string {
	if c.Type == "" {
		return TypeComment
	}
	return c.Type
}

func (*Author) entry() {}
func (*Term) entry()   {}
func (*Item) entry()   {}

// DateLayout is the layout of WordPress's dates (post_date, comment_date…).
const DateLayout = "2006-01-02 15:04:05"

// zeroDate is what WordPress writes for a date it does not have, such as a
// draft's post_date_gmt.
const zeroDate = "0000-00-00 00:00:00"

// ParseDate parses a WordPress date in loc (time.UTC for the _gmt fields).
// It reports false for "", WordPress's "0000-00-00 00:00:00" and anything
// that is not a date.
func ParseDate(s string, loc *time.Location) (time.Time, bool) {
	if s == "" || s == zeroDate {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(DateLayout, s, loc)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// FormatDate formats t as WordPress stores dates, in t's location; the zero
// time formats as "0000-00-00 00:00:00".
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return zeroDate
	}
	return t.Format(DateLayout)
}

// Kinds of refusal, for errors.Is on an *Error.
var (
	// ErrNotWXR: the file is not a WordPress export, or its wp:wxr_version
	// is missing or invalid.
	ErrNotWXR = errors.New("not a WXR file")
	// ErrMalformed: the file is not XML that WordPress can read.
	ErrMalformed = errors.New("malformed XML")
	// ErrTooLarge: a value, an entry or the nesting of elements is over
	// the Reader's limits.
	ErrTooLarge = errors.New("too large")
	// ErrInvalid: a value WXR defines as a number is not one.
	ErrInvalid = errors.New("invalid value")
)

// Error is a refusal of the file, at a line.
type Error struct {
	Line int   // 1-based line in the file
	Kind error // ErrNotWXR, ErrMalformed, ErrTooLarge, ErrInvalid, or a read error
	Msg  string
}

func (e *Error) Error() string {
	if e.Msg == "" {
		return fmt.Sprintf("wxr: line %d: %v", e.Line, e.Kind)
	}
	return fmt.Sprintf("wxr: line %d: %v: %s", e.Line, e.Kind, e.Msg)
}

// Unwrap returns the kind of refusal.
func (e *Error) Unwrap() error { return e.Kind }
