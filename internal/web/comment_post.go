package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/comments"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// maxCommentForm bounds a comment form's body: room for the longest
// comment allowed, the other fields and percent-encoding, so that text
// just over the limit is told so beside its field.
const maxCommentForm = 4*blog.MaxCommentBytes + 16<<10

// Form field names of the reply form: WordPress's, so old forms and tools
// keep working, and the signed time token and honeypot of Quire.
const (
	fieldPostID    = "comment_post_ID"
	fieldParent    = "comment_parent"
	fieldComment   = "comment"
	fieldAuthor    = "author"
	fieldEmail     = "email"
	fieldURL       = "url"
	fieldToken     = "comment_token"
	fieldHoneypot  = "comment_hp"
	fieldRemember  = "wp-comment-cookies-consent"
	fieldSubscribe = "subscribe"
)

// commentPost takes a comment from the reply form (POST
// /wp-comments-post.php). Stored and approved: 303 to the comment in the
// thread. Stored and held: 303 to the post with a signed link showing the
// comment to its author only. Refused: the post again with the form as the
// reader left it, each problem beside its field, and nothing stored.
func (h *Handler) commentPost(w http.ResponseWriter, r *http.Request) {
	personal(w)
	ctx := r.Context()
	// The server's body limit has read the form, bounded (bodyLimits in
	// internal/server), or answered 413 already.
	f := r.PostForm
	id, err := strconv.ParseInt(f.Get(fieldPostID), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, errBadRequest("This comment does not say which post it is for."))
		return
	}
	st, ver, c, err := h.current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Store.Post(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !p.IsPublic(h.Now()) {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	if p.Password != "" {
		ok, err := h.passwordCookieOK(r, p)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if !ok {
			h.fail(w, r, &statusError{status: http.StatusForbidden, msg: "Enter the post's password before commenting on it."})
			return
		}
	}
	if h.Comments == nil {
		h.fail(w, r, &statusError{status: http.StatusForbidden, msg: "Comments are closed."})
		return
	}
	user, err := h.sessionUser(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}

	// What the reader typed, kept to show again if refused.
	form := &formView{
		Comment:   f.Get(fieldComment),
		Name:      f.Get(fieldAuthor),
		Email:     f.Get(fieldEmail),
		URL:       f.Get(fieldURL),
		Token:     f.Get(fieldToken),
		Remember:  f.Get(fieldRemember) != "",
		Subscribe: f.Get(fieldSubscribe) != "",
	}
	parent := int64(0)
	if s := strings.TrimSpace(f.Get(fieldParent)); s != "" && s != "0" {
		if parent, err = strconv.ParseInt(s, 10, 64); err != nil || parent < 0 {
			h.refused(w, r, st, ver, c, p, form, http.StatusUnprocessableEntity, nil,
				"The comment you are replying to could not be found.")
			return
		}
	}
	form.ParentID = parent

	in := blog.CommentInput{PostID: p.ID, ParentID: parent, AuthorName: form.Name, AuthorEmail: form.Email,
		AuthorURL: form.URL, Content: form.Comment}
	req := comments.Request{
		Input: in, Post: p, User: user,
		IP: clientip.From(r), UserAgent: r.UserAgent(), Referer: r.Referer(),
		Token: form.Token, Honeypot: f.Get(fieldHoneypot),
	}
	if h.Notify != nil {
		// The mail about the comment, and the reader's follow-up
		// subscription, are stored with it or not at all.
		subscribe := form.Subscribe
		req.Then = func(ctx context.Context, tx *store.Store, c *blog.Comment) error {
			return h.Notify.CommentStored(ctx, tx, c, subscribe)
		}
	}
	cm, err := h.Comments.Submit(ctx, req)
	if err != nil {
		if fe, ok := blog.AsValidation(err); ok {
			msg := ""
			if m, ok := fe[fieldParent]; ok {
				msg = m
			}
			h.refused(w, r, st, ver, c, p, form, http.StatusUnprocessableEntity, fe, msg)
			return
		}
		var ref *comments.Refusal
		if errors.As(err, &ref) {
			status := refusalStatus(ref.Kind)
			if ref.Kind == comments.RefusedStale || ref.Kind == comments.RefusedHoneypot {
				form.Token = "" // a fresh token comes with the form
			}
			if ref.Kind == comments.RefusedRate || ref.Kind == comments.RefusedFlood {
				w.Header().Set("Retry-After", "15")
			}
			h.refused(w, r, st, ver, c, p, form, status, nil, ref.Msg)
			return
		}
		if store.IsUnavailable(err) {
			h.fail(w, r, err)
			return
		}
		// Nothing was stored: show the form again with what they wrote, so
		// sending it again is one click.
		h.Logger.ErrorContext(ctx, "web: store comment", "post", p.ID, "err", err)
		w.Header().Set("Retry-After", "30")
		h.refused(w, r, st, ver, c, p, form, http.StatusServiceUnavailable, nil,
			"Your comment could not be saved just now because of a problem on our side; nothing was stored. "+
				"Please send it again in a moment.")
		return
	}

	if form.Remember && user == nil {
		setCommenter(w, r, st, &commenterCookie{Name: strings.TrimSpace(cm.AuthorName), Email: cm.AuthorEmail, URL: cm.AuthorURL})
	} else if readCommenter(r) != nil {
		setCommenter(w, r, st, nil)
	}
	list, err := h.Store.PostComments(ctx, p.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	target := ""
	if cm.Status == blog.CommentApproved {
		roots, _ := threadPages(list, &st.Discussion)
		page := pageOfComment(roots, st.Discussion.CommentsPerPage, cm.ID)
		target = commentPagePath(st.PostPath(p), page)
	} else {
		hash, err := h.Comments.ModerationHash(ctx, cm)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		list = append(list, *cm)
		sortComments(list)
		roots, _ := threadPages(list, &st.Discussion)
		page := pageOfComment(roots, st.Discussion.CommentsPerPage, cm.ID)
		target = commentPagePath(st.PostPath(p), page) + "?" + heldQuery(cm.ID, hash)
		if err := h.setHeld(w, r, st, cm); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, st.Path(target)+"#comment-"+strconv.FormatInt(cm.ID, 10), http.StatusSeeOther)
}

// refusalStatus is the response status of a refused comment.
func refusalStatus(k comments.RefusalKind) int {
	switch k {
	case comments.RefusedClosed:
		return http.StatusForbidden
	case comments.RefusedDuplicate:
		return http.StatusConflict
	case comments.RefusedFlood, comments.RefusedRate:
		return http.StatusTooManyRequests
	case comments.RefusedHoneypot:
		return http.StatusBadRequest
	default: // stale, too-fast, bad-parent
		return http.StatusUnprocessableEntity
	}
}

// refused shows the post again with the comment form as the reader left
// it: field problems beside their fields, msg above the form.
func (h *Handler) refused(w http.ResponseWriter, r *http.Request, st *site.Settings, ver int64, c *chrome, p *blog.Post, form *formView, status int, fe blog.FieldErrors, msg string) {
	ctx := r.Context()
	form.Errors = map[string]string{}
	for k, v := range fe {
		switch k {
		case fieldComment, fieldAuthor, fieldEmail, fieldURL:
			form.Errors[k] = v
		default:
			if msg == "" {
				msg = v
			}
		}
	}
	if msg == "" && len(form.Errors) > 0 {
		msg = "Your comment was not posted: please correct the fields marked below."
	}
	form.Message = msg
	form.Comment = strings.ToValidUTF8(form.Comment, "\uFFFD")
	form.Name = strings.ToValidUTF8(form.Name, "\uFFFD")
	form.Email = strings.ToValidUTF8(form.Email, "\uFFFD")
	form.URL = strings.ToValidUTF8(form.URL, "\uFFFD")
	if form.Token == "" {
		tok, err := h.Comments.NewToken(ctx, p.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		form.Token = tok
	}
	page := 1
	if form.ParentID != 0 {
		list, err := h.Store.PostComments(ctx, p.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		roots, _ := threadPages(list, &st.Discussion)
		page = pageOfComment(roots, st.Discussion.CommentsPerPage, form.ParentID)
	}
	h.showPost(w, r, st, ver, c, p, postOpts{cpage: page, form: form, status: status})
}
