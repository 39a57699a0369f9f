package notify

import (
	"net/http"
	"strconv"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

var actionButtons = map[string]string{
	"approve": "Approve the comment",
	"spam":    "Mark the comment as spam",
	"trash":   "Move the comment to the trash",
}

var actionDone = map[string]string{
	"approve": "Comment approved",
	"spam":    "Comment marked as spam",
	"trash":   "Comment moved to the trash",
}

// statusDone says what a moderator did to a comment to give it a status.
var statusDone = map[blog.CommentStatus]string{
	blog.CommentApproved: "approved",
	blog.CommentPending:  "sent back to wait for approval",
	blog.CommentSpam:     "marked as spam",
	blog.CommentTrash:    "moved to the trash",
}

// statusWhile says, for a link made when a comment had a status, what the
// comment was then.
var statusWhile = map[blog.CommentStatus]string{
	blog.CommentApproved: "while it was approved",
	blog.CommentPending:  "while it waited for approval",
	blog.CommentSpam:     "while it was marked as spam",
	blog.CommentTrash:    "while it was in the trash",
}

// moderationLink is a signed moderation link, read: the comment as it is
// now, the action, and the status the comment had when the link was made.
type moderationLink struct {
	c      *blog.Comment
	action string
	from   blog.CommentStatus
}

// moderationTarget reads the comment and action of a signed moderation
// link, answering the request itself (and returning nil) when the link is
// unknown, forged or expired.
func (n *Notifier) moderationTarget(w http.ResponseWriter, r *http.Request) *moderationLink {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	action := r.PathValue("action")
	if _, known := actionStatus[action]; err != nil || !known {
		n.fail(w, r, blog.ErrNotFound)
		return nil
	}
	from := r.FormValue("from")
	ok, err := n.checkAction(r.Context(), id, action, from, r.FormValue("e"), r.FormValue("s"))
	if err != nil {
		n.fail(w, r, err)
		return nil
	}
	if !ok {
		n.show(w, r, http.StatusForbidden, page{Title: "This link does not work",
			Paragraphs: []string{"Moderation links in emails work for 14 days, and only as they were sent. " +
				"This one has expired or was changed, so nothing was done. Moderate the comment in the admin instead."},
			Links: []actionLink{{Label: "See all pending comments", URL: site.PathFor(r, PendingPath)}}})
		return nil
	}
	c, err := n.Store.Comment(r.Context(), id)
	if err != nil {
		n.fail(w, r, err)
		return nil
	}
	return &moderationLink{c: c, action: action, from: blog.CommentStatus(from)}
}

// commentView shows comment c on the moderation pages.
func (n *Notifier) commentView(r *http.Request, set *site.Settings, c *blog.Comment) *commentView {
	view := &commentView{PostTitle: c.PostTitle, AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail,
		AuthorURL: c.AuthorURL, AuthorIP: c.AuthorIP, Status: string(c.Status),
		Date: c.CreatedAt.In(set.Loc).Format("January 2, 2006 at 3:04 pm"), Paragraphs: paragraphs(c.Content)}
	if post, err := n.Store.Post(r.Context(), c.PostID); err == nil {
		view.PostURL = set.Path(set.PostPath(post))
	}
	return view
}

// moderateShow shows the comment of a signed moderation link and a button
// that does the action; opening the link changes nothing. A comment
// moderated since the mail was sent gets no button: the page says what
// happened instead.
func (n *Notifier) moderateShow(w http.ResponseWriter, r *http.Request) {
	l := n.moderationTarget(w, r)
	if l == nil {
		return
	}
	if l.c.Status != l.from {
		n.showChanged(w, r, l)
		return
	}
	set, _, err := n.Site.Current(r.Context())
	if err != nil {
		n.fail(w, r, err)
		return
	}
	n.show(w, r, http.StatusOK, page{Title: actionButtons[l.action] + "?", Comment: n.commentView(r, set, l.c),
		Links: []actionLink{{Label: "See all pending comments", URL: site.PathFor(r, PendingPath)}},
		Form: &form{Button: actionButtons[l.action], Hidden: []hidden{{Name: "e", Value: r.FormValue("e")},
			{Name: "from", Value: string(l.from)}, {Name: "s", Value: r.FormValue("s")}}}})
}

// moderateDo does the action of a signed moderation link, only if the
// comment still has the status it had when the mail was sent: an old link
// never undoes a moderator's later decision. A comment that becomes
// approved is sent to the post's follow-up subscribers, in the same
// transaction.
func (n *Notifier) moderateDo(w http.ResponseWriter, r *http.Request) {
	l := n.moderationTarget(w, r)
	if l == nil {
		return
	}
	if l.c.Status != l.from {
		n.showChanged(w, r, l)
		return
	}
	ctx := r.Context()
	status := actionStatus[l.action]
	changed := false
	err := n.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if changed, err = tx.SetCommentStatusFrom(ctx, l.c.ID, l.from, status); err != nil || !changed {
			return err
		}
		if status == blog.CommentApproved {
			return n.CommentApproved(ctx, tx, l.c)
		}
		return nil
	})
	if err != nil {
		n.fail(w, r, err)
		return
	}
	if !changed {
		// Moderated or deleted between the read and the write.
		if l.c, err = n.Store.Comment(ctx, l.c.ID); err != nil {
			n.fail(w, r, err)
			return
		}
		n.showChanged(w, r, l)
		return
	}
	links := []actionLink{{Label: "See all pending comments", URL: site.PathFor(r, PendingPath)}}
	if status == blog.CommentApproved {
		if set, _, err := n.Site.Current(ctx); err == nil {
			if post, err := n.Store.Post(ctx, l.c.PostID); err == nil {
				links = append([]actionLink{{Label: "See the comment on the post", URL: set.Path(set.PostPath(post)) + "#comment-" + strconv.FormatInt(l.c.ID, 10)}}, links...)
			}
		}
	}
	n.show(w, r, http.StatusOK, page{Title: actionDone[l.action],
		Paragraphs: []string{"The comment by " + l.c.AuthorName + " on “" + l.c.PostTitle + "” is " + string(status) + " now."},
		Links:      links})
}

// showChanged says that the comment of a moderation link was moderated
// after the mail was sent, when and how, and that the link did nothing
// (409 Conflict).
func (n *Notifier) showChanged(w http.ResponseWriter, r *http.Request, l *moderationLink) {
	set, _, err := n.Site.Current(r.Context())
	if err != nil {
		n.fail(w, r, err)
		return
	}
	what := "This comment was " + statusDone[l.c.Status] + " by a moderator"
	if at, err := n.Store.CommentStatusChangedAt(r.Context(), l.c.ID); err == nil && !at.IsZero() {
		what += " on " + at.In(set.Loc).Format("January 2, 2006 at 3:04 pm")
	}
	n.show(w, r, http.StatusConflict, page{Title: "This comment was moderated since the email was sent",
		Paragraphs: []string{what + ".",
			"The link in the email was made " + statusWhile[l.from] + ", so it changed nothing. " +
				"To change the comment again, moderate it in the admin."},
		Comment: n.commentView(r, set, l.c),
		Links: []actionLink{{Label: "Moderate it in the admin", URL: site.PathFor(r, "/admin/comments/"+strconv.FormatInt(l.c.ID, 10))},
			{Label: "See all pending comments", URL: site.PathFor(r, PendingPath)}}})
}
