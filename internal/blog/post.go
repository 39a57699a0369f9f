package blog

import (
	"strings"
	"time"
	"unicode/utf8"
)

// PostType distinguishes dated articles from standalone pages.
type PostType string

// Post types.
const (
	TypePost PostType = "post"
	TypePage PostType = "page"
)

// Status is where a post is in its life.
type Status string

// Post statuses, as WordPress names them.
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "publish"
	StatusScheduled Status = "future"
	StatusPrivate   Status = "private"
	StatusTrash     Status = "trash"
	// StatusPending is WordPress's "Pending Review": a draft waiting for
	// an editor. Imports keep it; readers never see it.
	StatusPending Status = "pending"
)

// ValidStatus reports whether s is a known status.
func ValidStatus(s Status) bool {
	switch s {
	case StatusDraft, StatusPublished, StatusScheduled, StatusPrivate, StatusTrash, StatusPending:
		return true
	}
	return false
}

// Format is how a post's body is written.
type Format string

// Body formats. A WordPress body is content imported from WordPress, kept
// as WordPress stored it (paragraphs implied by blank lines, shortcodes,
// blocks) and rendered as WordPress displays it.
const (
	FormatMarkdown  Format = "markdown"
	FormatWordPress Format = "wordpress"
)

// MoreTag is the WordPress marker that ends the teaser shown on lists.
const MoreTag = "<!--more-->"

// Post is an article or a page.
type Post struct {
	ID          int64
	Type        PostType
	Status      Status
	Slug        string
	Title       string
	Body        string // the source, in Format (Markdown unless imported)
	BodyHTML    string // rendered, sanitised HTML
	Excerpt     string // hand-written summary; may be empty
	AuthorID    int64
	ParentID    int64 // pages only; 0 when none
	Password    string
	FeaturedID  int64 // media ID of the featured image; 0 when none
	PublishedAt time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	GUID        string // stable identifier that survives slug changes
	// CommentsClosed stops new comments on this post (WordPress's
	// comment_status "closed"); the site may also close old posts.
	CommentsClosed bool
	// PingsClosed refuses pingbacks, trackbacks and webmentions to this
	// post (WordPress's ping_status "closed").
	PingsClosed bool
	// Format is how Body is written; "" means FormatMarkdown.
	Format Format
	// Sticky puts a post first on the home page (WordPress's sticky).
	Sticky bool

	// Filled by the store on reads.
	Author     *User
	Categories []Term
	Tags       []Term
	Featured   *Media
	Parents    []Post // ancestors of a page, root first (slug only is guaranteed)
}

// IsPublic reports whether readers may see the post at time now.
func (p *Post) IsPublic(now time.Time) bool {
	return p.Status == StatusPublished && !p.PublishedAt.After(now)
}

// Validate checks the fields a writer controls and reports every problem.
func (p *Post) Validate() error {
	fe := FieldErrors{}
	if strings.TrimSpace(p.Title) == "" {
		fe.Add("title", "Give the post a title.")
	} else if utf8.RuneCountInString(p.Title) > 300 {
		fe.Add("title", "The title is longer than 300 characters.")
	}
	if !utf8.ValidString(p.Title) || !utf8.ValidString(p.Body) {
		fe.Add("body", "The text is not valid UTF-8.")
	}
	if len(p.Body) > 1<<20 {
		fe.Add("body", "The text is longer than 1 MiB.")
	}
	if p.Type != TypePost && p.Type != TypePage {
		fe.Add("type", "Choose post or page.")
	}
	if !ValidStatus(p.Status) {
		fe.Add("status", "Choose draft, pending, published, scheduled, private or trash.")
	}
	if p.Slug != "" && Slugify(p.Slug) != p.Slug {
		fe.Add("slug", "Use lower-case letters, digits and hyphens only.")
	}
	if p.Status == StatusScheduled && p.PublishedAt.IsZero() {
		fe.Add("published_at", "A scheduled post needs a date.")
	}
	if p.Type == TypePost && p.ParentID != 0 {
		fe.Add("parent", "Only pages have parents.")
	}
	if p.ID != 0 && p.ParentID == p.ID {
		fe.Add("parent", "A page cannot be its own parent.")
	}
	return fe.Err()
}

// Teaser returns the part of the Markdown source before <!--more-->, and
// whether the post has such a break.
func (p *Post) Teaser() (string, bool) {
	before, _, found := strings.Cut(p.Body, MoreTag)
	return before, found
}

// ReadingMinutes estimates reading time at 230 words a minute, at least 1.
func ReadingMinutes(text string) int {
	words := len(strings.Fields(text))
	m := (words + 229) / 230
	if m < 1 {
		m = 1
	}
	return m
}

// PostFilter selects posts for lists and archives.
type PostFilter struct {
	Type       PostType // empty means posts
	Statuses   []Status // empty means published and visible at Now
	Now        time.Time
	TermID     int64 // a category (with its descendants) or a tag
	AuthorID   int64
	From, To   time.Time // published in [From, To)
	Search     string    // user-typed search text
	Limit      int
	Offset     int
	IncludeAll bool // admin listing: any status except trash unless Statuses says
	Sticky     bool // only sticky posts (the home page shows them first)
}
