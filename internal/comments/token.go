package comments

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// Signing purposes, each with its own key derived from the site secret.
const (
	tokenPurpose      = "comment-token"
	moderationPurpose = "moderation-hash"
)

// maxClockSkew is how far in the future a token's time may lie (instances'
// clocks differ a little) before the token is taken as forged.
const maxClockSkew = time.Minute

// HeldPreview is how long after a comment is made its moderation-hash link
// shows the held comment to its author, as WordPress allows.
const HeldPreview = 10 * time.Minute

// NewToken returns the signed time token a form carries for postID:
// "UNIX.POSTID.SIG", where SIG is the base64url HMAC of "UNIX.POSTID".
func (s *Service) NewToken(ctx context.Context, postID int64) (string, error) {
	payload := strconv.FormatInt(s.now().Unix(), 10) + "." + strconv.FormatInt(postID, 10)
	sig, err := s.sign(ctx, tokenPurpose, payload)
	if err != nil {
		return "", fmt.Errorf("comments: new token: %w", err)
	}
	return payload + "." + sig, nil
}

// CheckToken tells whether a form's token is good for formID now (see
// checkToken): "" when it is, else RefusedTooFast or RefusedStale. Other
// forms than the comment form (the newsletter's signup) use it with a
// number no post has.
func (s *Service) CheckToken(ctx context.Context, token string, formID int64) (RefusalKind, error) {
	return s.checkToken(ctx, token, formID, s.now())
}

// checkToken tells whether token is good for postID at now: "" when it is,
// RefusedTooFast when younger than MinFormAge, RefusedStale when missing,
// forged, for another post, older than MaxFormAge or from the future.
func (s *Service) checkToken(ctx context.Context, token string, postID int64, now time.Time) (RefusalKind, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return RefusedStale, nil
	}
	issued, err1 := strconv.ParseInt(parts[0], 10, 64)
	id, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || id != postID {
		return RefusedStale, nil
	}
	want, err := s.sign(ctx, tokenPurpose, parts[0]+"."+parts[1])
	if err != nil {
		return "", fmt.Errorf("comments: check token: %w", err)
	}
	if !hmac.Equal([]byte(want), []byte(parts[2])) {
		return RefusedStale, nil
	}
	age := now.Sub(time.Unix(issued, 0))
	switch {
	case age < -maxClockSkew || age > MaxFormAge:
		return RefusedStale, nil
	case age < MinFormAge:
		return RefusedTooFast, nil
	}
	return "", nil
}

// ModerationHash signs the ?unapproved=ID&moderation-hash=… link shown to a
// held comment's author. It covers the comment's ID, post, time and email,
// so it is good for that one comment only.
func (s *Service) ModerationHash(ctx context.Context, c *blog.Comment) (string, error) {
	h, err := s.sign(ctx, moderationPurpose, moderationPayload(c))
	if err != nil {
		return "", fmt.Errorf("comments: moderation hash: %w", err)
	}
	return h, nil
}

// CheckModerationHash reports whether hash is c's moderation hash and c was
// made less than HeldPreview ago; after that its author sees a held
// comment only through their own cookie, as on WordPress.
func (s *Service) CheckModerationHash(ctx context.Context, c *blog.Comment, hash string) bool {
	if c == nil || hash == "" {
		return false
	}
	want, err := s.sign(ctx, moderationPurpose, moderationPayload(c))
	if err != nil || !hmac.Equal([]byte(want), []byte(hash)) {
		return false
	}
	return s.now().Sub(c.CreatedAt) < HeldPreview
}

func moderationPayload(c *blog.Comment) string {
	return fmt.Sprintf("%d.%d.%d.%s", c.ID, c.PostID, c.CreatedAt.Unix(), blog.NormalizeEmail(c.AuthorEmail))
}

// sign returns the base64url HMAC-SHA256 of msg under the site key for
// purpose.
func (s *Service) sign(ctx context.Context, purpose, msg string) (string, error) {
	key, err := s.Site.Key(ctx, purpose)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}
