package linkback

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// Lengths of what a linkback keeps, in characters.
const (
	maxTitle   = 250 // WordPress cuts a trackback's title at 250
	maxName    = 245 // as a commenter's name
	maxExcerpt = 500 // a webmention's text; a pingback's is about 300 by construction
	maxUA      = 254
)

// sender is who sent a linkback, as the request showed.
type sender struct {
	IP, UserAgent string
	At            time.Time
}

// newLinkback starts the comment a linkback from source becomes on post.
func newLinkback(t blog.CommentType, post *blog.Post, source *url.URL, s sender) *blog.Comment {
	return &blog.Comment{PostID: post.ID, Type: t, SourceURL: source.String(), AuthorURL: source.String(),
		AuthorIP: s.IP, UserAgent: truncateBytes(s.UserAgent, maxUA), CreatedAt: s.At.UTC()}
}

// setText sets a linkback's excerpt: plain text, and in its HTML form
// that text escaped in a paragraph. Nothing a source sent is kept as HTML.
func setText(c *blog.Comment, text string) {
	c.Content = text
	c.ContentHTML = ""
	if text != "" {
		c.ContentHTML = "<p>" + html.EscapeString(text) + "</p>"
	}
}

// pageTitle returns a source page's title fit to keep, or a refusal: no
// title, or one holding markup, is refused, as WordPress refuses a
// pingback whose title it cannot read as plain text (fault 32).
func pageTitle(p *page) (string, error) {
	switch {
	case p.TitleMarkup:
		return "", refuse(faultTargetMissing, "The source's title holds markup: it cannot be shown as plain text.")
	case p.Title == "":
		return "", refuse(faultTargetMissing, "We cannot find a title on that page.")
	}
	return clip(p.Title, maxTitle), nil
}

// pingbackComment is the pingback source makes on post, as WordPress
// makes it: the page's title as the author, the source as the author's
// URL, and "[…] the text around the link […]" as the text.
func pingbackComment(post *blog.Post, source *url.URL, p *page, s sender) (*blog.Comment, error) {
	title, err := pageTitle(p)
	if err != nil {
		return nil, err
	}
	c := newLinkback(blog.TypePingback, post, source, s)
	c.AuthorName, c.SourceTitle = clip(title, maxName), title
	text, _ := p.excerpt()
	setText(c, strings.Join(nonEmpty("[…]", text, "[…]"), " "))
	return c, nil
}

// webmentionComment is the webmention source makes on post: from its
// h-entry when it has one (p-name, p-author h-card, e-content or
// p-summary, and what it replies to, likes or reposts), else from its
// <title> and the text around the link. The author is the h-card's name,
// else the source's host; URLs are kept only when they are http(s).
func webmentionComment(post *blog.Post, source, target *url.URL, p *page, s sender) (*blog.Comment, error) {
	if p.TitleMarkup {
		_, err := pageTitle(p)
		return nil, err
	}
	c := newLinkback(blog.TypeWebmention, post, source, s)
	c.MentionKind = blog.MentionMention
	c.SourceTitle = clip(p.Title, maxTitle)
	text, cut := p.excerpt()
	if cut {
		text = "… " + text + " …"
	}
	if e := p.Entry; e != nil {
		if e.Name != "" && !sameText(e.Name, e.Content) {
			c.SourceTitle = clip(e.Name, maxTitle)
		}
		switch {
		case e.Content != "":
			text = e.Content
		case e.Summary != "":
			text = e.Summary
		}
		switch {
		case anySame(e.InReplyTo, target):
			c.MentionKind = blog.MentionReply
		case anySame(e.LikeOf, target):
			c.MentionKind = blog.MentionLike
		case anySame(e.RepostOf, target):
			c.MentionKind = blog.MentionRepost
		}
		c.AuthorName = clip(e.Author.Name, maxName)
		if u, ok := parseURL(e.Author.URL); ok {
			c.AuthorURL = u.String()
		}
		if u, ok := parseURL(e.Author.Photo); ok {
			c.AuthorPhoto = u.String()
		}
	}
	if c.AuthorName == "" {
		c.AuthorName = source.Hostname()
	}
	if looksLikeMarkup(c.SourceTitle) {
		return nil, refuse(faultTargetMissing, "The source's title holds markup: it cannot be shown as plain text.")
	}
	setText(c, clip(text, maxExcerpt))
	return c, nil
}

// sameText reports whether a name only repeats the start of the content,
// as a note's implied or copied name does: it is then no title.
func sameText(name, content string) bool {
	name, content = collapse(name), collapse(content)
	return name != "" && content != "" && strings.HasPrefix(content, strings.TrimSuffix(name, "…"))
}

func anySame(us []*url.URL, target *url.URL) bool {
	for _, u := range us {
		if sameURL(u, target) {
			return true
		}
	}
	return false
}

// errExists means the post has a linkback from the source already.
var errExists = refuse(faultRegistered, "The linkback has already been registered.")

// store keeps a new linkback: moderated by the rules comments follow,
// stored with the mail it causes in one transaction. A linkback from the
// same source stored meanwhile is errExists.
func (r *Receiver) store(ctx context.Context, post *blog.Post, c *blog.Comment) error {
	if !utf8.ValidString(c.Content + c.AuthorName + c.SourceTitle + c.UserAgent) {
		return refuse(faultGeneric, "The linkback's text is not valid UTF-8.")
	}
	status, err := r.Comments.ModerateLinkback(ctx, post, c)
	if err != nil {
		return fmt.Errorf("linkback: %w", err)
	}
	c.Status = status
	err = r.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateComment(ctx, c); err != nil {
			return err
		}
		if r.Notify != nil {
			return r.Notify.CommentStored(ctx, tx, c, false)
		}
		return nil
	})
	if err != nil {
		c.ID = 0
		if errors.Is(err, store.ErrLinkbackExists) {
			return errExists
		}
		return fmt.Errorf("linkback: store %s from %s: %w", c.Type, c.SourceURL, err)
	}
	return nil
}
