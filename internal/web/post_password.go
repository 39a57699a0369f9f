package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
)

// passwordAttempts passwords may be tried per client address in each
// passwordWindow, across every protected post.
const (
	passwordAttempts = 20
	passwordWindow   = 10 * time.Minute
)

// passwordCookieAge is how long a reader stays let in to a protected post.
const passwordCookieAge = 10 * 24 * time.Hour

// postPassword checks the password a reader typed for a protected post.
// Right: a cookie proving it (never the password itself) and 303 back to
// the post. Wrong: the form again with an error.
func (h *Handler) postPassword(w http.ResponseWriter, r *http.Request) {
	personal(w)
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, errBadRequest("The form could not be read. Please try again."))
		return
	}
	id, err := strconv.ParseInt(r.PostForm.Get("post_id"), 10, 64)
	if err != nil || id <= 0 {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	st, ver, c, err := h.current(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.Store.Post(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !p.IsPublic(h.Now()) {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	if p.Password == "" {
		http.Redirect(w, r, st.Path(st.PostPath(p)), http.StatusSeeOther)
		return
	}
	ok, err := h.Store.Allow(r.Context(), "post-password:"+clientip.BucketFrom(r), passwordAttempts, passwordWindow)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !ok {
		h.fail(w, r, &statusError{status: http.StatusTooManyRequests,
			msg: "Too many password attempts from your address. Please wait a few minutes and try again."})
		return
	}
	typed := r.PostForm.Get("password")
	if subtle.ConstantTimeCompare([]byte(typed), []byte(p.Password)) != 1 {
		h.showPost(w, r, st, ver, c, p, postOpts{pwErr: "That password is not correct. Please try again."})
		return
	}
	token, err := h.passwordToken(r.Context(), p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st.SetCookie(w, r, &http.Cookie{
		Name:   passwordCookieName(p.ID),
		Value:  token,
		Path:   "/",
		MaxAge: int(passwordCookieAge / time.Second),
	})
	http.Redirect(w, r, st.Path(st.PostPath(p)), http.StatusSeeOther)
}

func passwordCookieName(id int64) string { return "quire_post_" + strconv.FormatInt(id, 10) }

// passwordCookieOK reports whether the request carries a valid proof that
// the reader typed p's current password.
func (h *Handler) passwordCookieOK(r *http.Request, p *blog.Post) (bool, error) {
	ck, err := r.Cookie(passwordCookieName(p.ID))
	if err != nil {
		return false, nil
	}
	want, err := h.passwordToken(r.Context(), p)
	if err != nil {
		return false, err
	}
	return hmac.Equal([]byte(ck.Value), []byte(want)), nil
}

// passwordToken is HMAC-SHA256(site secret, post ID + hash of the post's
// password): it proves the password was typed, stops working when the
// password changes, and reveals nothing of it.
func (h *Handler) passwordToken(ctx context.Context, p *blog.Post) (string, error) {
	key, err := h.Site.Key(ctx, "post-password")
	if err != nil {
		return "", err
	}
	pw := sha256.Sum256([]byte(p.Password))
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "post-password\x00%d\x00%x", p.ID, pw)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}
