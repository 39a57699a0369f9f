package safehttp

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
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
