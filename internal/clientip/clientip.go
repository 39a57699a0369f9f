// Package clientip finds the address of the person making a request,
// trusting X-Forwarded-For only when it comes from a configured proxy.
package clientip

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

type ctxKey struct{}

// Resolver knows which peers are trusted proxies.
type Resolver struct {
	trusted []netip.Prefix
}

// NewResolver parses a comma-separated list of addresses or CIDR ranges.
func NewResolver(list string) (*Resolver, error) {
	r := &Resolver{}
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is not an IP address or CIDR range", s)
			}
			r.trusted = append(r.trusted, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not an IP address or CIDR range", s)
		}
		r.trusted = append(r.trusted, p.Masked())
	}
	return r, nil
}

func (r *Resolver) isTrusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range r.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Resolve returns the client address of req: the peer, or, when the peer is
// a trusted proxy, the right-most untrusted address in X-Forwarded-For.
func (r *Resolver) Resolve(req *http.Request) string {
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		host = req.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if !r.isTrusted(peer) {
		return peer.Unmap().String()
	}
	hops := strings.Split(strings.Join(req.Header.Values("X-Forwarded-For"), ","), ",")
	client := peer.Unmap()
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		client = a.Unmap()
		if !r.isTrusted(client) {
			break
		}
	}
	return client.String()
}

// Middleware stores the client address in the request context. With no
// trusted proxy the address is the peer's, which From works out alone:
// the request is then passed on as it is, not copied.
func (r *Resolver) Middleware(next http.Handler) http.Handler {
	if len(r.trusted) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		ctx := context.WithValue(req.Context(), ctxKey{}, r.Resolve(req))
		next.ServeHTTP(w, req.WithContext(ctx))
	})
}

// From returns the client address stored by Middleware, or the peer
// address (as Resolve gives it when no proxy is trusted).
func From(req *http.Request) string {
	if s, ok := req.Context().Value(ctxKey{}).(string); ok {
		return s
	}
	return (&Resolver{}).Resolve(req)
}

// Bucket returns the key under which per-address limits count addr: an
// IPv4 address as it is, an IPv6 address as its /64 network. One home or
// server is usually given a whole /64, so counting single IPv6 addresses
// would let one client rotate through 2^64 of them and never be limited.
// Anything that is not an address comes back unchanged.
func Bucket(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return addr
	}
	a = a.WithZone("").Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(64)
	if err != nil {
		return a.String()
	}
	return p.String()
}

// BucketFrom returns the per-address limit key of req's client (see
// Bucket and From).
func BucketFrom(req *http.Request) string { return Bucket(From(req)) }
