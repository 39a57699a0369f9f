package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// ActionLinkTTL is how long an approve, spam or trash link from an author
// mail works.
const ActionLinkTTL = 14 * 24 * time.Hour

// actionStatus maps the actions of author mails to the status they set.
var actionStatus = map[string]blog.CommentStatus{
	"approve": blog.CommentApproved,
	"spam":    blog.CommentSpam,
	"trash":   blog.CommentTrash,
}

// Signer signs the links mails carry, with keys derived from the site's
// secret per purpose ("comment-action", "newsletter-confirm"…), so a
// signature made for one purpose is worthless for another. The comment
// mails of this package and the newsletter's mails both sign with it.
type Signer struct {
	Site *site.Site
	Now  func() time.Time // nil: time.Now
}

func (s Signer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Sign returns the base64url HMAC-SHA256 of fields (joined by NUL bytes)
// under the site's key for purpose.
func (s Signer) Sign(ctx context.Context, purpose string, fields ...string) (string, error) {
	key, err := s.Site.Key(ctx, purpose)
	if err != nil {
		return "", fmt.Errorf("notify: %s key: %w", purpose, err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(strings.Join(fields, "\x00")))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// Verify reports whether sig is Sign's signature of fields for purpose.
func (s Signer) Verify(ctx context.Context, purpose, sig string, fields ...string) (bool, error) {
	if sig == "" {
		return false, nil
	}
	want, err := s.Sign(ctx, purpose, fields...)
	if err != nil {
		return false, err
	}
	return hmac.Equal([]byte(sig), []byte(want)), nil
}

// Token errors of Open.
var (
	// ErrBadToken is a token that is not one of ours: forged, tampered
	// with, for another purpose, or cut short.
	ErrBadToken = errors.New("notify: the link's token is not valid")
	// ErrExpiredToken is a genuine token whose time is up; Open returns
	// its fields with it, so the page can offer a fresh link.
	ErrExpiredToken = errors.New("notify: the link has expired")
)

// Seal returns an opaque, URL-safe token carrying fields (which must not
// contain '.'), signed for purpose, good until exp (the zero time: for
// ever). Nothing but fields and exp is in it, and nothing in it can be
// changed without Open refusing it.
func (s Signer) Seal(ctx context.Context, purpose string, exp time.Time, fields ...string) (string, error) {
	for _, f := range fields {
		if strings.Contains(f, ".") {
			return "", fmt.Errorf("notify: seal: field %q holds a '.'", f)
		}
	}
	e := int64(0)
	if !exp.IsZero() {
		e = exp.Unix()
	}
	payload := strings.Join(append(append([]string{}, fields...), strconv.FormatInt(e, 10)), ".")
	sig, err := s.Sign(ctx, purpose, payload)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + sig, nil
}

// Open checks a token made by Seal for purpose and returns its fields and
// expiry. A token that is not genuine is ErrBadToken (and no fields); a
// genuine one past its expiry is ErrExpiredToken, with its fields.
func (s Signer) Open(ctx context.Context, purpose, token string) (fields []string, exp time.Time, err error) {
	enc, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 512 {
		return nil, time.Time{}, ErrBadToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return nil, time.Time{}, ErrBadToken
	}
	payload := string(raw)
	good, err := s.Verify(ctx, purpose, sig, payload)
	if err != nil {
		return nil, time.Time{}, err
	}
	if !good {
		return nil, time.Time{}, ErrBadToken
	}
	parts := strings.Split(payload, ".")
	e, err := strconv.ParseInt(parts[len(parts)-1], 10, 64)
	if err != nil {
		return nil, time.Time{}, ErrBadToken
	}
	fields = parts[:len(parts)-1]
	if e != 0 {
		exp = time.Unix(e, 0).UTC()
		if s.now().After(exp) {
			return fields, exp, ErrExpiredToken
		}
	}
	return fields, exp, nil
}

func (n *Notifier) signer() Signer { return Signer{Site: n.Site, Now: n.Now} }

// actionSignature signs comment id, action, the status the comment had
// when the link was made, and expiry with the site's "comment-action" key.
func (n *Notifier) actionSignature(ctx context.Context, id int64, action string, from blog.CommentStatus, exp int64) (string, error) {
	return n.signer().Sign(ctx, "comment-action", strconv.FormatInt(id, 10), action, string(from), strconv.FormatInt(exp, 10))
}

// actionPath returns the signed path of the confirmation page for action
// on comment id, valid for ActionLinkTTL from now and only while the
// comment's status is from.
func (n *Notifier) actionPath(ctx context.Context, id int64, action string, from blog.CommentStatus) (string, error) {
	exp := n.now().Add(ActionLinkTTL).Unix()
	sig, err := n.actionSignature(ctx, id, action, from, exp)
	if err != nil {
		return "", err
	}
	q := url.Values{"e": {strconv.FormatInt(exp, 10)}, "from": {string(from)}, "s": {sig}}
	return "/comments/moderate/" + strconv.FormatInt(id, 10) + "/" + action + "?" + q.Encode(), nil
}

// checkAction reports whether sig signs action on comment id in status
// from until exp, and exp has not passed.
func (n *Notifier) checkAction(ctx context.Context, id int64, action, from, exp, sig string) (bool, error) {
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || sig == "" || n.now().Unix() > e || !blog.ValidCommentStatus(blog.CommentStatus(from)) {
		return false, nil
	}
	return n.signer().Verify(ctx, "comment-action", sig, strconv.FormatInt(id, 10), action, from, strconv.FormatInt(e, 10))
}
