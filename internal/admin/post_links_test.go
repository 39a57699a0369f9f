package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/store/storetest"
)

// newLinkEnv is newEnv for sites that send linkbacks: its outbound client
// may reach the loopback receivers tests start.
func newLinkEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, st: storetest.New(t), passwords: auth.NewHasher(0, time.Minute)}
	e.app = apptest.New(t, e.st, apptest.Options{TrustedProxies: "127.0.0.1", Passwords: e.passwords, AllowPrivate: true})
	e.app.App.Links.Budget = 1000 // every receiver is on one host
	e.site, e.mail, e.sessions = e.app.Site, e.app.Mail, e.app.App.Sessions
	e.srv = httptest.NewServer(e.app.Handler)
	t.Cleanup(e.srv.Close)
	return e
}

// linkedBlog is another site: /wm/… pages advertise a Webmention
// endpoint, /plain/… pages nothing, /tb/… take trackbacks.
type linkedBlog struct {
	*httptest.Server
	mu          sync.Mutex
	webmentions []url.Values
	trackbacks  []url.Values
}

func newLinkedBlog(t *testing.T) *linkedBlog {
	t.Helper()
	b := &linkedBlog{}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/webmention":
			_ = r.ParseForm()
			b.webmentions = append(b.webmentions, r.PostForm)
			w.WriteHeader(http.StatusAccepted)
		case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/tb/"):
			_ = r.ParseForm()
			b.trackbacks = append(b.trackbacks, r.PostForm)
			w.Header().Set("Content-Type", "text/xml")
			fmt.Fprint(w, `<?xml version="1.0" encoding="utf-8"?><response><error>0</error></response>`)
		case strings.HasPrefix(r.URL.Path, "/wm/"):
			w.Header().Set("Link", `</webmention>; rel="webmention"`)
			w.Header().Set("Content-Type", "text/html")
		case strings.HasPrefix(r.URL.Path, "/plain/"):
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<p>Nothing to see.</p>")
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *linkedBlog) sent() (wm, tb int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.webmentions), len(b.trackbacks)
}

// settleLinks runs the queue until every linkback job has finished.
func (e *env) settleLinks() {
	e.t.Helper()
	e.app.StartQueue()
	deadline := time.Now().Add(30 * time.Second)
	for {
		waiting := 0
		for _, j := range e.app.Jobs(jobs.KindSendLinkback) {
			if j.State != "completed" && j.State != "cancelled" && j.State != "discarded" {
				waiting++
			}
		}
		if waiting == 0 {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("%d linkback jobs still waiting", waiting)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestEditorSendsLinkbacksAndListsThem: publishing from the editor tells
// the pages the post links to and sends the trackbacks typed; the edit
// page then lists each link with its result, and shows the trackback
// addresses in their field.
func TestEditorSendsLinkbacksAndListsThem(t *testing.T) {
	b := newLinkedBlog(t)
	e := newLinkEnv(t)
	c, _ := e.owner()
	wm, plain, tb := b.URL+"/wm/post", b.URL+"/plain/page", b.URL+"/tb/42"
	r := c.post("/admin/posts/new", postForm("title", "Linking out", "action", "publish", "trackbacks_field", "1",
		"body", fmt.Sprintf("See [a post](%s) and [a page](%s).", wm, plain), "trackbacks", tb+"\r\n"))
	mustStatus(t, r, http.StatusSeeOther)
	id := postIDFrom(t, r)
	if js := e.app.Jobs(jobs.KindSendLinkback); len(js) != 3 {
		t.Fatalf("%d linkback jobs written with the post, want 3", len(js))
	}
	page := c.get(fmt.Sprintf("/admin/posts/%d", id))
	mustContain(t, page, "Linked sites", "Waiting to be sent")

	e.settleLinks()
	if n, m := b.sent(); n != 1 || m != 1 {
		t.Fatalf("%d webmentions and %d trackbacks sent, want 1 and 1", n, m)
	}
	page = c.get(fmt.Sprintf("/admin/posts/%d", id))
	mustContain(t, page, "<h2 id=\"outbound-title\">Linked sites</h2>",
		`<a href="`+wm+`" rel="noopener noreferrer">`+wm+`</a>`,
		"<strong>Sent</strong> by Webmention to "+b.URL+"/webmention", "202 Accepted",
		"<strong>No endpoint</strong>", "advertises no Webmention endpoint",
		tb+`</a> <span class="muted">(trackback)</span>`, "<strong>Sent</strong> by Trackback",
		">\n"+tb+"</textarea>")
	if strings.Contains(page.body, "Waiting to be sent") {
		t.Error("a link is still listed as waiting")
	}

	// Updated with the link to the page taken out: both pages told
	// again, the removed one marked.
	r = c.post(fmt.Sprintf("/admin/posts/%d", id), postForm("title", "Linking out", "action", "save", "status", "publish",
		"trackbacks_field", "1", "trackbacks", tb, "body", fmt.Sprintf("Only [a page](%s) now.", plain)))
	mustStatus(t, r, http.StatusSeeOther)
	e.settleLinks()
	if n, m := b.sent(); n != 2 || m != 1 {
		t.Errorf("after the update: %d webmentions, %d trackbacks; want 2 and still 1", n, m)
	}
	mustContain(t, c.get(fmt.Sprintf("/admin/posts/%d", id)), "(link removed)", "Told the link is gone")
}

// TestEditorRefusesBadTrackbackAddresses: every address must be a whole
// http(s) URL; the form comes back with what was typed and nothing is
// saved.
func TestEditorRefusesBadTrackbackAddresses(t *testing.T) {
	e := newLinkEnv(t)
	c, _ := e.owner()
	r := c.post("/admin/posts/new", postForm("title", "Tb", "body", "Text.", "action", "publish",
		"trackbacks_field", "1", "trackbacks", "https://ok.example/tb example.org/trackback <script>"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-trackbacks"`, "example.org/trackback &lt;script&gt;",
		"https://ok.example/tb example.org/trackback &lt;script&gt;</textarea>", `aria-invalid="true"`)
	if _, n, _ := e.st.ListPosts(context.Background(), blog.PostFilter{Type: "any", IncludeAll: true}); n != 0 {
		t.Errorf("%d posts saved", n)
	}
}

// TestEditorLinkbackJobsAreWrittenWithThePost: when the linkback jobs
// cannot be written, the post is not saved, and the editor says so with
// everything typed.
func TestEditorLinkbackJobsAreWrittenWithThePost(t *testing.T) {
	b := newLinkedBlog(t)
	e := newLinkEnv(t)
	c, _ := e.owner()
	restore := apptest.FailJobInserts(t, e.st)
	body := fmt.Sprintf("Read [this](%s/wm/x), typed with care.", b.URL)
	r := c.post("/admin/posts/new", postForm("title", "Careful", "body", body, "action", "publish"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-body"`, "nothing was saved", html.EscapeString(body))
	if _, n, _ := e.st.ListPosts(context.Background(), blog.PostFilter{Type: "any", IncludeAll: true}); n != 0 {
		t.Fatalf("%d posts stored without their linkback jobs", n)
	}
	restore()
	mustStatus(t, c.post("/admin/posts/new", postForm("title", "Careful", "body", body, "action", "publish")), http.StatusSeeOther)
	if js := e.app.Jobs(jobs.KindSendLinkback); len(js) != 1 {
		t.Errorf("jobs %+v", js)
	}
}

// TestUnpublishTrashRestoreDeleteTellLinkedPages: each admin action that
// takes a post out of public (or back) writes the jobs that tell the pages
// it links to; deleting a post whose links were withdrawn leaves nothing.
func TestUnpublishTrashRestoreDeleteTellLinkedPages(t *testing.T) {
	b := newLinkedBlog(t)
	e := newLinkEnv(t)
	c, _ := e.owner()
	r := c.post("/admin/posts/new", postForm("title", "Round trip", "action", "publish",
		"body", fmt.Sprintf("[a](%s/wm/a)", b.URL)))
	id := postIDFrom(t, r)
	path := fmt.Sprintf("/admin/posts/%d", id)
	e.settleLinks()
	steps := []struct {
		action string
		want   int // webmentions sent so far
	}{
		{"/unpublish", 2}, // withdrawn
		{"/trash", 2},     // a draft announced nothing: nothing to say
		{"/restore", 2},   // back as a draft
	}
	for _, s := range steps {
		mustStatus(t, c.post(path+s.action, nil), http.StatusSeeOther)
		e.settleLinks()
		if n, _ := b.sent(); n != s.want {
			t.Errorf("after %s: %d webmentions, want %d", s.action, n, s.want)
		}
	}
	// Published again from the editor, then trashed: told twice more.
	mustStatus(t, c.post(path, postForm("title", "Round trip", "action", "publish",
		"body", fmt.Sprintf("[a](%s/wm/a)", b.URL))), http.StatusSeeOther)
	e.settleLinks()
	mustStatus(t, c.post(path+"/trash", nil), http.StatusSeeOther)
	e.settleLinks()
	if n, _ := b.sent(); n != 4 {
		t.Errorf("after publishing and trashing: %d webmentions, want 4", n)
	}
	// Restored as published: announced again; trashed again: withdrawn.
	mustStatus(t, c.post(path+"/restore", nil), http.StatusSeeOther)
	e.settleLinks()
	mustStatus(t, c.post(path+"/trash", nil), http.StatusSeeOther)
	e.settleLinks()
	if n, _ := b.sent(); n != 6 {
		t.Errorf("after restoring and trashing: %d webmentions, want 6", n)
	}
	mustStatus(t, c.post(path+"/delete", nil), http.StatusSeeOther)
	e.settleLinks()
	if n, _ := b.sent(); n != 6 {
		t.Errorf("deleting a trashed post sent %d webmentions, want none more", n-6)
	}
	var left int
	if err := e.st.DB().QueryRowContext(context.Background(), "SELECT count(*) FROM outbound_links").Scan(&left); err != nil || left != 0 {
		t.Errorf("%d outbound links left (%v)", left, err)
	}
}
