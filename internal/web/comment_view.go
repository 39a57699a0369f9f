package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// commentView is one comment as a thread shows it.
type commentView struct {
	ID         int64
	AuthorName string
	AuthorURL  string // empty when the author gave no (usable) website
	ByAuthor   bool   // written by the post's author
	Avatar     string
	Date       string
	DateISO    string
	HTML       template.HTML
	ReplyURL   string // empty at the deepest level and on held comments
	Depth      int
	Held       bool // shown only to its author, awaiting moderation
	// LoginURL, on a held comment of a logged-out writer, is where they
	// log in if they have an account: a guest's comment that gives an
	// account's address always waits for a moderator. Every held guest
	// comment gets it, so the page does not tell whether an address has an
	// account.
	LoginURL string
	Replies  []*commentView

	// Linkbacks only (Kind is empty for a comment): see linkback_view.go.
	Kind      string // "pingback", "trackback" or "webmention"
	Ping      bool   // a pingback or trackback: one "Pingback: Title" line
	Label     string // "Pingback", "Trackback", "Reply", "Mention", "Like", "Repost"
	Title     string // what the source is called
	SourceURL string // the linking page: a checked http(s) URL, or empty
	Excerpt   string // plain text
	Remote    bool   // Avatar is the author's photo on their own site
}

// commentsView is the discussion under a post: count, one page of the
// thread and the reply form.
type commentsView struct {
	PostTitle string
	Count     int // approved comments and linkbacks on the whole post, likes and reposts aside
	Thread    []*commentView
	// Mentions are the linkbacks listed after the comments when the
	// settings keep them apart, and Reactions the rows of likes and
	// reposts; both on the first comment page only.
	Mentions   []*commentView
	Reactions  []reactionGroup
	Open       bool
	Page       int
	Pages      int
	Prev, Next string // older and newer comment pages
	// ThreadHTML is Thread and its page navigation, rendered by the
	// theme's "comment-thread" (empty when the theme has none).
	ThreadHTML template.HTML
	Form       *formView
	// photoOrigins are the sites the page loads linkback photos from.
	photoOrigins []string
}

// formView is the reply form, empty or as the reader left it.
type formView struct {
	Action     string
	PostID     int64
	ParentID   int64
	ReplyTo    string // the name of the comment replied to
	CancelURL  string
	Token      string
	Name       string
	Email      string
	URL        string
	Comment    string
	Remember   bool
	Subscribe  bool
	Errors     map[string]string
	Message    string // why the comment was refused
	User       string // the logged-in user's name
	LogoutPath string
}

// commentPagePath is the path of page n of a post's comments.
func commentPagePath(postPath string, n int) string {
	if n <= 1 {
		return postPath
	}
	return postPath + "comment-page-" + strconv.Itoa(n) + "/"
}

// commentPageNumber reads the N of a "comment-page-N" path segment.
func commentPageNumber(seg string) (int, bool) {
	rest, ok := strings.CutPrefix(seg, "comment-page-")
	if !ok {
		return 0, false
	}
	return pageNumber(rest)
}

// sortComments orders comments as a thread reads them: oldest first.
func sortComments(list []blog.Comment) {
	sort.SliceStable(list, func(i, j int) bool {
		if !list[i].CreatedAt.Equal(list[j].CreatedAt) {
			return list[i].CreatedAt.Before(list[j].CreatedAt)
		}
		return list[i].ID < list[j].ID
	})
}

// threadPages arranges a post's comments into a thread as d shows it
// (without the likes and reposts, and without the linkbacks when they are
// listed apart) and reports how many pages of d.CommentsPerPage top-level
// comments it takes (at least one). A comment left out of the thread is on
// page 1 for pageOfComment, where its list is shown.
func threadPages(list []blog.Comment, d *site.Discussion) ([]*blog.ThreadNode, int) {
	list, _, _ = splitDiscussion(list, d)
	roots := blog.BuildThread(list, d.ThreadDepth)
	per := d.CommentsPerPage
	if per < 1 {
		per = 50
	}
	return roots, max(1, (len(roots)+per-1)/per)
}

// pageOfComment returns the comment page holding comment id (1 when it is
// not in the thread).
func pageOfComment(roots []*blog.ThreadNode, per int, id int64) int {
	if per < 1 {
		per = 50
	}
	var has func(n *blog.ThreadNode) bool
	has = func(n *blog.ThreadNode) bool {
		if n.Comment.ID == id {
			return true
		}
		for _, r := range n.Replies {
			if has(r) {
				return true
			}
		}
		return false
	}
	for i, n := range roots {
		if has(n) {
			return i/per + 1
		}
	}
	return 1
}

// commentDate formats a comment's time in the site's zone.
func commentDate(st *site.Settings, t time.Time) (string, string) {
	lt := t.In(st.Loc)
	return lt.Format("January 2, 2006 at 3:04 pm"), lt.Format(time.RFC3339)
}

// threadContext is what turning comments into views needs once per page.
type threadContext struct {
	st        *site.Settings
	post      *blog.Post
	depth     int
	avatar    func(c *blog.Comment) string
	heldID    int64
	heldLogin string // LoginURL of a held guest comment
	canReply  bool
	origins   map[string]bool // the sites linkback photos on the page come from
}

func (tc *threadContext) view(n *blog.ThreadNode) *commentView {
	c := n.Comment
	cv := &commentView{
		ID:         c.ID,
		AuthorName: c.AuthorName,
		ByAuthor:   c.UserID != 0 && c.UserID == tc.post.AuthorID,
		Avatar:     tc.avatar(c),
		HTML:       template.HTML(c.ContentHTML),
		Depth:      n.Depth,
		Held:       c.ID == tc.heldID && c.Status != blog.CommentApproved,
	}
	if cv.Held {
		cv.LoginURL = tc.heldLogin
	}
	if strings.TrimSpace(cv.AuthorName) == "" {
		cv.AuthorName = "Anonymous"
	}
	if u, ok := blog.NormalizeURL(c.AuthorURL); ok && u != "" {
		cv.AuthorURL = u
	}
	cv.Date, cv.DateISO = commentDate(tc.st, c.CreatedAt)
	if c.Type.IsLinkback() {
		tc.linkbackView(c, cv)
		return cv // not replied to, and never threaded (blog.BuildThread)
	}
	if tc.canReply && !cv.Held && n.Depth < tc.depth {
		cv.ReplyURL = "?replytocom=" + strconv.FormatInt(c.ID, 10) + "#respond"
	}
	for _, r := range n.Replies {
		cv.Replies = append(cv.Replies, tc.view(r))
	}
	return cv
}

// discussionState is what one request adds to a post's discussion: the
// comment page, a held comment shown to its author, and the form's state.
type discussionState struct {
	page int           // comment page, 1 for the permalink
	held *blog.Comment // the reader's own comment awaiting moderation
	form *formView     // a rejected form, as the reader left it; nil for a fresh one
	user *blog.User    // the logged-in user, if any
	// cookieForm prefills the fresh form from the reader's cookie.
	cookieForm *commenterCookie
	replyTo    int64 // ?replytocom=
}

// discussion builds the comments section of p for one request. It returns
// blog.ErrNotFound for a comment page past the last. The thread comes from
// the thread cache unless the reader's own held comment belongs in it.
func (h *Handler) discussion(r *http.Request, st *site.Settings, ver int64, p *blog.Post, approved []blog.Comment, ds *discussionState) (*commentsView, error) {
	ctx := r.Context()
	open, err := h.commentsOpen(ctx, p)
	if err != nil {
		return nil, err
	}
	key := threadKey{postID: p.ID, page: ds.page, open: open}
	theme, now := h.Theme.Version(), h.Now()
	var part *threadPart
	if ds.held == nil {
		part = h.threads.get(key, ver, theme, now)
	}
	if part == nil {
		if part, err = h.renderThread(ctx, st, p, approved, ds, open); err != nil {
			return nil, err
		}
		if ds.held == nil && part.html != "" {
			part.version, part.theme, part.at = ver, theme, now
			h.threads.put(key, part)
		}
	}
	cv := &commentsView{PostTitle: p.Title, Count: thoughtCount(approved), Open: open, Page: ds.page, Pages: part.pages,
		Thread: part.thread, Mentions: part.mentions, Reactions: part.reactions, Prev: part.prev, Next: part.next,
		ThreadHTML: part.html, photoOrigins: part.photoOrigins}
	base := st.PostPath(p)
	if !open {
		return cv, nil
	}

	f := ds.form
	if f == nil {
		f = &formView{}
		if ck := ds.cookieForm; ck != nil {
			f.Name, f.Email, f.URL, f.Remember = ck.Name, ck.Email, ck.URL, true
		}
		f.ParentID = ds.replyTo
		if f.Token, err = h.Comments.NewToken(ctx, p.ID); err != nil {
			return nil, fmt.Errorf("web: comment token: %w", err)
		}
	}
	f.Action, f.PostID = st.Path(commentAction), p.ID
	if f.ParentID != 0 {
		f.ReplyTo = ""
		for i := range approved {
			if approved[i].ID == f.ParentID && !approved[i].Type.IsLinkback() {
				f.ReplyTo = approved[i].AuthorName
				if strings.TrimSpace(f.ReplyTo) == "" {
					f.ReplyTo = "Anonymous"
				}
			}
		}
		if f.ReplyTo == "" && ds.form == nil {
			f.ParentID = 0 // ?replytocom= names no approved comment of this post
		}
	}
	f.CancelURL = st.Path(commentPagePath(base, ds.page)) + "#respond"
	if ds.user != nil {
		f.User, f.LogoutPath = ds.user.Name, st.Path("/admin/logout")
	}
	cv.Form = f
	return cv, nil
}

// renderThread builds and renders one comment page of p: approved
// comments, and the reader's held one when ds has it.
func (h *Handler) renderThread(ctx context.Context, st *site.Settings, p *blog.Post, approved []blog.Comment, ds *discussionState, open bool) (*threadPart, error) {
	d := st.Discussion
	list := approved
	if ds.held != nil {
		list = append(append([]blog.Comment(nil), approved...), *ds.held)
		sortComments(list)
	}
	roots, pages := threadPages(list, &d)
	if ds.page > pages {
		return nil, fmt.Errorf("web: comment page %d of %d: %w", ds.page, pages, blog.ErrNotFound)
	}
	avatar, err := h.avatarFunc(ctx, st)
	if err != nil {
		return nil, err
	}
	part := &threadPart{pages: pages}
	tc := &threadContext{st: st, post: p, depth: d.ThreadDepth, avatar: avatar, canReply: open}
	if ds.held != nil {
		tc.heldID = ds.held.ID
		if ds.held.UserID == 0 {
			// The admin's login returns only to admin pages (?next=).
			tc.heldLogin = st.Path("/admin/login")
		}
	}
	per := max(d.CommentsPerPage, 1)
	from, to := (ds.page-1)*per, min(ds.page*per, len(roots))
	for _, n := range roots[from:to] {
		part.thread = append(part.thread, tc.view(n))
	}
	if ds.page == 1 {
		_, mentions, reactions := splitDiscussion(list, &d)
		for i := range mentions {
			part.mentions = append(part.mentions, tc.view(&blog.ThreadNode{Comment: &mentions[i], Depth: 1}))
		}
		part.reactions = tc.reactionGroups(reactions)
	}
	for o := range tc.origins {
		part.photoOrigins = append(part.photoOrigins, o)
	}
	sort.Strings(part.photoOrigins)
	base := st.PostPath(p)
	if ds.page > 1 {
		part.prev = st.Path(commentPagePath(base, ds.page-1)) + "#comments"
	}
	if ds.page < pages {
		part.next = st.Path(commentPagePath(base, ds.page+1)) + "#comments"
	}
	if !h.Theme.HasPart(threadTemplate) {
		return part, nil // an older theme ranges over Thread itself
	}
	var sb strings.Builder
	err = h.Theme.RenderPartAt(&sb, st.Prefix(), threadTemplate, &commentsView{Thread: part.thread, Mentions: part.mentions,
		Reactions: part.reactions, Page: ds.page, Pages: pages, Prev: part.prev, Next: part.next})
	if err != nil {
		return nil, fmt.Errorf("web: render thread: %w", err)
	}
	part.html = template.HTML(sb.String())
	return part, nil
}

// threadTemplate is the theme's template of one page of a thread.
const threadTemplate = "comment-thread"

// commentsOpen reports whether p takes comments now. Without a comments
// service nothing does.
func (h *Handler) commentsOpen(ctx context.Context, p *blog.Post) (bool, error) {
	if h.Comments == nil {
		return false, nil
	}
	open, err := h.Comments.CommentsOpen(ctx, p)
	if err != nil {
		return false, fmt.Errorf("web: comments open: %w", err)
	}
	return open, nil
}

// commentAction is where the reply form posts: WordPress's address, so old
// forms and tools keep working.
const commentAction = "/wp-comments-post.php"

// heldQuery is the query string of the link that shows a held comment to
// its author.
func heldQuery(id int64, hash string) string {
	return "unapproved=" + strconv.FormatInt(id, 10) + "&moderation-hash=" + url.QueryEscape(hash)
}
