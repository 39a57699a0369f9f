package admin

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/quirehq/quire/internal/blog"
)

// commentForm is the comment editor as typed, so a form with errors comes
// back with nothing lost.
type commentForm struct {
	Name, Email, URL, Text string
}

// commentEditData is what the comment page shows: the editor, the reply
// form and the moderation actions.
type commentEditData struct {
	Comment *blog.Comment
	Parent  *blog.Comment // the comment it answers, when there is one
	// ParentExcerpt is the start of the parent's text.
	ParentExcerpt string
	// Shown is the comment as readers see it (sanitised when stored).
	Shown    template.HTML
	Form     commentForm
	Reply    string
	CanReply bool
	Actions  []commentAction
	// Linkback is set for a pingback, trackback or webmention: its
	// source (a usable link, or empty) is shown, and it has no email
	// and takes no reply.
	Linkback bool
	Source   string
}

// commentEdit shows one comment with its editor, the "reply as the author"
// form and its moderation buttons. A linkback shows its type and source,
// and its editor has no email field and no reply form.
func (h *Handler) commentEdit(w http.ResponseWriter, r *http.Request, u *blog.User) {
	c, err := h.moderatableComment(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := commentForm{Name: c.AuthorName, Email: c.AuthorEmail, URL: c.AuthorURL, Text: c.Content}
	h.showComment(w, r, http.StatusOK, c, f, "", nil)
}

// showComment renders the comment page with the typed forms and errors.
func (h *Handler) showComment(w http.ResponseWriter, r *http.Request, status int, c *blog.Comment, f commentForm, reply string, fe blog.FieldErrors) {
	d := commentEditData{Comment: c, Form: f, Reply: reply, Actions: actionsFor(c.Status), Shown: safeHTML(c.ContentHTML),
		CanReply: c.Status == blog.CommentPending || c.Status == blog.CommentApproved}
	if c.Type.IsLinkback() {
		// A source's words are shown as text, whatever the stored HTML.
		d.Linkback, d.CanReply, d.Shown = true, false, safeHTML(linkbackHTML(c.Content))
		d.Source = sourceLink(firstNonEmpty(c.SourceURL, c.AuthorURL))
	}
	if c.ParentID != 0 {
		p, err := h.Store.Comment(r.Context(), c.ParentID)
		if err != nil && !errors.Is(err, blog.ErrNotFound) {
			h.fail(w, r, err)
			return
		}
		d.Parent = p
		if p != nil {
			d.ParentExcerpt = commentExcerpt(p.Content)
		}
	}
	h.render(w, r, status, "comment_edit", &view{Title: "Edit comment", Section: "comments", Errors: fe, D: d})
}
