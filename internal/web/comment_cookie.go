package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Cookie names of the discussion.
const (
	// commenterCookieName keeps a reader's name, email and website when they
	// ticked "Save my name, email, and website in this browser".
	commenterCookieName = "quire_commenter"
	// heldCookie lets a reader see their own comment while it awaits
	// moderation, after the signed link has expired: "ID.SIGNATURE".
	heldCookie = "quire_held"
	// sessionUserKey and sessionEpochKey are the admin session's keys of
	// the logged-in user's ID and session epoch (the admin writes them).
	sessionUserKey  = store.SessionUserKey
	sessionEpochKey = store.SessionEpochKey
)

const (
	commenterCookieAge = 365 * 24 * time.Hour
	heldCookieAge      = 30 * 24 * time.Hour
)

// commenterCookie is what the "save my name" cookie holds.
type commenterCookie struct{ Name, Email, URL string }

// readCommenter returns the reader's saved details, or nil.
func readCommenter(r *http.Request) *commenterCookie {
	ck, err := r.Cookie(commenterCookieName)
	if err != nil {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return nil
	}
	v, err := url.ParseQuery(string(raw))
	if err != nil {
		return nil
	}
	c := &commenterCookie{Name: v.Get("n"), Email: v.Get("e"), URL: v.Get("u")}
	if !utf8.ValidString(c.Name+c.Email+c.URL) || c.Name+c.Email+c.URL == "" {
		return nil
	}
	return c
}

// setCommenter saves the reader's details, or forgets them when c is nil,
// with the site's cookie policy.
func setCommenter(w http.ResponseWriter, r *http.Request, st *site.Settings, c *commenterCookie) {
	ck := &http.Cookie{Name: commenterCookieName, Path: "/"}
	if c == nil {
		ck.MaxAge = -1
	} else {
		v := url.Values{"n": {c.Name}, "e": {c.Email}, "u": {c.URL}}
		ck.Value = base64.RawURLEncoding.EncodeToString([]byte(v.Encode()))
		ck.MaxAge = int(commenterCookieAge / time.Second)
	}
	st.SetCookie(w, r, ck)
}

// readHeld returns the comment ID and signature of the reader's held
// comment cookie.
func readHeld(r *http.Request) (int64, string, bool) {
	ck, err := r.Cookie(heldCookie)
	if err != nil {
		return 0, "", false
	}
	ids, sig, ok := strings.Cut(ck.Value, ".")
	id, err := strconv.ParseInt(ids, 10, 64)
	if !ok || err != nil || id <= 0 || sig == "" {
		return 0, "", false
	}
	return id, sig, true
}

// heldSignature signs a held comment for its author's cookie: its ID, post,
// time and email, under the site's "held-comment" key.
func (h *Handler) heldSignature(ctx context.Context, c *blog.Comment) (string, error) {
	key, err := h.Site.Key(ctx, "held-comment")
	if err != nil {
		return "", fmt.Errorf("web: held comment key: %w", err)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%d.%d.%d.%s", c.ID, c.PostID, c.CreatedAt.Unix(), blog.NormalizeEmail(c.AuthorEmail))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// setHeld gives the author of held comment c the cookie that shows it to
// them, with the site's cookie policy.
func (h *Handler) setHeld(w http.ResponseWriter, r *http.Request, st *site.Settings, c *blog.Comment) error {
	sig, err := h.heldSignature(r.Context(), c)
	if err != nil {
		return err
	}
	st.SetCookie(w, r, &http.Cookie{Name: heldCookie, Value: strconv.FormatInt(c.ID, 10) + "." + sig, Path: "/",
		MaxAge: int(heldCookieAge / time.Second)})
	return nil
}

// sessionCookieName is the admin session's cookie name, or "" without
// sessions.
func (h *Handler) sessionCookieName() string {
	if h.Sessions == nil {
		return ""
	}
	return h.Sessions.Cookie.Name
}

// sessionUser returns the logged-in user of an admin session cookie, or
// nil. The session is only read: nothing is written back.
func (h *Handler) sessionUser(r *http.Request) (*blog.User, error) {
	name := h.sessionCookieName()
	if name == "" {
		return nil, nil
	}
	ck, err := r.Cookie(name)
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	ctx, err := h.Sessions.Load(r.Context(), ck.Value)
	if err != nil {
		return nil, fmt.Errorf("web: load session: %w", err)
	}
	id := h.Sessions.GetInt64(ctx, sessionUserKey)
	if id == 0 {
		return nil, nil
	}
	u, err := h.Store.User(r.Context(), id)
	if errors.Is(err, blog.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("web: session user: %w", err)
	}
	if h.Sessions.GetInt64(ctx, sessionEpochKey) != u.SessionEpoch {
		return nil, nil // ended by a password change or "Log out everywhere else"
	}
	return u, nil
}

// heldComment returns the reader's own comment awaiting moderation on
// post p, named by the signed ?unapproved= link (good for a few minutes)
// or the held cookie, or nil when there is none or the signature is wrong.
func (h *Handler) heldComment(ctx context.Context, r *http.Request, p *blog.Post) (*blog.Comment, error) {
	if h.Comments == nil {
		return nil, nil
	}
	q := r.URL.Query()
	if id, err := strconv.ParseInt(q.Get("unapproved"), 10, 64); err == nil && id > 0 && q.Get("moderation-hash") != "" {
		c, err := h.heldCandidate(ctx, p, id)
		if c == nil || err != nil {
			return nil, err
		}
		if h.Comments.CheckModerationHash(ctx, c, q.Get("moderation-hash")) {
			return c, nil
		}
	}
	id, sig, ok := readHeld(r)
	if !ok {
		return nil, nil
	}
	c, err := h.heldCandidate(ctx, p, id)
	if c == nil || err != nil {
		return nil, err
	}
	want, err := h.heldSignature(ctx, c)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return nil, nil
	}
	return c, nil
}

// heldCandidate returns comment id when it is on p and not approved.
func (h *Handler) heldCandidate(ctx context.Context, p *blog.Post, id int64) (*blog.Comment, error) {
	c, err := h.Store.Comment(ctx, id)
	if errors.Is(err, blog.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("web: held comment: %w", err)
	}
	if c.PostID != p.ID || c.Status == blog.CommentApproved {
		return nil, nil
	}
	return c, nil
}

// wantsPersonal reports whether a request may be answered with a page made
// for one reader: their saved details, their held comment, their session,
// a protected post they unlocked (its cookie). A reader with no cookie
// and no query, as most are, costs two checks: nothing is parsed.
func (h *Handler) wantsPersonal(r *http.Request) bool {
	if r.URL.RawQuery != "" && r.URL.Query().Has("unapproved") {
		return true
	}
	if len(r.Header["Cookie"]) == 0 {
		return false
	}
	session := h.sessionCookieName()
	for _, c := range r.Cookies() {
		if strings.HasPrefix(c.Name, passwordCookiePrefix) || c.Name == commenterCookieName || c.Name == heldCookie ||
			(c.Name != "" && c.Name == session) {
			return true
		}
	}
	return false
}
