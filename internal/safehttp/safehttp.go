// Package safehttp is Quire's only outbound HTTP client. It refuses to
// connect to loopback, private, link-local and other non-public addresses
// (checked on the address actually dialled, so DNS tricks do not get
// around it, and every redirect is dialled and checked the same way),
// follows at most MaxRedirects redirects, sets timeouts, caps response
// sizes, and lets callers parse only the content types they expect.
package safehttp

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// MaxRedirects is how many redirects a request follows at most.
const MaxRedirects = 3

// UserAgent names Quire to the servers it asks, unless a request sets its
// own.
const UserAgent = "Quire (+https://github.com/quirehq/quire)"

// ErrForbiddenAddress is returned when a request would reach a non-public
// address.
var ErrForbiddenAddress = errors.New("safehttp: refusing to connect to a non-public address")

// Options tune a client.
type Options struct {
	// AllowPrivate lets requests reach loopback and private addresses:
	// tests (servers on 127.0.0.1), and a site on an intranet that says so
	// (serve --allow-private-fetch).
	AllowPrivate bool
	Timeout      time.Duration // whole request; default 10 s
	MaxBody      int64         // bytes read at most by ReadBody; default 1 MiB

	// public replaces Public as the test of an address, in this package's
	// tests only (to let one loopback address stand for the internet).
	public func(netip.Addr) bool
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
	public := Public
	if opts.public != nil {
		public = opts.public
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
			if err != nil || !public(ip) {
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
			if len(via) > MaxRedirects {
				return fmt.Errorf("safehttp: more than %d redirects", MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("safehttp: redirect to a %s: address refused", req.URL.Scheme)
			}
			return nil
		}},
		maxBody: opts.MaxBody,
	}
}

// Do sends req (only http and https), with Quire's User-Agent unless req
// has one.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return nil, fmt.Errorf("safehttp: %s: only http and https addresses are fetched", req.URL.Scheme)
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", UserAgent)
	}
	return c.hc.Do(req)
}

// ErrContentType is returned by CheckType for a response of a type the
// caller does not parse.
var ErrContentType = errors.New("safehttp: unexpected content type")

// CheckType returns nil when resp's media type is one of types (such as
// "text/html"), and an error wrapping ErrContentType otherwise, so that
// only what a caller knows how to read is ever parsed.
func CheckType(resp *http.Response, types ...string) error {
	mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if err == nil {
		for _, t := range types {
			if strings.EqualFold(mt, t) {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: %q, want %s", ErrContentType, resp.Header.Get("Content-Type"), strings.Join(types, " or "))
}

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
//
// IPv6 has several forms that carry an IPv4 address inside them and are
// turned into IPv4 traffic by a translator or tunnel on the way: mapped
// (::ffff:a.b.c.d), compatible (::a.b.c.d), SIIT (::ffff:0:a.b.c.d), NAT64
// (64:ff9b::a.b.c.d), 6to4 (2002:AABB:CCDD::), Teredo (2001:0:…, whose
// client address is stored inverted) and ISATAP (…:0:5efe:a.b.c.d, any
// prefix). For each the embedded IPv4 address must be public too, so
// ::127.0.0.1 or 2002:a00:1:: cannot reach inside. The local-use NAT64
// prefix 64:ff9b:1::/48 is refused whole: where the IPv4 address sits in
// it is the local network's choice, so it cannot be checked from here.
func Public(ip netip.Addr) bool {
	ip = ip.WithZone("").Unmap()
	if !ip.IsValid() {
		return false
	}
	if ip.Is4() {
		return public4(ip)
	}
	if !public6(ip) {
		return false
	}
	for _, v4 := range embedded4(ip) {
		if !public4(v4) {
			return false
		}
	}
	return true
}

// public4 reports whether the IPv4 address ip is globally routable.
func public4(ip netip.Addr) bool {
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range reserved4 {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// public6 reports whether the IPv6 address ip, apart from any IPv4 address
// it embeds, is globally routable.
func public6(ip netip.Addr) bool {
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range reserved6 {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var (
	compatible6 = netip.MustParsePrefix("::/96")           // IPv4-compatible (deprecated), also :: and ::1
	siit6       = netip.MustParsePrefix("::ffff:0:0:0/96") // IPv4-translated (SIIT)
	nat64       = netip.MustParsePrefix("64:ff9b::/96")    // well-known NAT64 prefix
	sixToFour   = netip.MustParsePrefix("2002::/16")       // 6to4: the IPv4 address is bits 16-47
	teredo      = netip.MustParsePrefix("2001::/32")       // Teredo: server in bits 32-63, client inverted in 96-127
)

// embedded4 returns the IPv4 addresses that traffic to the IPv6 address ip
// would be delivered to by a translator or tunnel, if ip has such a form.
func embedded4(ip netip.Addr) []netip.Addr {
	b := ip.As16()
	low := netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	var out []netip.Addr
	switch {
	case compatible6.Contains(ip), siit6.Contains(ip), nat64.Contains(ip):
		out = append(out, low)
	case sixToFour.Contains(ip):
		out = append(out, netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
	case teredo.Contains(ip):
		out = append(out, netip.AddrFrom4([4]byte{b[4], b[5], b[6], b[7]}),
			netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]}))
	}
	// ISATAP (RFC 5214) puts 00-00-5E-FE (or 02-00-5E-FE, the "universal"
	// bit set) and an IPv4 address in the interface identifier of any
	// prefix; the site's ISATAP router delivers to that IPv4 address.
	if b[8]&^0x03 == 0 && b[9] == 0 && b[10] == 0x5e && b[11] == 0xfe {
		out = append(out, low)
	}
	return out
}

// reserved4 and reserved6 are ranges that are neither private nor public
// internet (IANA's special-purpose registries), or that only a local
// network can give a meaning.
var reserved4, reserved6 = prefixes("0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24",
	"198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4"),
	prefixes("64:ff9b:1::/48", "100::/64", "2001:2::/48", "2001:10::/28", "2001:db8::/32", "3fff::/20",
		"5f00::/16", "fc00::/7", "fec0::/10")

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}
