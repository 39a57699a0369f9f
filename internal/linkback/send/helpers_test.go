package send_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/linkback/send"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
	"github.com/quirehq/quire/internal/xmlrpc"
)

// base is the test site's address: the source URL of every linkback.
const base = "https://quire.example"

// fakeBlog is another site on loopback: pages that advertise a Webmention
// endpoint (/wm/…), a Pingback server (/pb/…) or nothing (/plain/…), the
// endpoints themselves, and trackback URLs (/trackback/…). It records
// what it is sent.
type fakeBlog struct {
	*httptest.Server
	mu          sync.Mutex
	webmentions []url.Values
	pingbacks   [][2]string // source, target
	trackbacks  []url.Values
	fetches     map[string]int // page path → HEAD and GET requests
	// faults makes pingback.ping to a target path answer that fault.
	faults map[string]int
	// unavailable makes the Webmention endpoint answer 503 this many
	// more times.
	unavailable int
}

func newFakeBlog(t *testing.T) *fakeBlog {
	t.Helper()
	b := &fakeBlog{fetches: map[string]int{}, faults: map[string]int{}}
	b.Server = httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(b.Close)
	return b
}

func (b *fakeBlog) serve(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := r.URL.Path
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		b.fetches[p]++
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch {
		case strings.HasPrefix(p, "/wm/"):
			fmt.Fprint(w, `<!doctype html><html><head><title>Page</title><link rel="webmention" href="/webmention"></head><body>Hi</body></html>`)
		case strings.HasPrefix(p, "/pb/"):
			w.Header().Set("X-Pingback", b.URL+"/xmlrpc.php")
			fmt.Fprint(w, `<!doctype html><title>Page</title><p>Hi</p>`)
		case strings.HasPrefix(p, "/plain/"):
			fmt.Fprint(w, `<!doctype html><title>Page</title><p>Hi</p>`)
		default:
			http.NotFound(w, r)
		}
		return
	}
	switch {
	case p == "/webmention":
		if b.unavailable > 0 {
			b.unavailable--
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_ = r.ParseForm()
		b.webmentions = append(b.webmentions, r.PostForm)
		w.WriteHeader(http.StatusAccepted)
	case p == "/xmlrpc.php":
		call, err := xmlrpc.ReadCall(r.Body)
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		if err != nil || call.Method != "pingback.ping" || len(call.Params) != 2 {
			w.Write(xmlrpc.EncodeFault(&xmlrpc.Fault{Code: 0, Message: "bad call"}))
			return
		}
		source, _ := call.Params[0].(string)
		target, _ := call.Params[1].(string)
		b.pingbacks = append(b.pingbacks, [2]string{source, target})
		tu, _ := url.Parse(target)
		if code := b.faults[tu.Path]; code != 0 {
			w.Write(xmlrpc.EncodeFault(&xmlrpc.Fault{Code: code, Message: fmt.Sprintf("fault number %d", code)}))
			return
		}
		out, _ := xmlrpc.EncodeResponse("Pingback from " + source + " to " + target + " registered. Keep the web talking! :-)")
		w.Write(out)
	case strings.HasPrefix(p, "/trackback/"):
		_ = r.ParseForm()
		b.trackbacks = append(b.trackbacks, r.PostForm)
		w.Header().Set("Content-Type", "text/xml; charset=UTF-8")
		if strings.HasSuffix(p, "/refuse") {
			fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><response><error>1</error><message>Sorry, trackbacks are closed for this item.</message></response>`)
			return
		}
		fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><response><error>0</error></response>`)
	default:
		http.NotFound(w, r)
	}
}

// sent returns copies of what the blog was sent so far.
func (b *fakeBlog) sent() (wm []url.Values, pb [][2]string, tb []url.Values) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]url.Values(nil), b.webmentions...), append([][2]string(nil), b.pingbacks...),
		append([]url.Values(nil), b.trackbacks...)
}

// newSite is a site wired as serve wires it, at base, allowed to reach
// loopback (the fake blogs), with settings.
func newSite(t *testing.T, settings map[string]string) *apptest.Site {
	t.Helper()
	return newSiteAt(t, base, settings)
}

func newSiteAt(t *testing.T, baseURL string, settings map[string]string) *apptest.Site {
	t.Helper()
	st := storetest.New(t)
	if len(settings) > 0 {
		if err := st.SaveSettings(context.Background(), settings); err != nil {
			t.Fatal(err)
		}
	}
	s := apptest.New(t, st, apptest.Options{Overrides: site.Overrides{BaseURL: baseURL}, AllowPrivate: true})
	// Every fake page is on one host; the budget has its own test.
	s.App.Links.Budget = 1000
	return s
}

// save writes p and what follows from it in one transaction, as the
// editor's Save does.
func save(t *testing.T, s *apptest.Site, p *blog.Post, ch send.Change) {
	t.Helper()
	if err := saveErr(s, p, ch); err != nil {
		t.Fatal(err)
	}
}

func saveErr(s *apptest.Site, p *blog.Post, ch send.Change) error {
	ctx := context.Background()
	if p.Type == "" {
		p.Type = blog.TypePost
	}
	if p.PublishedAt.IsZero() {
		p.PublishedAt = time.Now().Add(-time.Minute)
	}
	if err := markup.Prepare(p); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Store) error {
		changed, err := tx.SavePost(ctx, p)
		if err != nil {
			return err
		}
		ch.Content = ch.Content || changed
		return s.App.Links.PostChanged(ctx, tx, p.ID, ch)
	})
}

// setStatus moves post id to status with what follows, as the admin's
// Unpublish and Trash do.
func setStatus(t *testing.T, s *apptest.Site, id int64, status blog.Status) {
	t.Helper()
	ctx := context.Background()
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetStatus(ctx, id, status); err != nil {
			return err
		}
		return s.App.Links.PostChanged(ctx, tx, id, send.Change{Content: true})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// settle starts the queue and waits until every linkback job has
// finished, failing after a generous deadline.
func settle(t *testing.T, s *apptest.Site) {
	t.Helper()
	s.StartQueue()
	deadline := time.Now().Add(30 * time.Second)
	for {
		waiting := 0
		for _, j := range s.Jobs(jobs.KindSendLinkback) {
			if j.State != "completed" && j.State != "cancelled" && j.State != "discarded" {
				waiting++
			}
		}
		if waiting == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d linkback jobs still waiting: %+v", waiting, s.Jobs(jobs.KindSendLinkback))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// links returns post id's outbound links by target.
func links(t *testing.T, s *apptest.Site, id int64) map[string]blog.OutboundLink {
	t.Helper()
	ls, err := s.Store.OutboundLinks(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]blog.OutboundLink{}
	for _, l := range ls {
		out[l.Target] = l
	}
	return out
}

// postURL is the post's permalink on the test site.
func postURL(t *testing.T, s *apptest.Site, id int64) string {
	t.Helper()
	ctx := context.Background()
	p, err := s.Store.Post(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return set.PostURL(p)
}
