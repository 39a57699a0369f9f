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
	for s, want := range map[string]bool{
		"8.8.8.8": true, "2606:4700:4700::1111": true, "127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false,
		"192.168.1.1": false, "169.254.169.254": false, "::1": false, "fe80::1": false, "fd00::1": false,
		"100.64.0.1": false, "0.0.0.0": false, "::ffff:127.0.0.1": false, "192.0.2.1": false,
	} {
		if got := Public(netip.MustParseAddr(s)); got != want {
			t.Errorf("Public(%s) = %v", s, got)
		}
	}
}
