package safehttp

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestRefusesLoopbackUnlessAllowed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL, nil)
	if _, err := New(Options{}).Do(req); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("loopback reached: %v", err)
	}
	req, _ = http.NewRequest("GET", srv.URL, nil)
	resp, err := New(Options{AllowPrivate: true}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestBodyCap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 2000)) }))
	defer srv.Close()
	c := New(Options{AllowPrivate: true, MaxBody: 1000})
	req, _ := http.NewRequest("GET", srv.URL, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadBody(resp); err == nil {
		t.Error("oversized body read")
	}
}

func TestPublic(t *testing.T) {
	for _, c := range []struct {
		ip   string
		want bool
		why  string
	}{
		{"8.8.8.8", true, "public IPv4"},
		{"2606:4700:4700::1111", true, "public IPv6"},
		{"127.0.0.1", false, "loopback"},
		{"10.1.2.3", false, "private"},
		{"172.16.0.1", false, "private"},
		{"192.168.1.1", false, "private"},
		{"169.254.169.254", false, "link-local (cloud metadata)"},
		{"100.64.0.1", false, "shared address space"},
		{"0.0.0.0", false, "unspecified"},
		{"192.0.2.1", false, "documentation"},
		{"192.88.99.1", false, "6to4 relay anycast"},
		{"224.0.0.1", false, "multicast"},
		{"255.255.255.255", false, "broadcast"},
		{"::1", false, "IPv6 loopback"},
		{"::", false, "IPv6 unspecified"},
		{"fe80::1", false, "IPv6 link-local"},
		{"fe80::1%eth0", false, "IPv6 link-local with a zone"},
		{"fd00::1", false, "unique local"},
		{"fec0::1", false, "site-local (deprecated)"},
		{"2001:db8::1", false, "documentation"},
		{"3fff::1", false, "documentation (2024)"},
		{"2001:2::1", false, "benchmarking"},
		{"100::1", false, "discard-only"},
		{"5f00::1", false, "SRv6 segment identifiers"},
		{"ff02::1", false, "IPv6 multicast"},

		{"::ffff:127.0.0.1", false, "IPv4-mapped loopback"},
		{"::ffff:10.0.0.1", false, "IPv4-mapped private"},
		{"::ffff:8.8.8.8", true, "IPv4-mapped public"},
		{"::127.0.0.1", false, "IPv4-compatible loopback"},
		{"::10.0.0.1", false, "IPv4-compatible private"},
		{"::169.254.169.254", false, "IPv4-compatible link-local"},
		{"::ffff:0:127.0.0.1", false, "SIIT IPv4-translated loopback"},
		{"::ffff:0:192.168.0.1", false, "SIIT IPv4-translated private"},
		{"64:ff9b::127.0.0.1", false, "NAT64 loopback"},
		{"64:ff9b::10.1.2.3", false, "NAT64 private"},
		{"64:ff9b::a9fe:a9fe", false, "NAT64 link-local"},
		{"64:ff9b::8.8.8.8", true, "NAT64 public (IPv6-only hosts reach IPv4 sites this way)"},
		{"64:ff9b:1::a00:1", false, "local-use NAT64, private"},
		{"64:ff9b:1::808:808", false, "local-use NAT64: where the IPv4 address sits is the local network's choice"},
		{"2002:7f00:1::", false, "6to4 of loopback"},
		{"2002:a00:1::1", false, "6to4 of 10.0.0.1"},
		{"2002:c0a8:101::1", false, "6to4 of 192.168.1.1"},
		{"2002:a9fe:a9fe::1", false, "6to4 of 169.254.169.254"},
		{"2002:808:808::1", true, "6to4 of a public address"},
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", false, "Teredo, client 127.0.0.1 (inverted)"},
		{"2001:0:4136:e378:8000:63bf:f5ff:fffe", false, "Teredo, client 10.0.0.1 (inverted)"},
		{"2001:0:4136:e378:8000:63bf:3f57:fefe", false, "Teredo, client 192.168.1.1 (inverted)"},
		{"2001:0:a00:1:8000:63bf:f7f7:f7f7", false, "Teredo, server 10.0.0.1"},
		{"2001:0:4136:e378:8000:63bf:f7f7:f7f7", true, "Teredo, public server and client 8.8.8.8"},
		{"2606:4700:1::5efe:a00:1", false, "ISATAP of 10.0.0.1"},
		{"2606:4700:1:0:200:5efe:7f00:1", false, "ISATAP (universal bit) of 127.0.0.1"},
		{"fe80::5efe:a00:1", false, "link-local ISATAP"},
		{"2606:4700:1:0:200:5efe:808:808", true, "ISATAP of a public address"},
	} {
		if got := Public(netip.MustParseAddr(c.ip)); got != c.want {
			t.Errorf("Public(%s) = %v, want %v (%s)", c.ip, got, c.want, c.why)
		}
	}
}

// TestDialRefusesEmbeddedPrivate checks that the dialler applies Public to
// the address it connects to, whatever its form.
func TestDialRefusesEmbeddedPrivate(t *testing.T) {
	for _, host := range []string{"[::127.0.0.1]", "[2002:7f00:1::1]", "[64:ff9b::7f00:1]"} {
		req, _ := http.NewRequest("GET", "http://"+host+":1/", nil)
		if _, err := New(Options{}).Do(req); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: %v, want ErrForbiddenAddress", host, err)
		}
	}
}

// TestRedirects: at most MaxRedirects are followed, each target is dialled
// and checked as the first one was, and only http(s) targets are followed.
func TestRedirects(t *testing.T) {
	// 127.0.0.1 stands for the public internet; 127.0.0.2 for an inside
	// address a redirect must not reach.
	inside, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address: %v", err)
	}
	reached := false
	in := &httptest.Server{Listener: inside, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true })}}
	in.Start()
	defer in.Close()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/inside":
			http.Redirect(w, r, in.URL+"/", http.StatusFound)
		case "/file":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case "/ua":
			w.Write([]byte(r.UserAgent()))
		default: // /hop/N redirects N more times
			var n int
			fmt.Sscanf(r.URL.Path, "/hop/%d", &n)
			if n > 0 {
				http.Redirect(w, r, fmt.Sprintf("%s/hop/%d", srv.URL, n-1), http.StatusFound)
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<p>arrived</p>"))
		}
	}))
	defer srv.Close()
	c := New(Options{public: func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") }})
	get := func(path string) (*http.Response, error) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		return c.Do(req)
	}
	resp, err := get("/hop/3")
	if err != nil {
		t.Fatalf("three redirects: %v", err)
	}
	if err := CheckType(resp, "text/html"); err != nil {
		t.Errorf("CheckType: %v", err)
	}
	if err := CheckType(resp, "application/xml", "text/xml"); !errors.Is(err, ErrContentType) {
		t.Errorf("CheckType of HTML as XML: %v", err)
	}
	resp.Body.Close()
	if _, err := get("/hop/4"); err == nil {
		t.Error("four redirects followed")
	}
	if _, err := get("/inside"); !errors.Is(err, ErrForbiddenAddress) || reached {
		t.Errorf("redirect to an inside address: %v (reached %v)", err, reached)
	}
	if _, err := get("/file"); err == nil {
		t.Error("redirect to file: followed")
	}
	resp, err = get("/ua")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := c.ReadBody(resp); string(b) != UserAgent {
		t.Errorf("User-Agent %q", b)
	}
	req, _ := http.NewRequest("GET", "ftp://example.com/", nil)
	if _, err := c.Do(req); err == nil {
		t.Error("ftp: fetched")
	}
}

// TestNamesAndFormsRefused: a name resolving to loopback, and the
// metadata, link-local, private and IPv4-mapped addresses, are never
// dialled.
func TestNamesAndFormsRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	c := New(Options{Timeout: 2 * time.Second})
	for _, host := range []string{"localhost", "127.0.0.1", "[::ffff:127.0.0.1]", "169.254.169.254", "10.0.0.1", "192.168.1.1", "[fe80::1]", "[::1]"} {
		req, _ := http.NewRequest("GET", "http://"+host+":"+port+"/", nil)
		if _, err := c.Do(req); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: %v", host, err)
		}
	}
}
