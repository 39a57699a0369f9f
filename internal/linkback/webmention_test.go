package linkback_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
)

// TestWebmentionRefusedAtOnce checks the W3C receiver's 400s: every
// problem with the source or target is told at once, in plain words, and
// nothing is queued or stored.
func TestWebmentionRefusedAtOnce(t *testing.T) {
	e := newEnv(t)
	draft := e.newPost("Draft", "a-draft", func(p *blog.Post) { p.Status = blog.StatusDraft })
	closed := e.newPost("Closed", "closed-to-pings", func(p *blog.Post) { p.PingsClosed = true })
	page := e.newPost("About", "about", func(p *blog.Post) { p.Type = blog.TypePage })
	src := e.src.set("/a", linking("A", target))
	cases := []struct {
		name, source, target, reason string
	}{
		{"no source", "", target, "source is missing"},
		{"no target", src, "", "target is missing"},
		{"both missing", "", "", "source is missing. The target is missing"},
		{"source not http", "ftp://x.example/a", target, "source is not an http"},
		{"source javascript", "javascript:alert(1)", target, "source is not an http"},
		{"target not a URL", src, "not a url", "target is not an http"},
		{"same", target, target + "#c", "same page"},
		{"other site", src, "https://elsewhere.example/2024/05/01/what-business-are-you-in/", "not on this site"},
		{"no such post", src, baseURL + "/2024/05/01/no-such-post/", "does not exist"},
		{"draft", src, baseURL + "/2024/05/01/a-draft/", "does not exist"},
		{"pings closed", src, baseURL + "/2024/05/01/closed-to-pings/", "closed"},
		{"a page", src, baseURL + "/about/", "not a post"},
		{"home", src, baseURL + "/", "not a post"},
		{"archive", src, baseURL + "/2024/05/", "not a post"},
	}
	for i, c := range cases {
		r := e.webmention("198.51.100."+strconv.Itoa(i+1), c.source, c.target)
		if r.code != http.StatusBadRequest || !strings.Contains(r.body, c.reason) {
			t.Errorf("%s: %d %q, want 400 with %q", c.name, r.code, r.body, c.reason)
		}
		if ct := r.hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("%s: content type %q", c.name, ct)
		}
	}
	// Not a form, a bad form encoding, a body too large.
	for name, req := range map[string]*http.Request{
		"json":      withType(httptest.NewRequest("POST", "/webmention", strings.NewReader(`{"source":"x"}`)), "application/json"),
		"bad form":  withType(httptest.NewRequest("POST", "/webmention", strings.NewReader("source=%zz&target=%")), "application/x-www-form-urlencoded"),
		"too large": withType(httptest.NewRequest("POST", "/webmention", strings.NewReader("source="+strings.Repeat("a", 70<<10))), "application/x-www-form-urlencoded"),
	} {
		r := e.do(req, "198.51.100.99")
		want := http.StatusBadRequest
		if name == "too large" {
			want = http.StatusRequestEntityTooLarge
		}
		if r.code != want || !strings.HasPrefix(r.hdr.Get("Content-Type"), "text/plain") {
			t.Errorf("%s: %d %q", name, r.code, r.body)
		}
	}
	if r := e.do(httptest.NewRequest("GET", "/webmention", nil), ""); r.code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", r.code)
	}
	if n := len(e.app.Jobs(jobs.KindVerifyWebmention)); n != 0 {
		t.Errorf("%d jobs queued for refused webmentions", n)
	}
	for _, p := range []*blog.Post{e.post, draft, closed, page} {
		if n := len(e.linkbacks(p.ID)); n != 0 {
			t.Errorf("%d linkbacks stored on %q", n, p.Title)
		}
	}
	if e.src.hits.Load() != 0 {
		t.Errorf("the source was fetched %d times for refused webmentions", e.src.hits.Load())
	}
	// Each refusal is logged once.
	if n := e.logs.count("webmention refused", "not on this site"); n != 1 {
		t.Errorf("the refusal of another site's target logged %d times", n)
	}
}

func withType(r *http.Request, ct string) *http.Request {
	r.Header.Set("Content-Type", ct)
	return r
}

// TestWebmentionVerified checks the W3C receiver's accepted cases: a link
// in a, img, video or audio is accepted (202, a job in River's table that
// names the post, source and target, and then a stored mention); a
// text-only or commented-out link is not.
func TestWebmentionVerified(t *testing.T) {
	e := newEnv(t)
	pages := map[string]string{
		"/a":      `<title>In an a</title><p>See <a href="` + target + `">this</a>.</p>`,
		"/img":    `<title>In an img</title><p><img src="` + target + `" alt="pic"></p>`,
		"/video":  `<title>In a video</title><video controls src="` + target + `"></video>`,
		"/audio":  `<title>In an audio</title><audio><source src="` + target + `"></audio>`,
		"/text":   `<title>Text only</title><p>I read ` + target + ` today.</p>`,
		"/gone":   `<title>Commented</title><!-- <a href="` + target + `">this</a> -->`,
		"/code":   `<title>Code</title><pre><code><a href="` + target + `">x</a></code></pre>`,
		"/script": `<title><script>alert(1)</script>Mine</title><p><a href="` + target + `">x</a></p>`,
	}
	for path, body := range pages {
		src := e.src.set(path, body)
		r := e.webmention("198.51.100.7", src, target)
		if r.code != http.StatusAccepted {
			t.Fatalf("%s: %d %q", path, r.code, r.body)
		}
	}
	js := e.app.Jobs(jobs.KindVerifyWebmention)
	if len(js) != len(pages) {
		t.Fatalf("%d jobs for %d webmentions", len(js), len(pages))
	}
	if a := js[0].Args; a["post_id"] != float64(e.post.ID) || a["target"] != target ||
		!strings.HasPrefix(a["source"].(string), e.src.srv.URL) || a["ip"] != "198.51.100.7" {
		t.Errorf("job args %v", a)
	}
	e.settle()
	if n := e.logs.count("webmention refused", "markup"); n != 1 {
		t.Errorf("the source with a script in its title logged %d times", n)
	}
	got := map[string]blog.Comment{}
	for _, c := range e.linkbacks(e.post.ID) {
		got[strings.TrimPrefix(c.SourceURL, e.src.srv.URL)] = c
	}
	for _, path := range []string{"/a", "/img", "/video", "/audio"} {
		c, ok := got[path]
		if !ok {
			t.Errorf("%s: not stored", path)
			continue
		}
		if c.Type != blog.TypeWebmention || c.MentionKind != blog.MentionMention || c.Status != blog.CommentPending ||
			c.AuthorName != "127.0.0.1" || c.AuthorIP != "198.51.100.7" || !strings.HasPrefix(c.SourceTitle, "In a") {
			t.Errorf("%s: stored as %+v", path, c)
		}
	}
	for _, path := range []string{"/text", "/gone", "/code", "/script"} {
		if _, ok := got[path]; ok {
			t.Errorf("%s: stored without a link", path)
		}
	}
	// The same mention sent again while its job waits makes no second job.
	e.webmention("198.51.100.7", e.src.srv.URL+"/a", target)
	e.webmention("198.51.100.7", e.src.srv.URL+"/a", target)
	if n := len(e.app.Jobs(jobs.KindVerifyWebmention)); n > len(pages)+1 {
		t.Errorf("%d jobs after sending one mention twice more", n)
	}
}

// TestWebmentionUpdateAndDelete checks the W3C receiver's update and
// delete: the same source sent again updates the mention; a source that
// no longer links, or answers 410, removes it.
func TestWebmentionUpdateAndDelete(t *testing.T) {
	e := newEnv(t)
	src := e.src.set("/reply", `<title>Ada's notes</title><div class="h-entry">
		<span class="p-name">First thoughts</span>
		<a class="p-author h-card" href="https://ada.example/">Ada</a>
		<a class="u-in-reply-to" href="`+target+`">re</a><div class="e-content">I agree.</div></div>`)
	if r := e.webmention("198.51.100.7", src, target); r.code != http.StatusAccepted {
		t.Fatalf("%d %s", r.code, r.body)
	}
	e.settle()
	cs := e.linkbacks(e.post.ID)
	if len(cs) != 1 || cs[0].MentionKind != blog.MentionReply || cs[0].SourceTitle != "First thoughts" ||
		cs[0].Content != "I agree." || cs[0].AuthorName != "Ada" || cs[0].AuthorURL != "https://ada.example/" {
		t.Fatalf("stored %+v", cs)
	}
	id := cs[0].ID
	if _, err := e.st.SetCommentStatus(context.Background(), blog.CommentApproved, id); err != nil {
		t.Fatal(err)
	}

	// Updated: a new text and kind; the same comment, still approved.
	e.src.set("/reply", `<title>Ada's notes</title><div class="h-entry">
		<span class="p-name">Second thoughts</span><a class="p-author h-card" href="https://ada.example/">Ada</a>
		<a class="u-like-of" href="`+target+`">liked</a></div>`)
	// Sent at once, the source was checked too recently: the job waits.
	e.webmention("198.51.100.7", src, target)
	e.app.StartQueue()
	waitState(t, e, "scheduled")
	if cs := e.linkbacks(e.post.ID); cs[0].SourceTitle != "First thoughts" {
		t.Errorf("updated before its wait: %+v", cs[0])
	}
	// A minute later it is fetched again.
	e.advance(2 * time.Minute)
	e.webmention("198.51.100.7", src, target)
	forceDue(t, e)
	e.settle()
	cs = e.linkbacks(e.post.ID)
	if len(cs) != 1 || cs[0].ID != id || cs[0].SourceTitle != "Second thoughts" || cs[0].MentionKind != blog.MentionLike ||
		cs[0].Status != blog.CommentApproved {
		t.Fatalf("after the update: %+v", cs)
	}

	// No longer links: removed.
	e.advance(2 * time.Minute)
	e.src.set("/reply", `<title>Ada's notes</title><p>Nothing here now.</p>`)
	e.webmention("198.51.100.7", src, target)
	e.settle()
	if cs := e.linkbacks(e.post.ID); len(cs) != 0 {
		t.Fatalf("a source that no longer links: %+v", cs)
	}

	// 410: removed.
	src2 := e.src.set("/deleted", linking("Soon gone", target))
	e.webmention("198.51.100.7", src2, target)
	e.settle()
	if n := len(e.linkbacks(e.post.ID)); n != 1 {
		t.Fatalf("%d linkbacks before the 410", n)
	}
	e.advance(2 * time.Minute)
	e.src.setPage("/deleted", srcPage{status: http.StatusGone, body: "gone"})
	e.webmention("198.51.100.7", src2, target)
	e.settle()
	if cs := e.linkbacks(e.post.ID); len(cs) != 0 {
		t.Fatalf("after the 410: %+v", cs)
	}
}

// waitState waits until some webmention job is in state.
func waitState(t *testing.T, e *env, state string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		for _, j := range e.app.Jobs(jobs.KindVerifyWebmention) {
			if j.State == state {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no webmention job is %s", state)
}

// forceDue makes every waiting (snoozed) job due now, as time passing
// would.
func forceDue(t *testing.T, e *env) {
	t.Helper()
	q := "UPDATE river_job SET scheduled_at = ?, state = 'available' WHERE state = 'scheduled' AND kind = ?"
	if e.st.Engine() == "postgres" {
		q = "UPDATE river_job SET scheduled_at = $1, state = 'available' WHERE state = 'scheduled' AND kind = $2"
	}
	at := any(time.Now().UTC().Add(-time.Second))
	if e.st.Engine() == "sqlite" {
		at = time.Now().UTC().Add(-time.Second).Format("2006-01-02 15:04:05.000000")
	}
	if _, err := e.st.DB().ExecContext(context.Background(), q, at, jobs.KindVerifyWebmention); err != nil {
		t.Fatal(err)
	}
}

// TestWebmentionLatin1Source checks that a source in another charset is
// read as it says.
func TestWebmentionLatin1Source(t *testing.T) {
	e := newEnv(t)
	src := e.src.setPage("/latin", srcPage{ctype: "text/html; charset=ISO-8859-1",
		body: "<title>Caf\xe9 cr\xe8me</title><p>Lu <a href=\"" + target + "\">ceci</a>.</p>"})
	e.webmention("198.51.100.7", src, target)
	e.settle()
	if cs := e.linkbacks(e.post.ID); len(cs) != 1 || cs[0].SourceTitle != "Café crème" || cs[0].Content != "Lu ceci." {
		t.Errorf("stored %+v", cs)
	}
}

// TestWebmentionPrivateSource checks that a site that may not reach
// private addresses accepts the webmention (202: nothing is fetched while
// the sender waits) and its job stores nothing, never reaching the
// address.
func TestWebmentionPrivateSource(t *testing.T) {
	e := newEnv(t, envOpt{noPrivate: true})
	src := e.src.set("/p", linking("Inside", target))
	if r := e.webmention("198.51.100.1", src, target); r.code != http.StatusAccepted {
		t.Fatalf("%d %s", r.code, r.body)
	}
	if st := e.settle(); len(st) != 1 || st[0] != "completed" {
		t.Errorf("job states %v", st)
	}
	if e.src.hits.Load() != 0 || len(e.linkbacks(e.post.ID)) != 0 {
		t.Errorf("%d fetches, %d linkbacks", e.src.hits.Load(), len(e.linkbacks(e.post.ID)))
	}
	if n := e.logs.count("webmention dropped", "non-public address"); n != 1 {
		t.Errorf("the refused source logged %d times", n)
	}
}
