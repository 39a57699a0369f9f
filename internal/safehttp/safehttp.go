// Package safehttp is Quire's only outbound HTTP client. It refuses to
// connect to loopback, private, link-local and other non-public addresses
// (checked on the address actually dialled, so DNS tricks do not get
// around it), sets timeouts, and caps response sizes.
package safehttp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrForbiddenAddress is returned when a request would reach a non-public
// address.
var ErrForbiddenAddress = errors.New("safehttp: refusing to connect to a non-public address")

// Options tune a client.
type Options struct {
	// AllowPrivate lets requests reach loopback and private addresses.
	// Only tests (servers on 127.0.0.1) set it.
	AllowPrivate bool
	Timeout      time.Duration // whole request; default 10 s
	MaxBody      int64         // bytes read at most by ReadBody; default 1 MiB
}

// Client is an HTTP client that only reaches public addresses.
type Client struct {
	hc      *http.Client
	maxBody int64
}

// New returns a client with opts.
func New(opts Options) *Client {
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxBody == 0 {
		opts.MaxBody = 1 << 20
	}
	dialer := &net.Dialer{
		Timeout: 5 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			if opts.AllowPrivate {
				return nil
			}
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil || !Public(ip) {
				return fmt.Errorf("%w: %s", ErrForbiddenAddress, host)
			}
			return nil
		},
	}
	tr := &http.Transport{
		Proxy:                 nil, // never through a proxy that could reach inside
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: opts.Timeout,
		MaxIdleConns:          10,
		IdleConnTimeout:       30 * time.Second,
	}
	return &Client{
		hc: &http.Client{Transport: tr, Timeout: opts.Timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("safehttp: too many redirects")
			}
			return nil
		}},
		maxBody: opts.MaxBody,
	}
}

// Do sends req.
func (c *Client) Do(req *http.Request) (*http.Response, error) { return c.hc.Do(req) }

// ReadBody reads at most the client's size cap of resp's body and closes it.
func (c *Client) ReadBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("safehttp: read body: %w", err)
	}
	if int64(len(b)) > c.maxBody {
		return nil, fmt.Errorf("safehttp: response larger than %d bytes", c.maxBody)
	}
	return b, nil
}

// Public reports whether ip is a globally routable unicast address.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// reserved are ranges that are neither private nor public internet.
var reserved = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "64:ff9b::/96", "100::/64", "2001:db8::/32", "fc00::/7"} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()
