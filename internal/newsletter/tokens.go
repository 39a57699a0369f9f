package newsletter

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/site"
)

// Paths of the pages the newsletter's mails link to. Each is followed by a
// signed token (notify.Signer.Seal): opaque, with no address in it.
const (
	ConfirmPath     = "/newsletter/confirm/"
	UnsubscribePath = "/newsletter/unsubscribe/"
	ResubscribePath = "/newsletter/resubscribe/"
)

// confirmToken returns the token of a confirmation link for subscriber id,
// good for ConfirmTTL from now.
func (s *Service) confirmToken(ctx context.Context, id int64) (string, error) {
	return s.signer().Seal(ctx, purposeConfirm, s.now().Add(ConfirmTTL), strconv.FormatInt(id, 10))
}

// openConfirm reads a confirmation token: the subscriber and when the link
// was made. An expired link is notify.ErrExpiredToken with both filled; a
// link not made here is notify.ErrBadToken.
func (s *Service) openConfirm(ctx context.Context, token string) (id int64, issued time.Time, err error) {
	fields, exp, err := s.signer().Open(ctx, purposeConfirm, token)
	if err != nil && !errors.Is(err, notify.ErrExpiredToken) {
		return 0, time.Time{}, err
	}
	if len(fields) != 1 {
		return 0, time.Time{}, notify.ErrBadToken
	}
	id, perr := strconv.ParseInt(fields[0], 10, 64)
	if perr != nil || id <= 0 {
		return 0, time.Time{}, notify.ErrBadToken
	}
	return id, exp.Add(-ConfirmTTL), err
}

// unsubscribeToken returns the token of subscriber id's unsubscribe link
// in issue issueID (0: a mail that is not an issue, such as the welcome).
// It never expires: a link in an old issue must still work.
func (s *Service) unsubscribeToken(ctx context.Context, id, issueID int64) (string, error) {
	return s.signer().Seal(ctx, purposeUnsubscribe, time.Time{}, strconv.FormatInt(id, 10), strconv.FormatInt(issueID, 10))
}

// openUnsubscribe reads an unsubscribe token: the subscriber and the issue
// whose link it was. notify.ErrBadToken when it was not made here.
func (s *Service) openUnsubscribe(ctx context.Context, token string) (id, issueID int64, err error) {
	fields, _, err := s.signer().Open(ctx, purposeUnsubscribe, token)
	if err != nil {
		return 0, 0, err
	}
	if len(fields) != 2 {
		return 0, 0, notify.ErrBadToken
	}
	id, err1 := strconv.ParseInt(fields[0], 10, 64)
	issueID, err2 := strconv.ParseInt(fields[1], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 || issueID < 0 {
		return 0, 0, notify.ErrBadToken
	}
	return id, issueID, nil
}

// UnsubscribeURL returns subscriber id's unsubscribe link in issue issueID
// (0 for mails that are not issues), on the site's base URL as set says
// (https in production, http when the base URL is http). The same URL
// serves the visible link (a page with a button) and RFC 8058's one-click
// POST.
func (s *Service) UnsubscribeURL(ctx context.Context, set *site.Settings, id, issueID int64) (string, error) {
	tok, err := s.unsubscribeToken(ctx, id, issueID)
	if err != nil {
		return "", fmt.Errorf("newsletter: unsubscribe link: %w", err)
	}
	return set.Abs(UnsubscribePath + tok), nil
}

// ListHeaders returns the list headers of a mail to subscriber id (about
// issue issueID, or 0): List-Id, List-Unsubscribe with the one-click URL
// (and a mailto: only when the settings name a mailbox someone reads),
// List-Unsubscribe-Post (RFC 8058), and Reply-To when set. They are always
// present, whatever the base URL's scheme.
func (s *Service) ListHeaders(ctx context.Context, set *site.Settings, id, issueID int64) (map[string]string, error) {
	unsub, err := s.UnsubscribeURL(ctx, set, id, issueID)
	if err != nil {
		return nil, err
	}
	list := "<" + unsub + ">"
	if box := set.Newsletter.UnsubscribeMailbox; box != "" {
		tok := unsub[strings.LastIndex(unsub, "/")+1:]
		list += ", <mailto:" + box + "?subject=" + url.PathEscape("unsubscribe "+tok) + ">"
	}
	h := map[string]string{
		"List-Id":               ListID(set),
		"List-Unsubscribe":      list,
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
	}
	if set.Newsletter.ReplyTo != "" {
		h["Reply-To"] = set.Newsletter.ReplyTo
	}
	return h, nil
}

// ListID returns the List-Id of the site's newsletter (RFC 2919):
// "Title weekly tip" <newsletter.HOST>, or "Title" <newsletter.HOST> when
// the title names a tip already ("The Weekly Sales Tip").
func ListID(set *site.Settings) string {
	host := "localhost"
	if u, err := url.Parse(set.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	id := "<newsletter." + host + ">"
	name := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return -1
		}
		return r
	}, set.Title)
	if name = strings.TrimSpace(name); name == "" {
		return id
	}
	if f := strings.Fields(strings.ToLower(name)); f[len(f)-1] != "tip" && f[len(f)-1] != "tips" {
		name += " weekly tip" // a title that names a tip already is the list's name
	}
	return `"` + name + `" ` + id
}
