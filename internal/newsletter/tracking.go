package newsletter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/site"
)

// Open and click tracking, off unless the Tracking setting is on. Then each
// issue's HTML part (never its plain text, never a test or preview) carries
// a 1×1 image at OpenPath+TOKEN and its links go through ClickPath+TOKEN.
// A token is signed and opaque: it names the issue and the subscriber, and
// for a click the link's place among the issue's own links. The click's
// target is looked up in the issue when the click comes, never read from
// the URL, so the redirect can lead nowhere the issue does not link to.
// Each subscriber's open is recorded once per issue, and each click once
// per link; no cookie is read or set, and nothing but this site is asked.
const (
	OpenPath  = "/newsletter/open/"
	ClickPath = "/newsletter/click/"
)

// Signing purposes of the tracking links.
const (
	purposeOpen  = "newsletter-open"
	purposeClick = "newsletter-click"
)

// MaxTrackedLinks is how many of an issue's links go through the click
// redirect; the links after them are left as they are.
const MaxTrackedLinks = 100

// Limits of what one client address (IPv6: its /64) gets recorded: above
// them the image is still served and the link still followed, but nothing
// is written.
const (
	trackPerIP     = 120
	trackIPWindow  = time.Minute
	trackingBucket = "newsletter-track:"
)

// pixel is a transparent 1×1 GIF.
var pixel = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00" +
	",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// openToken returns the token of subscriber subID's open image in issue
// issueID. It never expires, as an old issue may be opened any time.
func (s *Service) openToken(ctx context.Context, issueID, subID int64) (string, error) {
	return s.signer().Seal(ctx, purposeOpen, time.Time{}, strconv.FormatInt(issueID, 10), strconv.FormatInt(subID, 10))
}

// clickToken returns the token of link number link of issue issueID as
// mailed to subscriber subID.
func (s *Service) clickToken(ctx context.Context, issueID, subID int64, link int) (string, error) {
	return s.signer().Seal(ctx, purposeClick, time.Time{}, strconv.FormatInt(issueID, 10), strconv.FormatInt(subID, 10),
		strconv.Itoa(link))
}

// openTrackToken reads a tracking token of purpose with n fields (issue,
// subscriber[, link]); notify.ErrBadToken when it was not made here.
func (s *Service) openTrackToken(ctx context.Context, purpose, token string, n int) ([]int64, error) {
	fields, _, err := s.signer().Open(ctx, purpose, token)
	if err != nil {
		return nil, err
	}
	if len(fields) != n {
		return nil, notify.ErrBadToken
	}
	out := make([]int64, n)
	for i, f := range fields {
		v, err := strconv.ParseInt(f, 10, 64)
		if err != nil || v < 0 || (i < 2 && v == 0) {
			return nil, notify.ErrBadToken
		}
		out[i] = v
	}
	return out, nil
}

// IssueLinks returns the links of an issue's HTML that go through the
// click redirect when tracking is on, in order, as mailed (absolute on
// base): the links to http and https addresses, at most MaxTrackedLinks.
// A click names its link by its place in this list.
func IssueLinks(bodyHTML, base string) ([]string, error) {
	var links []string
	_, err := inlineHTML(bodyHTML, base, func(i int, href string) (string, error) {
		links = append(links, href)
		return href, nil
	})
	return links, err
}

// trackedBody returns the issue's body for the mail to subscriber subID
// with its links through the click redirect, and the URL of the open
// image.
func (s *Service) trackedBody(ctx context.Context, set *site.Settings, is *blog.Issue, subID int64) (body, open string, err error) {
	body, err = inlineHTML(is.BodyHTML, set.BaseURL, func(i int, href string) (string, error) {
		tok, err := s.clickToken(ctx, is.ID, subID, i)
		if err != nil {
			return "", fmt.Errorf("newsletter: click link: %w", err)
		}
		return set.Abs(ClickPath + tok), nil
	})
	if err != nil {
		return "", "", err
	}
	tok, err := s.openToken(ctx, is.ID, subID)
	if err != nil {
		return "", "", fmt.Errorf("newsletter: open image: %w", err)
	}
	return body, set.Abs(OpenPath + tok), nil
}

// trackOpen serves the open image and records the open: once per
// subscriber and issue, while tracking is on and the client is within its
// limit. A token not made here is a 404, checked before anything is read.
func (s *Service) trackOpen(w http.ResponseWriter, r *http.Request) {
	ids, err := s.openTrackToken(r.Context(), purposeOpen, r.PathValue("token"), 2)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	s.record(r, func(ctx context.Context) error {
		_, err := s.Store.RecordOpen(ctx, ids[0], ids[1], s.now())
		return err
	})
	h := w.Header()
	h.Set("Content-Type", "image/gif")
	h.Set("Cache-Control", "no-store, private")
	h.Set("Content-Length", strconv.Itoa(len(pixel)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(pixel)
	}
}

// trackClick sends the reader on to link number n of the issue the token
// names, looked up in the issue itself, and records the click (and an
// open: images are often blocked) once per subscriber and link, while
// tracking is on and the client is within its limit.
func (s *Service) trackClick(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ids, err := s.openTrackToken(ctx, purposeClick, r.PathValue("token"), 3)
	if err != nil {
		s.fail(w, r, blog.ErrNotFound)
		return
	}
	is, err := s.Store.Issue(ctx, ids[0])
	if err != nil {
		s.fail(w, r, err)
		return
	}
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	links, err := IssueLinks(is.BodyHTML, set.BaseURL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ids[2] >= int64(len(links)) {
		s.fail(w, r, blog.ErrNotFound)
		return
	}
	s.record(r, func(ctx context.Context) error {
		now := s.now()
		if _, err := s.Store.RecordClick(ctx, ids[0], ids[1], int(ids[2]), now); err != nil {
			return err
		}
		_, err := s.Store.RecordOpen(ctx, ids[0], ids[1], now)
		return err
	})
	h := w.Header()
	h.Set("Cache-Control", "no-store, private")
	h.Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, links[ids[2]], http.StatusFound)
}

// record runs write when tracking is on and the client is within its
// limit. A failure is logged, never shown: the reader gets the image or
// the link all the same.
func (s *Service) record(r *http.Request, write func(ctx context.Context) error) {
	ctx := r.Context()
	set, _, err := s.Site.Current(ctx)
	if err != nil || !set.Newsletter.Tracking {
		return
	}
	ok, err := s.Store.Allow(ctx, trackingBucket+clientip.BucketFrom(r), trackPerIP, trackIPWindow)
	if err == nil && ok {
		err = write(ctx)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		slog.ErrorContext(ctx, "newsletter: record tracking", "err", err)
	}
}
