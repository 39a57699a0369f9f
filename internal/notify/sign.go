package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/quirehq/quire/internal/blog"
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

// actionSignature signs comment id, action, the status the comment had
// when the link was made, and expiry with the site's "comment-action" key.
func (n *Notifier) actionSignature(ctx context.Context, id int64, action string, from blog.CommentStatus, exp int64) (string, error) {
	key, err := n.Site.Key(ctx, "comment-action")
	if err != nil {
		return "", fmt.Errorf("notify: action key: %w", err)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%d\x00%s\x00%s\x00%d", id, action, from, exp)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
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
	want, err := n.actionSignature(ctx, id, action, blog.CommentStatus(from), e)
	if err != nil {
		return false, err
	}
	return hmac.Equal([]byte(sig), []byte(want)), nil
}
