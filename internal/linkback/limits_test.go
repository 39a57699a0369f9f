package linkback_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/linkback"
	"github.com/quirehq/quire/internal/xmlrpc"
)

// TestRateLimitPerClient checks that each endpoint takes at most 30
// requests per client address in 10 minutes (an IPv6 client's whole /64
// counting as one), counted in the database, and that the endpoints count
// apart.
func TestRateLimitPerClient(t *testing.T) {
	e := newEnv(t)
	for i := range linkback.DefaultPerIP {
		ip := "2001:db8:1:2::" + strconv.Itoa(i+1) // one /64, many addresses
		if r := e.webmention(ip, "https://a.example/"+strconv.Itoa(i), "https://elsewhere.example/"); r.code != http.StatusBadRequest {
			t.Fatalf("request %d: %d %s", i+1, r.code, r.body)
		}
	}
	if r := e.webmention("2001:db8:1:2::ffff", "https://a.example/x", target); r.code != http.StatusTooManyRequests {
		t.Errorf("request 31 from the same /64: %d %s", r.code, r.body)
	}
	if r := e.webmention("2001:db8:1:3::1", "https://a.example/x", "https://elsewhere.example/"); r.code != http.StatusBadRequest {
		t.Errorf("another /64: %d", r.code)
	}
	// Pingback and Trackback count on their own.
	for i := range linkback.DefaultPerIP {
		_, f := e.ping("2001:db8:1:2::1", "not a url", target)
		if f == nil || f.Code != 0 {
			t.Fatalf("ping %d: %v", i+1, f)
		}
	}
	v, f := e.ping("2001:db8:1:2::1", "not a url", target)
	wantFault(t, "ping 31", v, f, 49)
	for range linkback.DefaultPerIP {
		e.trackback("2001:db8:1:2::1", "/2024/05/01/what-business-are-you-in/", formType, "title=no+url")
	}
	tbError(t, "trackback 31", e.trackback("2001:db8:1:2::1", "/2024/05/01/what-business-are-you-in/", formType,
		url.Values{"url": {"https://b.example/"}}.Encode()), "Too many requests")
	if n := len(e.linkbacks(e.post.ID)); n != 0 {
		t.Errorf("%d linkbacks stored", n)
	}
}

// TestFetchBudget checks that sources on one host are fetched at most 10
// times a minute, however many pings name them: exactly 10 pingbacks are
// verified, the next are fault 50 without a fetch, and a webmention's job
// waits for the budget rather than fetch.
func TestFetchBudget(t *testing.T) {
	e := newEnv(t)
	stored, refused := 0, 0
	for i := range linkback.DefaultFetchesPerHost + 3 {
		src := e.src.set("/p"+strconv.Itoa(i), linking("Post "+strconv.Itoa(i), target))
		_, f := e.ping("198.51.100."+strconv.Itoa(i+1), src, target)
		switch {
		case f == nil:
			stored++
		case f.Code == 50:
			refused++
		default:
			t.Fatalf("ping %d: fault %d %s", i+1, f.Code, f.Message)
		}
	}
	if stored != linkback.DefaultFetchesPerHost || refused != 3 {
		t.Errorf("%d stored and %d refused, want %d and 3", stored, refused, linkback.DefaultFetchesPerHost)
	}
	if n := e.src.hits.Load(); n != int64(linkback.DefaultFetchesPerHost) {
		t.Errorf("the source host was fetched %d times, want %d", n, linkback.DefaultFetchesPerHost)
	}
	// A webmention from the same host waits for the budget.
	src := e.src.set("/wm", linking("Webmention", target))
	if r := e.webmention("198.51.100.99", src, target); r.code != http.StatusAccepted {
		t.Fatalf("%d %s", r.code, r.body)
	}
	e.app.StartQueue()
	waitState(t, e, "scheduled")
	if n := e.src.hits.Load(); n != int64(linkback.DefaultFetchesPerHost) {
		t.Errorf("fetched %d times after the webmention", n)
	}
	if js := e.app.Jobs(jobs.KindVerifyWebmention); len(js) != 1 || js[0].State != "scheduled" || !js[0].At.After(time.Now()) {
		t.Errorf("jobs %+v", js)
	}
}

// TestServerToServer checks that the three endpoints take requests a
// browser would mark cross-site (a webmention form on the linking site),
// which the comment form refuses.
func TestServerToServer(t *testing.T) {
	e := newEnv(t)
	cross := func(req *http.Request) resp {
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://other.example")
		return e.do(req, "198.51.100.5")
	}
	r := cross(withType(httptest.NewRequest("POST", "/webmention", strings.NewReader("source=x&target=y")), formType))
	if r.code == http.StatusForbidden {
		t.Errorf("webmention refused cross-site: %s", r.body)
	}
	body, _ := xmlrpc.EncodeCall("system.listMethods")
	r = cross(withType(httptest.NewRequest("POST", "/xmlrpc.php", bytes.NewReader(body)), "text/xml"))
	if r.code != http.StatusOK {
		t.Errorf("xmlrpc refused cross-site: %d %s", r.code, r.body)
	}
	r = cross(withType(httptest.NewRequest("POST", "/2024/05/01/what-business-are-you-in/trackback/",
		strings.NewReader("url=https%3A%2F%2Fother.example%2Fa")), formType))
	tbOK(t, "cross-site trackback", r)
	for _, path := range []string{"/wp-comments-post.php", "/admin/posts/1/trackback/", "/wp-admin/trackback/"} {
		r = cross(withType(httptest.NewRequest("POST", path, strings.NewReader("comment=hi")), formType))
		if r.code != http.StatusForbidden {
			t.Errorf("%s took a cross-site post: %d", path, r.code)
		}
	}
}
