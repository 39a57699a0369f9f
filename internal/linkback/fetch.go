package linkback

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"golang.org/x/net/html/charset"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/safehttp"
	"github.com/quirehq/quire/internal/store"
)

// Verdicts on a source, as recorded in the store.
const (
	verdictLinked   = "linked"   // the source links to the target
	verdictNoLink   = "no-link"  // it does not (or is not an HTML page)
	verdictGone     = "gone"     // 404 or 410: the source was removed
	verdictMissing  = "missing"  // it cannot be fetched: a refused address, another 4xx, no such host
	verdictUpstream = "upstream" // its server failed: 5xx, a timeout, a reset connection
)

// verdictRefusal is the refusal a verdict other than verdictLinked makes;
// detail (what the fetch found) is logged, not sent.
func verdictRefusal(v, detail string) *refusal {
	var rf *refusal
	switch v {
	case verdictNoLink:
		rf = refuse(faultNoLink, "The source does not link to the target.")
	case verdictGone, verdictMissing:
		rf = refuse(faultSourceMissing, "The source does not exist, or cannot be fetched.")
	default:
		rf = refuse(faultUpstream, "The source's server could not be reached, or failed.")
	}
	rf.detail = detail
	return rf
}

// checked is what fetching a source found.
type checked struct {
	verdict string
	page    *page // verdictLinked only
	detail  string
}

// recentCheck returns the verdict on source and target recorded less than
// CheckTTL ago, and how long it stays current; nil when there is none.
func (r *Receiver) recentCheck(ctx context.Context, source, target *url.URL) (*store.LinkbackCheck, time.Duration, error) {
	c, err := r.Store.LinkbackCheck(ctx, source.String(), target.String())
	if errors.Is(err, blog.ErrNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("linkback: %w", err)
	}
	left := r.limits().CheckTTL - r.now().Sub(c.CheckedAt)
	if left <= 0 {
		return nil, 0, nil
	}
	return c, left, nil
}

// fetchBudget takes one fetch from the source host's budget, or returns
// errBudget when it is spent.
func (r *Receiver) fetchBudget(ctx context.Context, source *url.URL) error {
	l := r.limits()
	ok, err := r.Store.Allow(ctx, "linkback-fetch:"+source.Host, l.FetchesPerHost, l.FetchWindow)
	if err != nil {
		return fmt.Errorf("linkback: fetch budget: %w", err)
	}
	if !ok {
		return errBudget
	}
	return nil
}

// check fetches source, within its host's budget (errBudget when spent),
// reads it for a link to target and records the verdict.
func (r *Receiver) check(ctx context.Context, source, target *url.URL) (*checked, error) {
	if err := r.fetchBudget(ctx, source); err != nil {
		return nil, err
	}
	c := r.fetch(ctx, source, target)
	if err := r.Store.SetLinkbackCheck(ctx, source.String(), target.String(), c.verdict, r.now()); err != nil {
		return nil, fmt.Errorf("linkback: %w", err)
	}
	return c, nil
}

// fetch gets source through the safe client (public addresses only, at
// most three redirects, a size cap and a time limit) and reads it.
func (r *Receiver) fetch(ctx context.Context, source, target *url.URL) *checked {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, source.String(), nil)
	if err != nil {
		return &checked{verdict: verdictMissing, detail: err.Error()}
	}
	req.Header.Set("Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.1")
	resp, err := r.Fetch.Do(req)
	if err != nil {
		return &checked{verdict: fetchErrorVerdict(err), detail: err.Error()}
	}
	defer resp.Body.Close()
	switch code := resp.StatusCode; {
	case code == http.StatusGone || code == http.StatusNotFound:
		return &checked{verdict: verdictGone, detail: resp.Status}
	case code >= 500 || code == http.StatusTooManyRequests || code == http.StatusRequestTimeout:
		return &checked{verdict: verdictUpstream, detail: resp.Status}
	case code < 200 || code > 299:
		return &checked{verdict: verdictMissing, detail: resp.Status}
	}
	if err := safehttp.CheckType(resp, "text/html", "application/xhtml+xml"); err != nil {
		return &checked{verdict: verdictNoLink, detail: err.Error()}
	}
	body, err := r.Fetch.ReadBody(resp)
	if err != nil {
		if ctx.Err() != nil || isTimeout(err) {
			return &checked{verdict: verdictUpstream, detail: err.Error()}
		}
		return &checked{verdict: verdictNoLink, detail: err.Error()}
	}
	final := source
	if resp.Request != nil && resp.Request.URL != nil {
		final = resp.Request.URL
	}
	// The page is read in its charset (Content-Type, BOM or <meta>), as
	// UTF-8; whatever cannot be read becomes U+FFFD.
	if rd, err := charset.NewReader(bytes.NewReader(body), resp.Header.Get("Content-Type")); err == nil {
		if utf, err := io.ReadAll(io.LimitReader(rd, 4*int64(len(body))+4)); err == nil {
			body = utf
		}
	}
	p := analyse(bytes.ToValidUTF8(body, []byte("\uFFFD")), final, target)
	if !p.Linked {
		return &checked{verdict: verdictNoLink, detail: "no link to the target"}
	}
	return &checked{verdict: verdictLinked, page: p}
}

// fetchErrorVerdict classifies a failed fetch: an address refused, a
// redirect refused or a host that does not exist make the source missing;
// anything else (timeouts, refused or reset connections) is the source
// server's failure, worth trying again later.
func fetchErrorVerdict(err error) string {
	var dns *net.DNSError
	switch {
	case errors.Is(err, safehttp.ErrForbiddenAddress):
		return verdictMissing
	case errors.As(err, &dns) && dns.IsNotFound:
		return verdictMissing
	case isTimeout(err):
		return verdictUpstream
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		var oe *net.OpError
		if !errors.As(ue.Err, &oe) {
			// Not a network failure: a redirect refused (too many, or
			// to another scheme), a malformed response.
			return verdictMissing
		}
	}
	return verdictUpstream
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &t) && t.Timeout())
}
