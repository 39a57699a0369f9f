package admin

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// commentAction is one moderation action a button or the bulk menu offers.
type commentAction struct {
	Name  string             // the form value and path segment
	Label string             // what the button says
	Done  string             // what the message says was done
	To    blog.CommentStatus // the status it moves comments to; "" deletes them
}

// commentActions are every moderation action, by name.
var commentActions = map[string]commentAction{
	"approve":   {"approve", "Approve", "approved", blog.CommentApproved},
	"unapprove": {"unapprove", "Unapprove", "unapproved", blog.CommentPending},
	"spam":      {"spam", "Spam", "marked as spam", blog.CommentSpam},
	"unspam":    {"unspam", "Not spam", "approved as not spam", blog.CommentApproved},
	"trash":     {"trash", "Trash", "moved to the trash", blog.CommentTrash},
	"restore":   {"restore", "Restore", "restored", blog.CommentPending}, // to the status it had; see moderate
	"delete":    {"delete", "Delete permanently", "deleted permanently", ""},
}

// actionsFor lists the actions offered for a comment with status st, in
// the order they are shown.
func actionsFor(st blog.CommentStatus) []commentAction {
	var names []string
	switch st {
	case blog.CommentPending:
		names = []string{"approve", "spam", "trash"}
	case blog.CommentApproved:
		names = []string{"unapprove", "spam", "trash"}
	case blog.CommentSpam:
		names = []string{"unspam", "delete"}
	case blog.CommentTrash:
		names = []string{"restore", "delete"}
	default:
		names = []string{"approve", "unapprove", "spam", "trash"}
	}
	out := make([]commentAction, len(names))
	for i, n := range names {
		out[i] = commentActions[n]
	}
	return out
}

// moderationScope is the post author whose comments u may moderate: 0 (all)
// for owners and editors, u itself for authors.
func moderationScope(u *blog.User) int64 {
	if u.CanEditOthers() {
		return 0
	}
	return u.ID
}

// moderatableComment loads the comment named in the path, answering not
// found when there is none and forbidden when u may not moderate it.
func (h *Handler) moderatableComment(r *http.Request, u *blog.User) (*blog.Comment, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	c, err := h.Store.Comment(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if scope := moderationScope(u); scope != 0 {
		mine, err := h.Store.CommentsByID(r.Context(), scope, id)
		if err != nil {
			return nil, err
		}
		if len(mine) == 0 {
			return nil, errForbidden
		}
	}
	return c, nil
}

// moderate applies act to the comments ids that u may moderate and returns
// how many it changed. Comments that become approved are passed to the
// notifier in the same transaction, so the approval and the follow-up
// mail are stored together or not at all.
func (h *Handler) moderate(r *http.Request, u *blog.User, act commentAction, ids []int64) (int, error) {
	ctx := r.Context()
	n := 0
	err := h.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		n, err = h.moderateIn(ctx, tx, u, act, ids)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// moderateIn is moderate inside the transaction of tx.
func (h *Handler) moderateIn(ctx context.Context, tx *store.Store, u *blog.User, act commentAction, ids []int64) (int, error) {
	cs, err := tx.CommentsByID(ctx, moderationScope(u), ids...)
	if err != nil || len(cs) == 0 {
		return 0, err
	}
	allowed := make([]int64, len(cs))
	for i := range cs {
		allowed[i] = cs[i].ID
	}
	if act.To == "" {
		return tx.DeleteComments(ctx, allowed...)
	}
	if act.Name == "restore" {
		return tx.RestoreComments(ctx, allowed...)
	}
	n, err := tx.SetCommentStatus(ctx, act.To, allowed...)
	if err != nil {
		return 0, err
	}
	if act.To == blog.CommentApproved && h.Notify != nil {
		for i := range cs {
			if cs[i].Status != blog.CommentApproved {
				c := cs[i]
				c.Status = blog.CommentApproved
				if err := h.Notify.CommentApproved(ctx, tx, &c); err != nil {
					return 0, fmt.Errorf("admin: follow-ups of comment %d: %w", c.ID, err)
				}
			}
		}
	}
	return n, nil
}

// doneMessage says what a moderation action did, as a flash.
func doneMessage(act commentAction, n int) string {
	noun := "comments"
	if n == 1 {
		noun = "comment"
	}
	if n == 0 {
		return "No comment was changed: none of those you chose could be " + act.Done + "."
	}
	return strconv.Itoa(n) + " " + noun + " " + act.Done + "."
}

// commentsBack returns where a moderation form asks to go back to: a page
// of the comments admin, else the comment list.
func commentsBack(r *http.Request) string {
	next := localNext(r.PostFormValue("back"))
	if !strings.HasPrefix(next, "/admin/comments/") {
		return "/admin/comments/"
	}
	return next
}

// commentExcerpt shortens a comment's text for a list row.
func commentExcerpt(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 240
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max])) + "…"
}

// commentURL is the admin page of one comment.
func commentURL(id int64) string { return "/admin/comments/" + strconv.FormatInt(id, 10) }
