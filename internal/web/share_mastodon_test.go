package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/quirehq/quire/internal/admin"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/safehttp"
	"github.com/quirehq/quire/internal/server"
	"github.com/quirehq/quire/internal/web"
)

// fediverse is a loopback server standing in for many hosts: the checker's
// Origin sends host H to /H/..., and what each host answers is set per
// host. It counts how many times each host was asked.
type fediverse struct {
	srv *httptest.Server

	mu      sync.Mutex
	answers map[string]string // host → "mastodon", "nodeinfo", "hang" or "" (404 for everything)
	asked   map[string]int
	arrived chan string // hosts whose first request arrived
	release chan struct{}
}

func newFediverse(t *testing.T) *fediverse {
	f := &fediverse{answers: map[string]string{}, asked: map[string]int{}, arrived: make(chan string, 100), release: make(chan struct{})}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, path, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		f.mu.Lock()
		kind := f.answers[host]
		// Count one document per ask: the one that says yes (the other
		// may be cancelled before it arrives), else the instance one.
		counted := "api/v1/instance"
		if kind == "nodeinfo" {
			counted = ".well-known/nodeinfo"
		}
		first := false
		if path == counted {
			f.asked[host]++
			first = f.asked[host] == 1
		}
		f.mu.Unlock()
		if first {
			f.arrived <- host
		}
		switch {
		case kind == "hang":
			select {
			case <-f.release:
			case <-r.Context().Done():
			}
		case kind == "mastodon" && path == "api/v1/instance":
			json.NewEncoder(w).Encode(map[string]any{"uri": host, "title": "A server", "version": "4.3.0"})
			return
		case kind == "nodeinfo" && path == ".well-known/nodeinfo":
			json.NewEncoder(w).Encode(map[string]any{"links": []map[string]string{
				{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": "https://" + host + "/nodeinfo/2.0"}}})
			return
		case kind == "html":
			w.Write([]byte("<html>a parked domain</html>"))
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(func() {
		close(f.release)
		f.srv.Close()
	})
	return f
}

func (f *fediverse) set(host, kind string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[host] = kind
}

func (f *fediverse) count(host string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked[host]
}

// checker returns a MastodonServers asking f; allowPrivate false is the
// production client, which must refuse the loopback server.
func (f *fediverse) checker(allowPrivate bool) *web.MastodonServers {
	m := web.NewMastodonServers(safehttp.New(safehttp.Options{AllowPrivate: allowPrivate, Timeout: 3 * time.Second}))
	m.Origin = func(host string) string { return f.srv.URL + "/" + host }
	return m
}

// withMastodon serves the env's reader pages again with m as
// Deps.Mastodon (asking the test's servers), behind the server's
// middleware.
func (e *env) withMastodon(m *web.MastodonServers) {
	d := e.deps()
	d.Mastodon = m
	e.h = server.Handler(server.Options{Store: e.st, Web: d, Admin: admin.Deps{Store: e.st, Site: e.site},
		Sessions: e.app.App.Sessions, ClientIP: &clientip.Resolver{}, Logger: d.Logger})
}

func TestMastodonShare(t *testing.T) {
	e := newEnv(t)
	f := newFediverse(t)
	for _, h := range []string{"mastodon.social", "fosstodon.org", "xn--bcher-kva.example"} {
		f.set(h, "mastodon")
	}
	f.set("gts.example", "nodeinfo")
	f.set("parked.example", "html")
	e.withMastodon(f.checker(true))
	postURL := baseURL + "/2011/01/05/x/"
	title := `Tom & Jerry ✓ "><script>alert(1)</script>`
	share := func(instance, link string) resp {
		q := url.Values{"instance": {instance}, "url": {link}, "title": {title}}
		return e.get("/share/mastodon?" + q.Encode())
	}
	for in, host := range map[string]string{
		"mastodon.social": "mastodon.social", "https://Mastodon.Social/": "mastodon.social",
		"@ann@fosstodon.org": "fosstodon.org", " bücher.example ": "xn--bcher-kva.example",
		"gts.example": "gts.example",
	} {
		r := share(in, postURL)
		if r.code != http.StatusSeeOther {
			t.Errorf("%q: %d, want a redirect to a server that answers as Mastodon", in, r.code)
			continue
		}
		u, err := url.Parse(r.hdr.Get("Location"))
		if err != nil || u.Scheme != "https" || u.Host != host || u.Path != "/share" || u.Query().Get("text") != title+" "+postURL {
			t.Errorf("%q: Location %q", in, r.hdr.Get("Location"))
		}
	}
	// The answer is remembered: sharing again asks nothing.
	asked := f.count("mastodon.social")
	if r := share("mastodon.social", postURL); r.code != http.StatusSeeOther || f.count("mastodon.social") != asked || asked == 0 {
		t.Errorf("share again: %d; mastodon.social asked %d times, then %d", r.code, asked, f.count("mastodon.social"))
	}

	// Hosts that do not answer as Mastodon: a page with the link, no redirect.
	for _, host := range []string{"parked.example", "nothing.example"} {
		r := share(host, postURL)
		if r.code != http.StatusOK || r.hdr.Get("Location") != "" {
			t.Errorf("%s: %d %q, want the choice shown on a page", host, r.code, r.hdr.Get("Location"))
			continue
		}
		href := attr(t, r.body, linkWithText("Share on "+host), "href")
		u, err := url.Parse(href)
		if err != nil || u.Scheme != "https" || u.Host != host || u.Path != "/share" || u.Query().Get("text") != title+" "+postURL {
			t.Errorf("%s: link %q", host, href)
		}
		r.lacks(t, "<script>alert(1)")
		if !strings.Contains(r.hdr.Get("Cache-Control"), "no-store") {
			t.Errorf("%s: Cache-Control %q", host, r.hdr.Get("Cache-Control"))
		}
		if doc, err := html.Parse(strings.NewReader(r.body)); err != nil || doc == nil {
			t.Errorf("%s: page does not parse: %v", host, err)
		}
	}

	for _, in := range []string{"", "localhost", "127.0.0.1", "10.0.0.1", "[::1]", "evil.com/phish", "evil.com:8080",
		"user:pw@evil.com", "evil.com?x=1", "-bad-.com", "a..b", "javascript:alert(1)", "host.local", strings.Repeat("a", 70) + ".com",
		"evil.com#frag", "exa mple.com", "evil.com\\@good.com"} {
		if r := share(in, postURL); r.code != http.StatusBadRequest || r.hdr.Get("Location") != "" {
			t.Errorf("%q accepted: %d %s", in, r.code, r.hdr.Get("Location"))
		}
	}
	if r := share("mastodon.social", "https://elsewhere.example/"); r.code != http.StatusBadRequest {
		t.Errorf("foreign URL shared: %d", r.code)
	}
	if n := f.count("evil.com") + f.count("elsewhere.example"); n != 0 {
		t.Errorf("refused input was still asked about (%d requests)", n)
	}
}

// TestMastodonShareRefusesPrivateServers: the production client does not
// reach a server on a private address, so a host whose name leads there
// is never redirected to.
func TestMastodonShareRefusesPrivateServers(t *testing.T) {
	e := newEnv(t)
	f := newFediverse(t)
	f.set("mastodon.social", "mastodon")
	e.withMastodon(f.checker(false))
	r := e.get("/share/mastodon?instance=mastodon.social&url=" + url.QueryEscape(baseURL+"/x/"))
	if r.code != http.StatusOK || r.hdr.Get("Location") != "" {
		t.Errorf("%d %q: redirected on an answer from a loopback address", r.code, r.hdr.Get("Location"))
	}
	if n := f.count("mastodon.social"); n != 0 {
		t.Errorf("loopback server reached %d times", n)
	}
}

func TestMastodonServersBounds(t *testing.T) {
	ctx := context.Background()
	f := newFediverse(t)
	for _, h := range []string{"a.example", "b.example", "c.example"} {
		f.set(h, "mastodon")
	}
	f.set("slow.example", "hang")
	m := f.checker(true)
	now := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	var clock sync.Mutex
	m.Now = func() time.Time { clock.Lock(); defer clock.Unlock(); now = now.Add(time.Second); return now }
	advance := func(d time.Duration) { clock.Lock(); now = now.Add(d); clock.Unlock() }
	m.MaxHosts, m.MaxPending, m.Timeout = 2, 1, 30*time.Second

	// Remembered for a day, then asked again.
	if !m.IsServer(ctx, "a.example") || !m.IsServer(ctx, "a.example") || f.count("a.example") != 1 {
		t.Fatalf("a.example asked %d times", f.count("a.example"))
	}
	advance(25 * time.Hour)
	if !m.IsServer(ctx, "a.example") || f.count("a.example") != 2 {
		t.Errorf("after a day a.example asked %d times in all, want 2", f.count("a.example"))
	}

	// At most MaxHosts remembered: the one expiring first goes.
	m.IsServer(ctx, "b.example")
	m.IsServer(ctx, "c.example")
	m.IsServer(ctx, "c.example")
	m.IsServer(ctx, "b.example")
	if f.count("b.example") != 1 || f.count("c.example") != 1 {
		t.Errorf("b, c asked %d, %d times, want once each", f.count("b.example"), f.count("c.example"))
	}
	m.IsServer(ctx, "a.example")
	if f.count("a.example") != 3 {
		t.Errorf("a.example asked %d times, want 3: it should have been forgotten", f.count("a.example"))
	}

	// At most MaxPending asks at once: another host is answered "no" at
	// once, without asking it, while the slow one is being asked.
	done := make(chan bool)
	go func() { done <- m.IsServer(ctx, "slow.example") }()
	<-f.arrived // drain a, b, c
	<-f.arrived
	<-f.arrived
	if h := <-f.arrived; h != "slow.example" {
		t.Fatalf("arrived %s", h)
	}
	f.set("d.example", "mastodon")
	if m.IsServer(ctx, "d.example") || f.count("d.example") != 0 {
		t.Errorf("d.example asked while the only slot was busy")
	}
	// A reader who leaves does not wait for the answer.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if m.IsServer(cctx, "slow.example") {
		t.Errorf("a cancelled reader got a yes")
	}
	f.release <- struct{}{}
	f.release <- struct{}{}
	if <-done {
		t.Errorf("slow.example answered nothing but counts as a server")
	}
	if !m.IsServer(ctx, "d.example") {
		t.Errorf("d.example not asked once the slot was free")
	}
}

// TestMastodonServersTimeout: a host that does not answer within Timeout
// is not a server.
func TestMastodonServersTimeout(t *testing.T) {
	f := newFediverse(t)
	f.set("slow.example", "hang")
	m := f.checker(true)
	m.Timeout = 50 * time.Millisecond
	if m.IsServer(context.Background(), "slow.example") {
		t.Error("a host that never answered counts as a server")
	}
}
