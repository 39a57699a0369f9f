package admin

import (
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// commentReply publishes a reply to a comment as the logged-in user, as
// WordPress's "Reply" (and "Approve and reply" for a held comment) does:
// the reply is approved at once, and a held comment it answers is approved
// with it.
func (h *Handler) commentReply(w http.ResponseWriter, r *http.Request, u *blog.User) {
	ctx := r.Context()
	c, err := h.moderatableComment(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The server's body limit has read the form, bounded (bodyLimits in
	// internal/server), or answered 413 already.
	if c.Type.IsLinkback() {
		h.setFlashErr(r, "A pingback, trackback or webmention cannot be answered: reply on the page it came from.")
		http.Redirect(w, r, site.PathFor(r, commentURL(c.ID)), http.StatusSeeOther)
		return
	}
	if c.Status != blog.CommentPending && c.Status != blog.CommentApproved {
		h.setFlashErr(r, "Only a pending or approved comment can be answered. Restore this one first.")
		http.Redirect(w, r, site.PathFor(r, commentURL(c.ID)), http.StatusSeeOther)
		return
	}
	text := strings.ReplaceAll(r.PostFormValue("reply"), "\r\n", "\n")
	fe := blog.FieldErrors{}
	in := blog.CommentInput{PostID: c.PostID, ParentID: c.ID, Content: text}
	if verrs, ok := blog.AsValidation(in.Validate(true)); ok {
		for _, v := range verrs {
			fe.Add("reply", v)
		}
	}
	if le, ok := markup.AsLimit(markup.Check(text)); ok {
		fe.Add("reply", le.Message()+".")
	}
	form := commentForm{Name: c.AuthorName, Email: c.AuthorEmail, URL: c.AuthorURL, Text: c.Content}
	if len(fe) > 0 {
		h.showComment(w, r, http.StatusUnprocessableEntity, c, form, text, fe)
		return
	}
	reply := &blog.Comment{
		PostID: c.PostID, ParentID: c.ID, Type: blog.TypeComment, Status: blog.CommentApproved,
		AuthorName: u.Name, AuthorEmail: u.Email, UserID: u.ID,
		Content: text, ContentHTML: markup.RenderComment(text), CreatedAt: h.now(),
	}
	// Approving the comment, publishing the reply and the follow-up mail
	// of both are one write.
	err = h.Store.InTx(ctx, func(tx *store.Store) error {
		if c.Status == blog.CommentPending {
			if _, err := h.moderateIn(ctx, tx, u, commentActions["approve"], []int64{c.ID}); err != nil {
				return err
			}
		}
		if err := tx.CreateComment(ctx, reply); err != nil {
			return err
		}
		if h.Notify != nil {
			return h.Notify.CommentApproved(ctx, tx, reply)
		}
		return nil
	})
	if err != nil {
		if verrs, ok := blog.AsValidation(err); ok {
			for _, v := range verrs {
				fe.Add("reply", v)
			}
			h.showComment(w, r, http.StatusUnprocessableEntity, c, form, text, fe)
			return
		}
		h.fail(w, r, err)
		return
	}
	msg := "Reply published."
	if c.Status == blog.CommentPending {
		msg = "Comment approved and reply published."
	}
	h.setFlash(r, msg)
	http.Redirect(w, r, site.PathFor(r, commentsBack(r)), http.StatusSeeOther)
}
