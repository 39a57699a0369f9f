package httpenc_test

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/quirehq/quire/internal/httpenc"
)

func TestNegotiate(t *testing.T) {
	for _, c := range []struct {
		accept []string
		want   httpenc.Coding
	}{
		{nil, httpenc.Identity},
		{[]string{""}, httpenc.Identity},
		{[]string{"gzip"}, httpenc.Gzip},
		{[]string{"x-gzip"}, httpenc.Gzip},
		{[]string{"GZIP"}, httpenc.Gzip},
		{[]string{"gzip, deflate, br, zstd"}, httpenc.Brotli},
		{[]string{"gzip, deflate", "br"}, httpenc.Brotli}, // two header lines
		{[]string{"deflate, zstd"}, httpenc.Identity},
		{[]string{"br;q=0, gzip"}, httpenc.Gzip},
		{[]string{"br;q=0.5, gzip;q=0.8"}, httpenc.Gzip},
		{[]string{"br;q=0.8, gzip;q=0.8"}, httpenc.Brotli},
		{[]string{"gzip;q=0, br;q=0"}, httpenc.Identity},
		{[]string{"gzip;q=0.000"}, httpenc.Identity},
		{[]string{"gzip;q=0.001"}, httpenc.Gzip},
		{[]string{"gzip;q=0.5, identity"}, httpenc.Identity}, // identity named with q=1
		{[]string{"gzip;q=0.5, identity;q=0.5"}, httpenc.Gzip},
		{[]string{"identity;q=0"}, httpenc.Identity}, // nothing acceptable: identity all the same
		{[]string{"identity;q=0, gzip"}, httpenc.Gzip},
		{[]string{"*"}, httpenc.Brotli},
		{[]string{"*;q=0"}, httpenc.Identity},
		{[]string{"*;q=0, gzip"}, httpenc.Gzip},
		{[]string{"*;q=0.5, br;q=0.1"}, httpenc.Gzip}, // gzip by *, br named lower
		{[]string{"*;q=0, identity"}, httpenc.Identity},
		{[]string{"gzip ; q=0.7 , br ; q = 0.6"}, httpenc.Gzip},
		{[]string{"gzip;level=1;q=1"}, httpenc.Gzip},
		{[]string{"gzip;q=bogus, br;q=2"}, httpenc.Identity}, // malformed weights refuse
		{[]string{",,, gzip ,"}, httpenc.Gzip},
	} {
		if got := httpenc.Negotiate(c.accept); got != c.want {
			t.Errorf("Negotiate(%q) = %s, want %s", c.accept, got, c.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { httpenc.Negotiate([]string{"gzip, deflate, br, zstd"}) }); n != 0 {
		t.Errorf("Negotiate allocates %v times", n)
	}
}

func page(n int) []byte {
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString("<p>The buyer wants a result, not a product: ask what job they need done.</p>\n")
	}
	return b.Bytes()[:n]
}

func newResponse(data []byte, ct string, etag string) *httpenc.Response {
	h := http.Header{}
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", "public, max-age=0, must-revalidate")
	h.Set("Link", `<http://example.org/webmention>; rel="webmention"`)
	h.Set("Last-Modified", "Wed, 05 Jan 2011 10:00:00 GMT")
	h.Set("Date", "Wed, 05 Jan 2011 10:00:00 GMT")
	h.Set("Content-Length", "1")
	if etag != "" {
		h.Set("ETag", etag)
	}
	return httpenc.NewResponse(h, httpenc.NewBody(data, ct, httpenc.Page, nil))
}

func serve(r *httpenc.Response, method string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/p/", nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	r.Serve(rec, req)
	return rec
}

func decode(t *testing.T, enc string, b []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(b)
	switch enc {
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(r)
	case "":
	default:
		t.Fatalf("unknown coding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestResponseCodings checks that each client gets the coding it asked
// for, with the same content, its own ETag, Vary, the headers kept and a
// Content-Length, and that If-None-Match works for each coding alone.
func TestResponseCodings(t *testing.T) {
	data := page(20000)
	r := newResponse(data, "text/html; charset=utf-8", `W/"abc"`)
	etags := map[string]string{}
	for _, c := range []struct{ accept, enc, etag string }{
		{"", "", `W/"abc"`},
		{"gzip", "gzip", `W/"abc-gz"`},
		{"gzip, deflate, br, zstd", "br", `W/"abc-br"`},
		{"br;q=0, gzip", "gzip", `W/"abc-gz"`},
		{"identity", "", `W/"abc"`},
	} {
		var rec *httptest.ResponseRecorder
		if c.accept == "" {
			rec = serve(r, "GET")
		} else {
			rec = serve(r, "GET", "Accept-Encoding", c.accept)
		}
		h := rec.Header()
		if rec.Code != 200 || h.Get("Content-Encoding") != c.enc || h.Get("ETag") != c.etag {
			t.Fatalf("%q: %d, coding %q, ETag %q", c.accept, rec.Code, h.Get("Content-Encoding"), h.Get("ETag"))
		}
		if h.Get("Vary") != "Accept-Encoding" || h.Get("Link") == "" || h.Get("Cache-Control") == "" ||
			h.Get("Date") != "" || h.Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
			t.Errorf("%q: headers %v", c.accept, h)
		}
		if got := decode(t, c.enc, rec.Body.Bytes()); !bytes.Equal(got, data) {
			t.Errorf("%q: body differs after decoding", c.accept)
		}
		etags[c.enc] = c.etag
	}
	// Each ETag revalidates its own coding only.
	for enc, etag := range etags {
		for _, accept := range []string{"identity", "gzip", "br"} {
			want := 200
			if accept == enc || (accept == "identity" && enc == "") {
				want = 304
			}
			rec := serve(r, "GET", "Accept-Encoding", accept, "If-None-Match", `"zzz", `+etag)
			if rec.Code != want {
				t.Errorf("If-None-Match %s with Accept-Encoding %s: %d, want %d", etag, accept, rec.Code, want)
			}
			if want == 304 && (rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag || rec.Header().Get("Content-Type") != "") {
				t.Errorf("304 for %s: %v, %d bytes", etag, rec.Header(), rec.Body.Len())
			}
		}
	}
	// HEAD: the headers of GET, no body.
	head := serve(r, "HEAD", "Accept-Encoding", "gzip")
	get := serve(r, "GET", "Accept-Encoding", "gzip")
	if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Length") != get.Header().Get("Content-Length") ||
		head.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("HEAD: %d %v", head.Code, head.Header())
	}
}

// TestResponseRange checks Range on the chosen coding's bytes, as nginx
// serves a gzip_static file: 206 with the coding named, the right slice
// and the whole coded length; If-Range with another coding's validator
// gets the whole body.
func TestResponseRange(t *testing.T) {
	data := page(20000)
	r := newResponse(data, "text/html; charset=utf-8", `"abc"`)
	whole := serve(r, "GET", "Accept-Encoding", "gzip").Body.Bytes()
	rec := serve(r, "GET", "Accept-Encoding", "gzip", "Range", "bytes=10-99")
	if rec.Code != http.StatusPartialContent || rec.Header().Get("Content-Encoding") != "gzip" ||
		rec.Header().Get("Content-Range") != "bytes 10-99/"+strconv.Itoa(len(whole)) || !bytes.Equal(rec.Body.Bytes(), whole[10:100]) ||
		rec.Header().Get("Content-Length") != "90" {
		t.Errorf("gzip range: %d %v", rec.Code, rec.Header())
	}
	rec = serve(r, "GET", "Range", "bytes=0-9")
	if rec.Code != http.StatusPartialContent || rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), data[:10]) {
		t.Errorf("identity range: %d %v %q", rec.Code, rec.Header(), rec.Body.Bytes())
	}
	rec = serve(r, "GET", "Accept-Encoding", "gzip", "Range", "bytes=0-9", "If-Range", `"abc"`)
	if rec.Code != 200 || rec.Body.Len() != len(whole) {
		t.Errorf("If-Range naming the identity coding, asking gzip: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	rec = serve(r, "GET", "Accept-Encoding", "gzip", "Range", "bytes=0-9", "If-Range", `"abc-gz"`)
	if rec.Code != http.StatusPartialContent {
		t.Errorf("If-Range naming the gzip coding: %d", rec.Code)
	}
	if rec := serve(r, "GET", "Range", "bytes=999999-"); rec.Code != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("range past the end: %d", rec.Code)
	}
	if rec := serve(r, "GET", "If-Modified-Since", "Thu, 06 Jan 2011 10:00:00 GMT"); rec.Code != http.StatusNotModified {
		t.Errorf("If-Modified-Since after Last-Modified: %d", rec.Code)
	}
	if rec := serve(r, "GET", "If-Modified-Since", "Tue, 04 Jan 2011 10:00:00 GMT"); rec.Code != 200 || rec.Body.Len() != len(data) {
		t.Errorf("If-Modified-Since before Last-Modified: %d", rec.Code)
	}
}

// TestResponseNotCompressed checks that small bodies, images and bodies
// compression does not shrink are sent as they are, without Vary.
func TestResponseNotCompressed(t *testing.T) {
	random := make([]byte, 5000)
	rand.Read(random)
	for name, c := range map[string]struct {
		data []byte
		ct   string
		vary bool
	}{
		"small page":          {page(1000), "text/html; charset=utf-8", false},
		"jpeg":                {page(20000), "image/jpeg", false},
		"woff2":               {page(20000), "font/woff2", false},
		"zip":                 {page(20000), "application/zip", false},
		"incompressible text": {random, "text/plain", true},
	} {
		r := newResponse(c.data, c.ct, `"x"`)
		rec := serve(r, "GET", "Accept-Encoding", "gzip, br")
		if rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), c.data) || rec.Header().Get("ETag") != `"x"` {
			t.Errorf("%s: sent coded: %v", name, rec.Header())
		}
		if got := rec.Header().Get("Vary") == "Accept-Encoding"; got != c.vary {
			t.Errorf("%s: Vary %q", name, rec.Header().Get("Vary"))
		}
	}
}

// TestBodyCountsForms checks that a Body reports each form it makes, once.
func TestBodyCountsForms(t *testing.T) {
	data := page(20000)
	var grown []int
	b := httpenc.NewBody(data, "text/css", httpenc.Static, func(n int) { grown = append(grown, n) })
	r := httpenc.NewResponse(http.Header{"Content-Type": {"text/css"}}, b)
	for range 3 {
		serve(r, "GET", "Accept-Encoding", "gzip")
		serve(r, "GET", "Accept-Encoding", "br")
		serve(r, "GET")
	}
	if len(grown) != 2 || b.Size() != len(data)+grown[0]+grown[1] || grown[0] >= len(data) || grown[1] >= grown[0] {
		t.Errorf("grew by %v, holds %d for %d bytes", grown, b.Size(), len(data))
	}
}

// TestServeAllocations keeps a hit cheap: serving allocates nothing of
// its own once each form is made.
func TestServeAllocations(t *testing.T) {
	r := newResponse(page(20000), "text/html; charset=utf-8", `W/"abc"`)
	req := httptest.NewRequest("GET", "/p/", nil)
	req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	w := &nopWriter{h: http.Header{}}
	r.Serve(w, req)
	if n := testing.AllocsPerRun(100, func() {
		clear(w.h)
		r.Serve(w, req)
	}); n != 0 {
		t.Errorf("Serve allocates %v times", n)
	}
}

type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) WriteHeader(int)             {}
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }

func TestNegotiateGzip(t *testing.T) {
	for accept, want := range map[string]httpenc.Coding{
		"":                             httpenc.Identity,
		"gzip":                         httpenc.Gzip,
		"br":                           httpenc.Identity,
		"gzip, deflate, br, zstd":      httpenc.Gzip,
		"gzip;q=0, br":                 httpenc.Identity,
		"gzip;q=0.5, identity":         httpenc.Identity,
		"*":                            httpenc.Gzip,
		"identity;q=0, gzip;q=0.1, br": httpenc.Gzip,
	} {
		var lines []string
		if accept != "" {
			lines = []string{accept}
		}
		if got := httpenc.NegotiateGzip(lines); got != want {
			t.Errorf("NegotiateGzip(%q) = %s, want %s", accept, got, want)
		}
	}
}
