package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/quirehq/quire/internal/app/apptest"
	"github.com/quirehq/quire/internal/browsertest"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store/storetest"
	"github.com/quirehq/quire/internal/theme"
)

// testClock is the site's clock: real time plus a skip the test moves on,
// safe to read from the server's goroutines.
type testClock struct{ skip atomic.Int64 }

func (c *testClock) now() time.Time          { return time.Now().Add(time.Duration(c.skip.Load())) }
func (c *testClock) forward(d time.Duration) { c.skip.Add(int64(d)) }

// liveSite is a reader site with comments on a real HTTP server, behind
// the server's Content Security Policy and cross-origin protection.
type liveSite struct {
	t     *testing.T
	base  string
	clock *testClock
	env   *env
}

func newLiveSite(t *testing.T) *liveSite {
	t.Helper()
	st := storetest.New(t)
	th, err := theme.Load("")
	if err != nil {
		t.Fatal(err)
	}
	ls := &liveSite{t: t, clock: &testClock{}}
	// Served as quire serve wires it (CSP, cross-origin protection, the
	// real comment service), trusting the loopback test client as a proxy
	// so each comment can come from its own address, as from many
	// readers, and per-address limits do not stop the test.
	as := apptest.New(t, st, apptest.Options{Now: ls.clock.now, Theme: th, TrustedProxies: "127.0.0.1",
		Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))})
	var n atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			k := n.Add(1)
			r.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.%d.%d", k/250, 1+k%250))
		}
		as.Handler.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ls.base = srv.URL
	if err := st.SaveSettings(context.Background(), map[string]string{
		site.KeyTitle: "Field Notes", site.KeyBaseURL: srv.URL, site.KeyTimeZone: "UTC",
		site.KeyCommentPreviouslyOK: "0", site.KeyCommentMaxLinks: "0",
	}); err != nil {
		t.Fatal(err)
	}
	ls.env = &env{t: t, st: st, now: ls.clock.now(), app: as, h: as.Handler, site: as.Site, theme: th}
	ls.env.author = &blog.User{Email: "ann@example.com", Name: "Ann Writer", Role: blog.RoleOwner, PasswordHash: "x"}
	if err := st.CreateUser(context.Background(), ls.env.author); err != nil {
		t.Fatal(err)
	}
	return ls
}

// submit sends a comment form the way a plain HTTP client does, a minute
// after reading the page, and returns the status.
func (ls *liveSite) submit(p *blog.Post, path string, kv ...string) int {
	ls.t.Helper()
	res, err := http.Get(ls.base + path)
	if err != nil {
		ls.t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := tokenRe.FindStringSubmatch(string(body))
	if m == nil {
		ls.t.Fatalf("no token on %s", path)
	}
	ls.clock.forward(time.Minute)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = client.PostForm(ls.base+"/wp-comments-post.php", form(p, m[1], kv...))
	if err != nil {
		ls.t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// browse runs steps in the browser, failing the test on error.
func browse(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

func evalJS[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return v
}

// TestBrowserReplyWithoutJavaScript replies as a reader whose browser runs
// no script: the Reply link loads ?replytocom=, the form says whom it
// answers, and the reply appears nested under that comment.
func TestBrowserReplyWithoutJavaScript(t *testing.T) {
	ctx := browsertest.New(t)
	ls := newLiveSite(t)
	p := ls.env.post("Ask Better Questions", time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC), nil)
	if code := ls.submit(p, "/2024/03/05/ask-better-questions/", "author", "Bea", "email", "bea@example.org", "comment", "Which question works best?"); code != http.StatusSeeOther {
		t.Fatalf("first comment: %d", code)
	}
	first, _ := ls.env.st.PostComments(context.Background(), p.ID)

	noScript := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	browse(t, ctx, noScript,
		chromedp.Navigate(ls.base+"/2024/03/05/ask-better-questions/"),
		chromedp.WaitVisible(css(`a.comment-reply-link`)),
		chromedp.Click(css(`a.comment-reply-link`)),
		chromedp.WaitVisible(css(`#cancel-comment-reply-link`)))
	if h := textOf(t, ctx, `#reply-title`); !strings.Contains(h, "Leave a Reply to Bea") || !strings.Contains(h, "Cancel reply") {
		t.Errorf("reply title %q", h)
	}
	// The page was loaded again with ?replytocom=, and no script of the
	// page ran (it would have added its placeholder).
	if s := evalJS[string](t, ctx, `location.search + location.hash`); s != "?replytocom="+itoa(first[0].ID)+"#respond" {
		t.Errorf("after Reply the address is %q", s)
	}
	if ran := evalJS[bool](t, ctx, `document.getElementById("respond-home") !== null`); ran {
		t.Fatalf("the page's script ran with JavaScript disabled")
	}
	if v := evalJS[string](t, ctx, `document.getElementById("comment_parent").value`); v != itoa(first[0].ID) {
		t.Errorf("comment_parent %q", v)
	}
	ls.clock.forward(time.Minute)
	browse(t, ctx,
		chromedp.SendKeys(css(`#comment`), "Start with what they want done."),
		chromedp.SendKeys(css(`#author`), "Cal"),
		chromedp.SendKeys(css(`#email`), "cal@example.org"),
		chromedp.Click(css(`#submit`)),
		chromedp.WaitVisible(css(`ol.children article`)))
	nested := textOf(t, ctx, `#comment-`+itoa(first[0].ID)+` + ol.children .comment-content`)
	if !strings.Contains(nested, "Start with what they want done.") {
		t.Errorf("the reply is not nested under Bea's comment: %q", nested)
	}
	if h := textOf(t, ctx, `.comments-title`); h != "2 thoughts on “Ask Better Questions”" {
		t.Errorf("heading %q", h)
	}
}

// TestBrowserReplyWithJavaScript moves the form under the comment, back
// with "Cancel reply", and posts a reply that appears nested.
func TestBrowserReplyWithJavaScript(t *testing.T) {
	ctx := browsertest.New(t)
	ls := newLiveSite(t)
	p := ls.env.post("Ask Better Questions", time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC), nil)
	path := "/2024/03/05/ask-better-questions/"
	if code := ls.submit(p, path, "author", "Bea", "email", "bea@example.org", "comment", "Which question works best?"); code != http.StatusSeeOther {
		t.Fatalf("first comment: %d", code)
	}
	first, _ := ls.env.st.PostComments(context.Background(), p.ID)
	id := itoa(first[0].ID)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }

	browse(t, ctx, chromedp.Navigate(ls.base+path), chromedp.WaitVisible(css(`a.comment-reply-link`)))
	// The script has run when it has put its placeholder in.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!!document.getElementById("respond-home")`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("comment-reply.js did not run: %v", err)
	}
	browse(t, ctx, chromedp.Click(css(`a.comment-reply-link`)))
	if where := evalJS[string](t, ctx, `document.getElementById("respond").parentElement.id`); where != "comment-"+id {
		t.Errorf("form under %q, want comment-%s", where, id)
	}
	if v := evalJS[string](t, ctx, `document.getElementById("comment_parent").value`); v != id {
		t.Errorf("comment_parent %q", v)
	}
	if s := evalJS[string](t, ctx, `location.search`); s != "" {
		t.Errorf("the page reloaded: %q", s)
	}
	if h := textOf(t, ctx, `#reply-title`); !strings.Contains(h, "Leave a Reply to Bea") {
		t.Errorf("reply title %q", h)
	}
	browse(t, ctx, chromedp.Click(css(`#cancel-comment-reply-link`)))
	if where := evalJS[string](t, ctx, `document.getElementById("respond").parentElement.id`); where != "comments" {
		t.Errorf("after cancel the form is under %q", where)
	}
	if v := evalJS[string](t, ctx, `document.getElementById("comment_parent").value`); v != "0" {
		t.Errorf("after cancel comment_parent %q", v)
	}
	if hidden := evalJS[bool](t, ctx, `document.getElementById("cancel-comment-reply-link").hidden`); !hidden {
		t.Errorf("cancel link still shown")
	}

	browse(t, ctx, chromedp.Click(css(`a.comment-reply-link`)),
		chromedp.SendKeys(css(`#comment`), "Ask what they want done."),
		chromedp.SendKeys(css(`#author`), "Cal"),
		chromedp.SendKeys(css(`#email`), "cal@example.org"))
	ls.clock.forward(time.Minute)
	browse(t, ctx, chromedp.Click(css(`#submit`)), chromedp.WaitVisible(css(`ol.children article`)))
	nested := textOf(t, ctx, `#comment-`+id+` + ol.children .comment-content`)
	if !strings.Contains(nested, "Ask what they want done.") {
		t.Errorf("the reply is not nested under Bea's comment: %q", nested)
	}
}

// xssVectors are comment texts, names and websites that would run script
// if anything of them reached the page unescaped. Each sets window.__xss.
var xssVectors = []struct{ field, value string }{
	{"comment", `<script>window.__xss=1</script>`},
	{"comment", `<img src=x onerror="window.__xss=2">`},
	{"comment", `<svg onload="window.__xss=3"><circle r="5"/></svg>`},
	{"comment", `<svg><script>window.__xss=4</script></svg>`},
	{"comment", `<a href="javascript:window.__xss=5">click me</a>`},
	{"comment", `[click me too](javascript:window.__xss=6)`},
	{"comment", `<a href="&#106;avascript:window.__xss=7">encoded</a>`},
	{"comment", `&lt;script&gt;window.__xss=8&lt;/script&gt;`},
	{"comment", `<noscript><p title="</noscript><img src=x onerror=window.__xss=9>">`},
	{"comment", `<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=10>`},
	{"comment", `<iframe srcdoc="<script>parent.__xss=11</script>"></iframe>`},
	{"comment", `<details open ontoggle="window.__xss=12">x</details>`},
	{"comment", `<form action="javascript:window.__xss=13"><button>go</button></form>`},
	{"comment", `<object data="javascript:window.__xss=14"></object><embed src="javascript:window.__xss=15">`},
	{"comment", `<div style="background:url(javascript:window.__xss=16)">styled</div><style>*{x:expression(window.__xss=17)}</style>`},
	{"comment", "<scr<script>ipt>window.__xss=18</scr</script>ipt>"},
	{"comment", `<a href="data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTk8L3NjcmlwdD4=">data</a>`},
	{"comment", "`<img src=x onerror=window.__xss=20>` and ```\n<script>window.__xss=21</script>\n```"},
	{"author", `<img src=x onerror=window.__xss=22>`},
	{"author", `"><script>window.__xss=23</script>`},
	{"url", `javascript:window.__xss=24`},
	{"url", `http://x.example/" onmouseover="window.__xss=25`},
}

// TestBrowserXSSVectorsDoNotRun posts every vector as a reader would and
// loads the post in Chromium: no vector runs, no dialog opens, nothing of
// them is left as an event handler, script or javascript: link, and the
// page still renders.
func TestBrowserXSSVectorsDoNotRun(t *testing.T) {
	ctx := browsertest.New(t)
	ls := newLiveSite(t)
	p := ls.env.post("Ask Better Questions", time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC), nil)
	path := "/2024/03/05/ask-better-questions/"
	accepted := 0
	for i, v := range xssVectors {
		kv := []string{"author", fmt.Sprintf("Tester %d", i), "email", fmt.Sprintf("t%d@example.org", i),
			"comment", fmt.Sprintf("Vector %d follows.\n\n", i)}
		if v.field == "comment" {
			kv[5] += v.value
		} else {
			kv = append(kv, v.field, v.value)
		}
		switch code := ls.submit(p, path, kv...); code {
		case http.StatusSeeOther:
			accepted++
		case http.StatusUnprocessableEntity:
			if v.field != "url" {
				t.Errorf("vector %d refused", i)
			}
		default:
			t.Fatalf("vector %d: status %d", i, code)
		}
	}
	if accepted < len(xssVectors)-2 {
		t.Fatalf("only %d vectors stored", accepted)
	}

	var mu sync.Mutex
	var dialogs []string
	if err := chromedp.Listen(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			mu.Lock()
			dialogs = append(dialogs, d.Message)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	check := func(where string) {
		t.Helper()
		if x := evalJS[string](t, ctx, `typeof window.__xss + "/" + typeof parent.__xss`); x != "undefined/undefined" {
			t.Errorf("%s: a vector ran: %s", where, x)
		}
		bad := evalJS[[]string](t, ctx, `(() => {
			const out = [];
			for (const el of document.querySelectorAll("#comments *")) {
				if (["SCRIPT", "IFRAME", "OBJECT", "EMBED", "STYLE", "FORM", "MATH"].includes(el.tagName) && !el.closest("#respond")) out.push(el.tagName);
				if (el.tagName === "svg" || el.tagName === "SVG") out.push("svg");
				for (const a of el.attributes) {
					if (a.name.startsWith("on")) out.push(el.tagName + " " + a.name);
					if (["href", "src", "action", "data", "formaction"].includes(a.name) && /^\s*(javascript|data):/i.test(a.value)) out.push(el.tagName + " " + a.name + "=" + a.value);
				}
			}
			return out;
		})()`)
		if len(bad) > 0 {
			t.Errorf("%s: dangerous markup in the thread: %v", where, bad)
		}
	}
	browse(t, ctx, chromedp.Navigate(ls.base+path), chromedp.WaitVisible(css(`#respond`)))
	// Give handlers a moment to fire if any were left: the images must
	// have failed to load first.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.readyState === "complete"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatal(err)
	}
	check("post page")
	if n := evalJS[int](t, ctx, `document.querySelectorAll("article[id^=comment-]").length`); n != accepted {
		t.Errorf("%d comments shown, %d stored", n, accepted)
	}
	if h := textOf(t, ctx, `.comments-title`); h != fmt.Sprintf("%d thoughts on “Ask Better Questions”", accepted) {
		t.Errorf("heading %q", h)
	}
	if f := textOf(t, ctx, `.site-footer`); !strings.Contains(f, "Powered by Quire") {
		t.Errorf("the page did not render to its end")
	}
	// Each hostile name is its author element's own text, exactly as typed.
	names := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll("article[id^=comment-] .comment-author"), b => b.textContent)`)
	for _, v := range xssVectors {
		if v.field == "author" && !slices.Contains(names, v.value) {
			t.Errorf("the name %q is not shown as the text of its author element; names: %q", v.value, names)
		}
	}

	// A refused form shows everything typed again: as text.
	ls.clock.forward(time.Minute)
	browse(t, ctx, chromedp.Navigate(ls.base+path), chromedp.WaitVisible(css(`#respond`)))
	ls.clock.forward(time.Minute)
	browse(t, ctx,
		chromedp.SetValue(css(`#comment`), `</textarea><script>window.__xss=30</script><img src=x onerror=window.__xss=31>`),
		chromedp.SetValue(css(`#author`), `"><img src=x onerror=window.__xss=32>`),
		chromedp.SetValue(css(`#email`), `x@example.org`),
		chromedp.SetValue(css(`#url`), `javascript:window.__xss=33`),
		chromedp.Click(css(`#submit`)),
		chromedp.WaitVisible(css(`#url-error`)))
	check("refused form")
	if v := evalJS[string](t, ctx, `document.getElementById("comment").value`); !strings.HasPrefix(v, "</textarea><script>") {
		t.Errorf("the typed text was not kept: %q", v)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(dialogs) > 0 {
		t.Errorf("dialogs opened: %v", dialogs)
	}
}
