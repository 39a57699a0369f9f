package clientip

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestFromWithoutTrustedProxies checks that with no proxy trusted the
// middleware passes the request on as it is, and From gives the peer's
// address exactly as Resolve would.
func TestFromWithoutTrustedProxies(t *testing.T) {
	r, err := NewResolver("")
	if err != nil {
		t.Fatal(err)
	}
	for remote, want := range map[string]string{
		"192.0.2.7:5000":          "192.0.2.7",
		"[::ffff:192.0.2.7]:5000": "192.0.2.7",
		"[2001:db8::1]:5000":      "2001:db8::1",
		"not an address":          "not an address",
	} {
		var got string
		var same bool
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = remote
		req.Header.Set("X-Forwarded-For", "198.51.100.1")
		r.Middleware(http.HandlerFunc(func(_ http.ResponseWriter, in *http.Request) {
			got, same = From(in), in == req
		})).ServeHTTP(httptest.NewRecorder(), req)
		if got != want || got != r.Resolve(req) || !same {
			t.Errorf("%s: From %q (Resolve %q), want %q; request passed on as it was: %v", remote, got, r.Resolve(req), want, same)
		}
	}
}
