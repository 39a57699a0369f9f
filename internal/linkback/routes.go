package linkback

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/clientip"
)

// Routes mounts the Webmention and Pingback endpoints on mux. Every
// method reaches them, so each answers the ones it does not take itself.
func (r *Receiver) Routes(mux *http.ServeMux) {
	mux.HandleFunc(WebmentionPath, r.webmention)
	mux.HandleFunc(PingbackPath, r.xmlrpc)
}

// IsTrackback reports whether req is a trackback: a POST to a path ending
// in /trackback/ (a post's permalink and TrackbackSuffix). The reader
// pages' resolver hands such requests to Trackback; the server exempts
// them, as it does the other endpoints, from the cross-origin checks that
// guard browser forms.
func IsTrackback(req *http.Request) bool {
	return req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/"+TrackbackSuffix)
}

// allowClient counts a request to endpoint from req's client (an IPv6
// client's /64) and returns errRate past the limit.
func (r *Receiver) allowClient(ctx context.Context, req *http.Request, endpoint string) error {
	l := r.limits()
	ok, err := r.Store.Allow(ctx, "linkback-ip:"+endpoint+":"+clientip.BucketFrom(req), l.PerIP, l.PerIPWindow)
	if err != nil {
		return fmt.Errorf("linkback: rate limit: %w", err)
	}
	if !ok {
		return errRate
	}
	return nil
}

// senderOf is who sent req.
func (r *Receiver) senderOf(req *http.Request) sender {
	return sender{IP: clientip.From(req), UserAgent: req.UserAgent(), At: r.now()}
}

// errTooLarge is a body larger than MaxBody.
var errTooLarge = refuse(faultGeneric, "The request is too large: at most 64 KiB is taken.")

// readBody reads req's body, at most MaxBody bytes: a body declared
// larger is errTooLarge without being read, and so is one found larger
// while read.
func readBody(w http.ResponseWriter, req *http.Request) ([]byte, error) {
	if req.ContentLength > MaxBody {
		return nil, errTooLarge
	}
	if req.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, req.Body, MaxBody))
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return nil, errTooLarge
	}
	return b, err
}
