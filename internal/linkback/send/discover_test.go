package send_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/linkback/send"
	"github.com/quirehq/quire/internal/safehttp"
)

// rocksCase is one of webmention.rocks' 23 discovery tests, reproduced:
// what the page at /test/N says (headers and HTML), and the endpoint a
// sender must find there. Header endpoints get "?head=true" when asked
// with HEAD, as on webmention.rocks, so the test sees which request
// found them.
type rocksCase struct {
	name string
	// header values of the page, by header name as sent ("LinK" in #7);
	// "{base}" is the server's address.
	headers map[string][]string
	html    string // inside <body>, or whole when it starts with "<!doctype"
	want    string // path (and query) of the endpoint, on the server
	viaHEAD bool   // found in the HEAD response's Link header
}

var rocks = map[int]rocksCase{
	1: {name: "HTTP Link header, unquoted rel, relative URL",
		headers: map[string][]string{"Link": {"</test/1/webmention>; rel=webmention"}},
		want:    "/test/1/webmention", viaHEAD: true},
	2: {name: "HTTP Link header, unquoted rel, absolute URL",
		headers: map[string][]string{"Link": {"<{base}/test/2/webmention>; rel=webmention"}},
		want:    "/test/2/webmention", viaHEAD: true},
	3: {name: "HTML <link> tag, relative URL",
		html: `<link rel="webmention" href="/test/3/webmention">`, want: "/test/3/webmention"},
	4: {name: "HTML <link> tag, absolute URL",
		html: `<link href="{base}/test/4/webmention" rel="webmention">`, want: "/test/4/webmention"},
	5: {name: "HTML <a> tag, relative URL",
		html: `<p>This post advertises its <a rel="webmention" href="/test/5/webmention">endpoint</a>.</p>`, want: "/test/5/webmention"},
	6: {name: "HTML <a> tag, absolute URL",
		html: `<p>This post advertises its <a href="{base}/test/6/webmention" rel="webmention">endpoint</a>.</p>`, want: "/test/6/webmention"},
	7: {name: "HTTP Link header with strange casing",
		headers: map[string][]string{"LinK": {"<{base}/test/7/webmention>; rel=webmention"}},
		want:    "/test/7/webmention", viaHEAD: true},
	8: {name: "HTTP Link header, quoted rel",
		headers: map[string][]string{"Link": {`<{base}/test/8/webmention>; rel="webmention"`}},
		want:    "/test/8/webmention", viaHEAD: true},
	9: {name: "Multiple rel values on a <link> tag",
		html: `<link rel="webmention somethingelse" href="{base}/test/9/webmention">`, want: "/test/9/webmention"},
	10: {name: "Multiple rel values on a Link header",
		headers: map[string][]string{"Link": {`<{base}/test/10/webmention>; rel="webmention somethingelse"`}},
		want:    "/test/10/webmention", viaHEAD: true},
	11: {name: "Multiple Webmention endpoints advertised: Link, <link>, <a>",
		headers: map[string][]string{"Link": {`</test/11/webmention>; rel="webmention"`}},
		html: `<link rel="webmention" href="/test/11/webmention/error">
			<p>Also in an <a href="/test/11/webmention/error" rel="webmention">a tag</a>.</p>`,
		want: "/test/11/webmention", viaHEAD: true},
	12: {name: "Checking for exact match of rel=webmention",
		html: `<link rel="not-webmention" href="/test/12/webmention/error">
			<p>There is also a <a href="/test/12/webmention" rel="webmention">correct endpoint</a>.</p>`,
		want: "/test/12/webmention"},
	13: {name: "False endpoint inside an HTML comment",
		html: `<p>An HTML comment <!-- <a href="/test/13/webmention/error" rel="webmention"></a> --> and a
			<a href="/test/13/webmention" rel="webmention">correct endpoint</a>.</p>`,
		want: "/test/13/webmention"},
	14: {name: "False endpoint in escaped HTML",
		html: `<p>Sample code: <code>&lt;a href="/test/14/webmention/error" rel="webmention"&gt;&lt;/a&gt;</code> and a
			<a href="/test/14/webmention" rel="webmention">correct endpoint</a>.</p>`,
		want: "/test/14/webmention"},
	15: {name: "Webmention href is an empty string",
		html: `<link rel="webmention" href="">`, want: "/test/15"},
	16: {name: "Multiple Webmention endpoints advertised: <a>, <link>",
		html: `<p>First an <a href="/test/16/webmention" rel="webmention">a tag</a>, then a
			<link rel="webmention" href="/test/16/webmention/error"> link tag.</p>`,
		want: "/test/16/webmention"},
	17: {name: "Multiple Webmention endpoints advertised: <link>, <a>",
		html: `<p>First a <link rel="webmention" href="/test/17/webmention"> link tag, then an
			<a href="/test/17/webmention/error" rel="webmention">a tag</a>.</p>`,
		want: "/test/17/webmention"},
	18: {name: "Multiple HTTP Link headers",
		headers: map[string][]string{"Link": {`<{base}/test/18/webmention/error>; rel="other"`,
			`<{base}/test/18/webmention>; rel="webmention"`}},
		want: "/test/18/webmention", viaHEAD: true},
	19: {name: "Single HTTP Link header with multiple values",
		headers: map[string][]string{"Link": {`<{base}/test/19/webmention/error>; rel="other", <{base}/test/19/webmention>; rel="webmention"`}},
		want:    "/test/19/webmention", viaHEAD: true},
	20: {name: "Link tag with no href attribute",
		html: `<p>A link tag <link rel="webmention"> without href, and
			<a href="/test/20/webmention" rel="webmention">this endpoint</a>.</p>`,
		want: "/test/20/webmention"},
	21: {name: "Webmention endpoint has query string parameters",
		html: `<link rel="webmention" href="/test/21/webmention?query=yes">`, want: "/test/21/webmention?query=yes"},
	22: {name: "Webmention endpoint is relative to the path",
		html: `<link rel="webmention" href="22/webmention">`, want: "/test/22/webmention"},
	23: {name: "Webmention target is a redirect and the endpoint is relative",
		// /test/23/page redirects to /test/23/page/k3y, whose endpoint is
		// relative to that final URL.
		html: `<p><a rel="webmention" href="webmention-endpoint/k3y">endpoint</a></p>`,
		want: "/test/23/page/webmention-endpoint/k3y"},
}

// received is one webmention a fixture endpoint was sent.
type received struct {
	path, query string
	form        url.Values
	contentType string
}

// rocksServer serves the 23 pages and records what their endpoints
// receive and which requests each page got.
type rocksServer struct {
	*httptest.Server
	mu       sync.Mutex
	got      []received
	requests map[string][]string // page path → methods
}

func newRocks(t *testing.T) *rocksServer {
	t.Helper()
	rs := &rocksServer{requests: map[string][]string{}}
	rs.Server = httptest.NewServer(http.HandlerFunc(rs.serve))
	t.Cleanup(rs.Close)
	return rs
}

func (rs *rocksServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		_ = r.ParseForm()
		rs.mu.Lock()
		rs.got = append(rs.got, received{path: r.URL.Path, query: r.URL.RawQuery, form: r.PostForm,
			contentType: r.Header.Get("Content-Type")})
		rs.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		return
	}
	rs.mu.Lock()
	rs.requests[r.URL.Path] = append(rs.requests[r.URL.Path], r.Method)
	rs.mu.Unlock()
	if r.URL.Path == "/test/23/page" {
		http.Redirect(w, r, "/test/23/page/k3y", http.StatusFound)
		return
	}
	var n int
	if r.URL.Path == "/test/23/page/k3y" {
		n = 23
	} else if _, err := fmt.Sscanf(r.URL.Path, "/test/%d", &n); err != nil || fmt.Sprintf("/test/%d", n) != r.URL.Path {
		http.NotFound(w, r)
		return
	}
	c, ok := rocks[n]
	if !ok {
		http.NotFound(w, r)
		return
	}
	for name, values := range c.headers {
		for _, v := range values {
			v = strings.ReplaceAll(v, "{base}", rs.URL)
			if r.Method == http.MethodHead {
				// As webmention.rocks does: a HEAD is told a different
				// endpoint, so a test sees which request found it.
				v = strings.ReplaceAll(v, ">;", "?head=true>;")
			}
			w.Header()[name] = append(w.Header()[name], v) // as written: "LinK" stays "LinK"
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if r.Method == http.MethodHead {
		return
	}
	fmt.Fprintf(w, "<!doctype html><html><head><title>Test %d</title></head><body>%s</body></html>",
		n, strings.ReplaceAll(c.html, "{base}", rs.URL))
}

func loopbackClient() *safehttp.Client {
	return safehttp.New(safehttp.Options{AllowPrivate: true})
}

// TestWebmentionRocksDiscovery runs the 23 discovery tests of
// webmention.rocks against fixtures that reproduce them: each page's
// endpoint is discovered (from a HEAD's Link header where the page has
// one, else from the GET), and a webmention sent there arrives with the
// source and target in the body and the endpoint's query string kept.
func TestWebmentionRocksDiscovery(t *testing.T) {
	rs := newRocks(t)
	c := loopbackClient()
	ctx := context.Background()
	const source = "https://quire.example/2026/01/a-post/"
	for n := 1; n <= 23; n++ {
		tc := rocks[n]
		t.Run(fmt.Sprintf("%d %s", n, tc.name), func(t *testing.T) {
			page := fmt.Sprintf("%s/test/%d", rs.URL, n)
			if n == 23 {
				page = rs.URL + "/test/23/page"
			}
			ep, err := send.Discover(ctx, c, page)
			if err != nil {
				t.Fatal(err)
			}
			want := rs.URL + tc.want
			if tc.viaHEAD {
				want += "?head=true"
			}
			if ep.Protocol != blog.ProtocolWebmention || ep.URL != want {
				t.Fatalf("found %+v, want webmention endpoint %s", ep, want)
			}
			if _, err := send.Webmention(ctx, c, ep.URL, source, page); err != nil {
				t.Fatal(err)
			}
			rs.mu.Lock()
			got := rs.got[len(rs.got)-1]
			rs.mu.Unlock()
			u, _ := url.Parse(want)
			if got.path != u.Path || got.query != u.RawQuery {
				t.Errorf("sent to %s?%s, want %s", got.path, got.query, want)
			}
			if got.form.Get("source") != source || got.form.Get("target") != page || len(got.form) != 2 {
				t.Errorf("sent %v, want only source and target", got.form)
			}
			if got.contentType != "application/x-www-form-urlencoded" {
				t.Errorf("content type %q", got.contentType)
			}
			if strings.Contains(got.path, "error") {
				t.Errorf("sent to the false endpoint %s", got.path)
			}
		})
	}
	// HEAD first, as the spec allows; a Link header found by it needs no
	// GET, and a page without one is then fetched with GET.
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if got := strings.Join(rs.requests["/test/1"], ","); got != "HEAD" {
		t.Errorf("test 1 asked %s, want HEAD alone", got)
	}
	if got := strings.Join(rs.requests["/test/3"], ","); got != "HEAD,GET" {
		t.Errorf("test 3 asked %s, want HEAD then GET", got)
	}
}

// TestDiscoveryWithoutHEAD: a server that refuses HEAD (405) or answers
// it without the Link header its GET sends is still discovered, by GET.
func TestDiscoveryWithoutHEAD(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/refuses" && r.Method == http.MethodHead:
			w.WriteHeader(http.StatusMethodNotAllowed)
		case r.URL.Path == "/refuses":
			w.Header().Set("Link", `</wm>; rel="webmention"`)
			w.Header().Set("Content-Type", "text/html")
		case r.URL.Path == "/get-only" && r.Method == http.MethodGet:
			w.Header().Set("Link", `</wm2>; rel=webmention`)
		}
	}))
	defer srv.Close()
	c := loopbackClient()
	for path, want := range map[string]string{"/refuses": "/wm", "/get-only": "/wm2"} {
		ep, err := send.Discover(context.Background(), c, srv.URL+path)
		if err != nil || ep.URL != srv.URL+want {
			t.Errorf("%s: %+v, %v; want %s", path, ep, err, want)
		}
	}
}

// TestPingbackDiscovery: with no Webmention endpoint, the Pingback server
// is the X-Pingback header (GET's, then HEAD's), else the first <link
// rel="pingback">; a Webmention endpoint anywhere wins; only HTML is
// parsed; a page with neither has no endpoint.
func TestPingbackDiscovery(t *testing.T) {
	pages := map[string]func(w http.ResponseWriter, r *http.Request){
		"/x-pingback": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Pingback", "/xmlrpc.php")
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<link rel="pingback" href="/other.php">`)
		},
		"/head-only": func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead {
				w.Header().Set("X-Pingback", "/head.php")
			}
			w.Header().Set("Content-Type", "text/html")
		},
		"/link": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=UTF-8")
			fmt.Fprint(w, `<html><head><!-- <link rel="pingback" href="/commented.php"> -->
				<link rel="pingback" href="https://blog.example/xmlrpc.php"><link rel="pingback" href="/second.php"></head></html>`)
		},
		"/both": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Pingback", "/xmlrpc.php")
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<body><a rel="webmention" href="/wm">wm</a></body>`)
		},
		"/text": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, `<link rel="webmention" href="/wm"><link rel="pingback" href="/pb">`)
		},
		"/none": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<p>Nothing <a href="/wm">here</a>.</p>`)
		},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := pages[r.URL.Path]; h != nil {
			h(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	c := loopbackClient()
	for path, want := range map[string]send.Endpoint{
		"/x-pingback": {blog.ProtocolPingback, srv.URL + "/xmlrpc.php"},
		"/head-only":  {blog.ProtocolPingback, srv.URL + "/head.php"},
		"/link":       {blog.ProtocolPingback, "https://blog.example/xmlrpc.php"},
		"/both":       {blog.ProtocolWebmention, srv.URL + "/wm"},
		"/text":       {},
		"/none":       {},
	} {
		ep, err := send.Discover(context.Background(), c, srv.URL+path)
		if err != nil || ep != want {
			t.Errorf("%s: %+v, %v; want %+v", path, ep, err, want)
		}
	}
	_, err := send.Discover(context.Background(), c, srv.URL+"/missing")
	if pe, ok := err.(*send.PageError); !ok || pe.Status != http.StatusNotFound || pe.Temporary() {
		t.Errorf("a missing page: %v", err)
	}
}

// TestDiscoveryIsSafe: discovery goes through safehttp, so a page on a
// private address is refused unless allowed, and a long page is read only
// so far.
func TestDiscoveryIsSafe(t *testing.T) {
	long := strings.Repeat("<p>filler</p>", send.MaxPage/13+10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.Method == http.MethodGet {
			io.WriteString(w, long+`<link rel="webmention" href="/too-far">`)
		}
	}))
	defer srv.Close()
	if _, err := send.Discover(context.Background(), safehttp.New(safehttp.Options{}), srv.URL+"/"); err == nil ||
		!strings.Contains(err.Error(), "non-public") {
		t.Errorf("a loopback page was fetched: %v", err)
	}
	ep, err := send.Discover(context.Background(), loopbackClient(), srv.URL+"/")
	if err != nil || ep.URL != "" {
		t.Errorf("an endpoint past the cap was found: %+v, %v", ep, err)
	}
}
