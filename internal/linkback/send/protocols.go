package send

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/safehttp"
	"github.com/quirehq/quire/internal/xmlrpc"
)

// maxReply is how much of an endpoint's answer is read.
const maxReply = 64 << 10

// FaultAlreadyRegistered is Pingback's fault 48: the receiver has this
// pingback already, which for a sender means it was sent.
const FaultAlreadyRegistered = 48

// faultUpstream is Pingback's fault 50: the receiver could not fetch the
// source, worth trying again later.
const faultUpstream = 50

// Webmention tells endpoint that source links to target: a form POST of
// both (the endpoint's own query string stays in its URL). Any 2xx is
// accepted; it returns the status, and a status page when the endpoint
// gives one (201 with Location).
func Webmention(ctx context.Context, c *safehttp.Client, endpoint, source, target string) (string, error) {
	form := url.Values{"source": {source}, "target": {target}}
	resp, err := postForm(ctx, c, "webmention", endpoint, form, "application/x-www-form-urlencoded")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	detail := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	if loc := resp.Header.Get("Location"); loc != "" {
		if u := resolve(resp.Request.URL, loc); u != "" {
			detail += "; status at " + u
		}
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxReply))
	return detail, nil
}

// Pingback calls pingback.ping(source, target) on the XML-RPC server at
// server. It returns the server's message; a fault is returned as the
// *xmlrpc.Fault, except 48 (already registered), which is success.
func Pingback(ctx context.Context, c *safehttp.Client, server, source, target string) (string, error) {
	call, err := xmlrpc.EncodeCall("pingback.ping", source, target)
	if err != nil {
		return "", fmt.Errorf("send: pingback: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, server, bytes.NewReader(call))
	if err != nil {
		return "", fmt.Errorf("send: pingback: %w", err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if !ok(resp.StatusCode) {
		return "", &PageError{Status: resp.StatusCode, Message: replyText(resp)}
	}
	if err := safehttp.CheckType(resp, "text/xml", "application/xml"); err != nil {
		return "", err
	}
	v, err := xmlrpc.ReadResponse(io.LimitReader(resp.Body, maxReply))
	var f *xmlrpc.Fault
	if errors.As(err, &f) && f.Code == FaultAlreadyRegistered {
		return "already registered (" + clip(f.Message, 200) + ")", nil
	}
	if err != nil {
		return "", err
	}
	msg, _ := v.(string)
	return clip(msg, 200), nil
}

// TrackbackPing is what a trackback says about the post.
type TrackbackPing struct {
	URL      string // the post's permalink
	Title    string
	Excerpt  string
	BlogName string
}

// TrackbackError is a trackback the receiver refused (<error>1</error>),
// with its message.
type TrackbackError struct {
	Message string
}

func (e *TrackbackError) Error() string {
	if e.Message == "" {
		return "send: the trackback was refused"
	}
	return "send: the trackback was refused: " + e.Message
}

// Trackback sends a classic trackback ping to the trackback URL tb: a
// UTF-8 form POST of url, title, excerpt and blog_name, answered with the
// spec's small XML document.
func Trackback(ctx context.Context, c *safehttp.Client, tb string, p TrackbackPing) (string, error) {
	form := url.Values{"url": {p.URL}, "title": {p.Title}, "excerpt": {p.Excerpt}, "blog_name": {p.BlogName}}
	resp, err := postForm(ctx, c, "trackback", tb, form, "application/x-www-form-urlencoded; charset=utf-8")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var r struct {
		XMLName xml.Name `xml:"response"`
		Error   string   `xml:"error"`
		Message string   `xml:"message"`
	}
	d := xml.NewDecoder(io.LimitReader(resp.Body, maxReply))
	d.Strict = true
	if err := d.Decode(&r); err != nil {
		return "", fmt.Errorf("send: trackback: the answer is not a trackback response: %w", err)
	}
	if strings.TrimSpace(r.Error) != "0" {
		return "", &TrackbackError{Message: clip(strings.TrimSpace(r.Message), 200)}
	}
	msg := strings.TrimSpace(r.Message)
	if msg == "" {
		msg = "accepted"
	}
	return clip(msg, 200), nil
}

// replyText is the start of a refusal's body when it is text a person
// could read (plain text, or JSON with an error), for the admin's list.
func replyText(resp *http.Response) string {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
	if mt != "text/plain" && mt != "application/json" || !utf8.Valid(b) {
		return ""
	}
	return clip(strings.Join(strings.Fields(string(b)), " "), 200)
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// postForm POSTs form to endpoint as contentType and returns the response
// when its status is 2xx; any other status is a *PageError with the reply's
// text, and its body is closed.
func postForm(ctx context.Context, c *safehttp.Client, what, endpoint string, form url.Values, contentType string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("send: %s: %w", what, err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if !ok(resp.StatusCode) {
		defer resp.Body.Close()
		return nil, &PageError{Status: resp.StatusCode, Message: replyText(resp)}
	}
	return resp, nil
}
