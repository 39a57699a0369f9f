package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/quirehq/quire/internal/theme"
)

// get serves one request on the site serve wires and returns the
// response with its body read.
func (e *env) get(t *testing.T, method, path string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, "http://127.0.0.1:8080"+path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp := e.do(req)
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func decoded(t *testing.T, resp *http.Response, b []byte) string {
	t.Helper()
	var r io.Reader = bytes.NewReader(b)
	switch enc := resp.Header.Get("Content-Encoding"); enc {
	case "":
	case "gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(r)
	default:
		t.Fatalf("unexpected coding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestCachedPageInEachCoding asks for a post, a feed and the home page as a
// plain client, a gzip-only client and a browser, first and again (from
// the cache): each gets its coding, the same content, every header of
// the page (Link and X-Pingback, the policies, Vary), its own ETag that
// revalidates that coding only, the same for HEAD, and a Range request is
// served on the coded bytes.
func TestCachedPageInEachCoding(t *testing.T) {
	e := newEnv(t)
	const browserAE = "gzip, deflate, br, zstd"
	for _, path := range []string{"/2011/01/05/hello/", "/feed/", "/"} {
		plain, plainBody := e.get(t, "GET", path)
		if plain.StatusCode != 200 || plain.Header.Get("Content-Encoding") != "" || plain.Header.Get("Content-Length") == "" {
			t.Fatalf("%s plain: %d %v", path, plain.StatusCode, plain.Header)
		}
		etags := map[string]string{"": plain.Header.Get("ETag")}
		for _, c := range []struct{ accept, enc string }{{"gzip", "gzip"}, {browserAE, "br"}, {"br;q=0.5, gzip", "gzip"}, {"gzip;q=0, br;q=0", ""}} {
			for _, round := range []string{"first", "cached"} {
				resp, b := e.get(t, "GET", path, "Accept-Encoding", c.accept)
				if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != c.enc {
					t.Fatalf("%s %s %q: %d, coding %q", path, round, c.accept, resp.StatusCode, resp.Header.Get("Content-Encoding"))
				}
				if got := decoded(t, resp, b); got != string(plainBody) {
					t.Errorf("%s %s %q: content differs from the plain response", path, round, c.accept)
				}
				for k := range plain.Header {
					if k == "Content-Length" || k == "Etag" || k == "Date" {
						continue
					}
					if got, want := resp.Header.Values(k), plain.Header.Values(k); strings.Join(got, "|") != strings.Join(want, "|") {
						t.Errorf("%s %s %q: %s %q, plain %q", path, round, c.accept, k, got, want)
					}
				}
				if resp.Header.Get("Content-Length") != strconv.Itoa(len(b)) {
					t.Errorf("%s %q: Content-Length %s for %d bytes", path, c.accept, resp.Header.Get("Content-Length"), len(b))
				}
				etags[c.enc] = resp.Header.Get("ETag")
			}
		}
		if !strings.Contains(plain.Header.Get("Vary"), "Accept-Encoding") || plain.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: headers %v", path, plain.Header)
		}
		if path == "/2011/01/05/hello/" && (plain.Header.Get("Link") == "" || plain.Header.Get("X-Pingback") == "") {
			t.Errorf("post lacks its linkback headers: %v", plain.Header)
		}
		if etags[""] == etags["gzip"] || etags["gzip"] == etags["br"] || etags[""] == etags["br"] {
			t.Errorf("%s: ETags not distinct per coding: %v", path, etags)
		}
		for enc, etag := range etags {
			for _, accept := range []string{"", "gzip", browserAE} {
				want := 200
				if (accept == "" && enc == "") || (accept == "gzip" && enc == "gzip") || (accept == browserAE && enc == "br") {
					want = 304
				}
				hdr := []string{"If-None-Match", etag}
				if accept != "" {
					hdr = append(hdr, "Accept-Encoding", accept)
				}
				if resp, b := e.get(t, "GET", path, hdr...); resp.StatusCode != want || (want == 304 && len(b) != 0) {
					t.Errorf("%s: If-None-Match %s, Accept-Encoding %q: %d, want %d", path, etag, accept, resp.StatusCode, want)
				}
			}
		}
		head, b := e.get(t, "HEAD", path, "Accept-Encoding", browserAE)
		get, gb := e.get(t, "GET", path, "Accept-Encoding", browserAE)
		if head.StatusCode != 200 || len(b) != 0 || head.Header.Get("Content-Length") != strconv.Itoa(len(gb)) ||
			head.Header.Get("Content-Encoding") != "br" || head.Header.Get("ETag") != get.Header.Get("ETag") {
			t.Errorf("%s HEAD: %d %v", path, head.StatusCode, head.Header)
		}
		rng, rb := e.get(t, "GET", path, "Accept-Encoding", browserAE, "Range", "bytes=0-99")
		if rng.StatusCode != http.StatusPartialContent || rng.Header.Get("Content-Encoding") != "br" ||
			rng.Header.Get("Content-Range") != "bytes 0-99/"+strconv.Itoa(len(gb)) || !bytes.Equal(rb, gb[:100]) {
			t.Errorf("%s Range on the Brotli form: %d %v", path, rng.StatusCode, rng.Header)
		}
	}
}

// TestStaticFilesCompressedOnce checks the theme's files: compressed for
// clients that accept it, with the year-long caching of a versioned link,
// an ETag per coding that revalidates, and small files sent as they are.
func TestStaticFilesCompressedOnce(t *testing.T) {
	e := newEnv(t)
	th, err := theme.Load("")
	if err != nil {
		t.Fatal(err)
	}
	css := th.Asset("style.css")
	f, _ := th.Static("style.css")
	resp, b := e.get(t, "GET", css, "Accept-Encoding", "gzip, deflate, br, zstd")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "br" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") ||
		resp.Header.Get("ETag") != `"`+f.Hash+`-br"` || decoded(t, resp, b) != string(f.Data) || len(b) >= len(f.Data)/2 ||
		resp.Header.Get("Vary") != "Accept-Encoding" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("style.css for a browser: %d %v, %d bytes", resp.StatusCode, resp.Header, len(b))
	}
	if again, _ := e.get(t, "GET", css, "Accept-Encoding", "br", "If-None-Match", resp.Header.Get("ETag")); again.StatusCode != 304 {
		t.Errorf("revalidating the Brotli form: %d", again.StatusCode)
	}
	if plain, pb := e.get(t, "GET", "/static/style.css"); plain.Header.Get("Content-Encoding") != "" || string(pb) != string(f.Data) ||
		strings.Contains(plain.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("unversioned, plain: %v", plain.Header)
	}
	ico, _ := th.Static("favicon.ico")
	if len(ico.Data) < 1024 {
		if r, _ := e.get(t, "GET", "/favicon.ico", "Accept-Encoding", "gzip"); r.Header.Get("Content-Encoding") != "" || r.Header.Get("Vary") != "" {
			t.Errorf("a %d-byte icon was compressed: %v", len(ico.Data), r.Header)
		}
	}
}

// TestUncachedCompressedOnTheFly checks what the page cache does not keep:
// a personal page and the admin's are compressed as they are written,
// with Vary and the client's q-values honoured.
func TestUncachedCompressedOnTheFly(t *testing.T) {
	e := newEnv(t)
	commenter := "quire_commenter=" + base64.RawURLEncoding.EncodeToString([]byte("n=Ann&e=ann%40example.org&u="))
	for _, c := range []struct {
		path, accept, cookie, enc string
	}{
		{"/2011/01/05/hello/", "gzip, br", commenter, "gzip"},
		{"/2011/01/05/hello/", "gzip;q=0", commenter, ""},
		{"/admin/login", "gzip", "", "gzip"},
		{"/admin/login", "identity, gzip;q=0.5", "", ""},
	} {
		hdr := []string{"Accept-Encoding", c.accept}
		if c.cookie != "" {
			hdr = append(hdr, "Cookie", c.cookie)
		}
		resp, b := e.get(t, "GET", c.path, hdr...)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != c.enc || !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Accept-Encoding") ||
			!strings.Contains(decoded(t, resp, b), "</html>") {
			t.Errorf("%s %q: %d %v", c.path, c.accept, resp.StatusCode, resp.Header)
		}
		if c.cookie != "" && !strings.Contains(resp.Header.Get("Cache-Control"), "private") {
			t.Errorf("%s with a commenter cookie: %v", c.path, resp.Header)
		}
	}
}

// TestCacheHitsLoggedAndCounted checks that a page served from the cache,
// before most of the middleware, is still logged and counted.
func TestCacheHitsLoggedAndCounted(t *testing.T) {
	e := newEnv(t)
	for range 3 {
		if resp, _ := e.get(t, "GET", "/2011/01/05/hello/", "Accept-Encoding", "br"); resp.StatusCode != 200 {
			t.Fatal(resp.StatusCode)
		}
	}
	if n := strings.Count(e.logs.String(), "path=/2011/01/05/hello/"); n != 3 {
		t.Errorf("%d request lines for 3 requests:\n%s", n, e.logs)
	}
	families, err := e.metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "quire_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["method"] == "GET" && labels["code"] == "200" && m.GetCounter().GetValue() == 3 {
				return
			}
		}
	}
	t.Error("the three requests were not counted as GET 200")
}
