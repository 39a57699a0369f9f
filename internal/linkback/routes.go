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

// tooLarge reports whether req's body is declared larger than MaxBody,
// or was found to be while read (err).
func tooLarge(req *http.Request, err error) bool {
	if req.ContentLength > MaxBody {
		return true
	}
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// readBody reads req's body, at most MaxBody bytes; a longer one is an
// *http.MaxBytesError.
func readBody(w http.ResponseWriter, req *http.Request) ([]byte, error) {
	if req.Body == nil {
		return nil, nil
	}
	return io.ReadAll(http.MaxBytesReader(w, req.Body, MaxBody))
}
