package admin

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/site"
)

// maxCommentForm bounds a comment form: the longest comment and room for
// the other fields.
const maxCommentForm = blog.MaxCommentBytes + 16<<10

// commentUpdate saves a moderator's edit of a comment's author name,
// email, website and text; of a linkback's name, URL and excerpt (kept as
// plain text, as received).
func (h *Handler) commentUpdate(w http.ResponseWriter, r *http.Request, u *blog.User) {
	c, err := h.moderatableComment(r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The server's body limit has read the form, bounded (bodyLimits in
	// internal/server), or answered 413 already.
	f := commentForm{
		Name:  strings.TrimSpace(r.PostFormValue("author")),
		Email: strings.TrimSpace(r.PostFormValue("email")),
		URL:   strings.TrimSpace(r.PostFormValue("url")),
		Text:  strings.ReplaceAll(r.PostFormValue("comment"), "\r\n", "\n"),
	}
	linkback := c.Type.IsLinkback()
	var fe blog.FieldErrors
	if linkback {
		f.Email = c.AuthorEmail // a linkback has none to edit
		fe = checkLinkbackForm(&f)
	} else {
		fe = checkCommentForm(&f)
	}
	if len(fe) > 0 {
		h.showComment(w, r, http.StatusUnprocessableEntity, c, f, "", fe)
		return
	}
	if linkback {
		c.AuthorName, c.AuthorURL = f.Name, sourceLink(f.URL)
		c.Content, c.ContentHTML = strings.TrimSpace(f.Text), linkbackHTML(f.Text)
	} else {
		normURL, _ := blog.NormalizeURL(f.URL)
		c.AuthorName, c.AuthorEmail, c.AuthorURL = f.Name, blog.NormalizeEmail(f.Email), normURL
		c.Content, c.ContentHTML = f.Text, markup.RenderComment(f.Text)
	}
	if err := h.Store.UpdateComment(r.Context(), c); err != nil {
		h.fail(w, r, err)
		return
	}
	h.setFlash(r, "Comment updated.")
	http.Redirect(w, r, site.PathFor(r, commentURL(c.ID)), http.StatusSeeOther)
}

// checkCommentForm reports every problem of a moderator's edit at once. The
// email may be empty (an erased comment has none), the name may not.
func checkCommentForm(f *commentForm) blog.FieldErrors {
	fe := blog.FieldErrors{}
	in := blog.CommentInput{Content: f.Text, AuthorURL: f.URL, AuthorName: f.Name, AuthorEmail: f.Email}
	if verrs, ok := blog.AsValidation(in.Validate(true)); ok {
		for k, v := range verrs {
			fe.Add(k, v)
		}
	}
	if le, ok := markup.AsLimit(markup.Check(f.Text)); ok {
		fe.Add("comment", le.Message()+".")
	}
	switch {
	case !utf8.ValidString(f.Name):
		fe.Add("author", "The name contains text that is not valid UTF-8.")
	case f.Name == "":
		fe.Add("author", "Enter the author's name.")
	case utf8.RuneCountInString(f.Name) > 245:
		fe.Add("author", "The name is too long.")
	}
	if f.Email != "" && !blog.ValidEmail(blog.NormalizeEmail(f.Email)) {
		fe.Add("email", "Enter a valid email address, like name@example.com, or leave it empty.")
	}
	return fe
}
