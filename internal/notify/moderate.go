package notify

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/quirehq/quire/internal/blog"
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

// moderationTarget reads the comment and action of a signed moderation
// link, answering the request itself (and returning nil) when the link is
// unknown, forged or expired.
func (n *Notifier) moderationTarget(w http.ResponseWriter, r *http.Request) (*blog.Comment, string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	action := r.PathValue("action")
	if _, known := actionStatus[action]; err != nil || !known {
		n.fail(w, r, blog.ErrNotFound)
		return nil, ""
	}
	ok, err := n.checkAction(r.Context(), id, action, r.FormValue("e"), r.FormValue("s"))
	if err != nil {
		n.fail(w, r, err)
		return nil, ""
	}
	if !ok {
		n.show(w, r, http.StatusForbidden, page{Title: "This link does not work",
			Paragraphs: []string{"Moderation links in emails work for 14 days, and only as they were sent. " +
				"This one has expired or was changed, so nothing was done. Moderate the comment in the admin instead."},
			Links: []actionLink{{Label: "See all pending comments", URL: PendingPath}}})
		return nil, ""
	}
	c, err := n.Store.Comment(r.Context(), id)
	if err != nil {
		n.fail(w, r, err)
		return nil, ""
	}
	return c, action
}

// moderateShow shows the comment of a signed moderation link and a button
// that does the action; opening the link changes nothing.
func (n *Notifier) moderateShow(w http.ResponseWriter, r *http.Request) {
	c, action := n.moderationTarget(w, r)
	if c == nil {
		return
	}
	set, _, err := n.Site.Current(r.Context())
	if err != nil {
		n.fail(w, r, err)
		return
	}
	view := &commentView{PostTitle: c.PostTitle, AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail,
		AuthorURL: c.AuthorURL, AuthorIP: c.AuthorIP, Status: string(c.Status),
		Date: c.CreatedAt.In(set.Loc).Format("January 2, 2006 at 3:04 pm"), Paragraphs: paragraphs(c.Content)}
	if post, err := n.Store.Post(r.Context(), c.PostID); err == nil {
		view.PostURL = set.PostPath(post)
	}
	p := page{Title: actionButtons[action] + "?", Comment: view,
		Links: []actionLink{{Label: "See all pending comments", URL: PendingPath}}}
	if c.Status == actionStatus[action] {
		p.Title = actionDone[action]
		p.Paragraphs = []string{"Nothing to do: the comment is " + string(c.Status) + " already."}
	} else {
		p.Form = &form{Button: actionButtons[action],
			Hidden: []hidden{{Name: "e", Value: r.FormValue("e")}, {Name: "s", Value: r.FormValue("s")}}}
	}
	n.show(w, r, http.StatusOK, p)
}

// moderateDo does the action of a signed moderation link. A comment that
// becomes approved is sent to the post's follow-up subscribers.
func (n *Notifier) moderateDo(w http.ResponseWriter, r *http.Request) {
	c, action := n.moderationTarget(w, r)
	if c == nil {
		return
	}
	status := actionStatus[action]
	if c.Status != status {
		count, err := n.Store.SetCommentStatus(r.Context(), status, c.ID)
		if err != nil {
			n.fail(w, r, err)
			return
		}
		if count == 0 {
			n.fail(w, r, blog.ErrNotFound)
			return
		}
		if status == blog.CommentApproved {
			c.Status = status
			if err := n.CommentApproved(r.Context(), c); err != nil {
				// The comment is approved; only the mail failed, and the
				// moderator cannot fix that from here.
				slog.ErrorContext(r.Context(), "notify: follow-ups of an approved comment", "comment", c.ID, "err", err)
			}
		}
	}
	links := []actionLink{{Label: "See all pending comments", URL: PendingPath}}
	if status == blog.CommentApproved {
		if set, _, err := n.Site.Current(r.Context()); err == nil {
			if post, err := n.Store.Post(r.Context(), c.PostID); err == nil {
				links = append([]actionLink{{Label: "See the comment on the post", URL: set.PostPath(post) + "#comment-" + strconv.FormatInt(c.ID, 10)}}, links...)
			}
		}
	}
	n.show(w, r, http.StatusOK, page{Title: actionDone[action],
		Paragraphs: []string{"The comment by " + c.AuthorName + " on “" + c.PostTitle + "” is " + string(status) + " now."},
		Links:      links})
}
