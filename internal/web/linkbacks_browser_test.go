package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/browsertest"
	"github.com/quirehq/quire/internal/site"
)

// TestBrowserThreadShowsLinkbacks loads a post whose thread holds a
// comment, a pingback, a webmention reply and a like, some of them with
// hostile titles, names, excerpts and photo URLs, in a real browser behind
// the server's policy: the thread reads as WordPress's, every hostile
// field is plain text, and no script runs.
func TestBrowserThreadShowsLinkbacks(t *testing.T) {
	ctx := browsertest.New(t)
	ls := newLiveSite(t)
	if err := ls.env.st.SaveSettings(context.Background(), map[string]string{site.KeyRemotePhotos: "1"}); err != nil {
		t.Fatal(err)
	}
	ce := &commentEnv{env: ls.env}
	p := ls.env.post("Sales Motivation: What Business Are You In?", time.Date(2011, 1, 5, 10, 0, 0, 0, time.UTC), nil)
	path := "/2011/01/05/sales-motivation-what-business-are-you-in/"
	ping := ce.linkback(p, lb{typ: blog.TypePingback, source: "https://tweets.example.com/mark/",
		name: "Tweets that mention Sales Motivation: What Business Are You In? | The Sales Hunter's Blog", text: "[…] x […]"})
	first := ce.comment(p, 0, "Brian Jeffrey", "brian@example.org", "Excellent advice, Mark.", blog.CommentApproved)
	reply := ce.linkback(p, lb{typ: blog.TypeWebmention, kind: blog.MentionReply, source: "https://jane.example/n/1",
		title: `<img src=x onerror="window.__xss=1">`, name: `<script>window.__xss=2</script>`,
		url: `javascript:window.__xss=3`, photo: `https://photos.invalid/x.png" onerror="window.__xss=4`,
		text: `<svg onload="window.__xss=5"></svg> I sell outcomes.`})
	like := ce.linkback(p, lb{typ: blog.TypeWebmention, kind: blog.MentionLike, source: "https://kim.example/l/1",
		name: `Kim <b onmouseover="window.__xss=6">`})

	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	browse(t, ctx, chromedp.Navigate(ls.base+path), chromedp.WaitVisible(css(`#respond`)))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.readyState === "complete"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatal(err)
	}
	if h := textOf(t, ctx, `.comments-title`); h != "3 thoughts on “Sales Motivation: What Business Are You In?”" {
		t.Errorf("heading %q", h)
	}
	if s := textOf(t, ctx, `#comment-`+itoa(ping.ID)); strings.TrimSpace(s) !=
		"Pingback: Tweets that mention Sales Motivation: What Business Are You In? | The Sales Hunter's Blog" {
		t.Errorf("pingback reads %q", s)
	}
	if href := evalJS[string](t, ctx, `document.querySelector("#comment-`+itoa(ping.ID)+` a").href`); href != "https://tweets.example.com/mark/" {
		t.Errorf("pingback links to %q", href)
	}
	// In date order, first in the thread, as on the page Quire models.
	order := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll("ol.comment-list > li > article"), a => a.id)`)
	if strings.Join(order, " ") != "comment-"+itoa(ping.ID)+" comment-"+itoa(first.ID)+" comment-"+itoa(reply.ID) {
		t.Errorf("thread order %v", order)
	}
	// Only the comment has a Reply link.
	if n := evalJS[int](t, ctx, `document.querySelectorAll(".comment-reply-link").length`); n != 1 {
		t.Errorf("%d Reply links, want 1", n)
	}
	if got := textOf(t, ctx, `#comment-`+itoa(reply.ID)+` .mention-title`); got != `<img src=x onerror="window.__xss=1">` {
		t.Errorf("reply title %q", got)
	}
	if got := textOf(t, ctx, `#comment-`+itoa(reply.ID)+` .comment-author`); got != `<script>window.__xss=2</script>` {
		t.Errorf("reply author %q", got)
	}
	if got := textOf(t, ctx, `#comment-`+itoa(reply.ID)+` .comment-content`); strings.TrimSpace(got) != `<svg onload="window.__xss=5"></svg> I sell outcomes.` {
		t.Errorf("reply excerpt %q", got)
	}
	if got := textOf(t, ctx, `.reactions-title`); got != "1 like" {
		t.Errorf("likes %q", got)
	}
	if alt := evalJS[string](t, ctx, `document.querySelector("#comment-`+itoa(like.ID)+` img").alt`); alt != `Kim <b onmouseover="window.__xss=6">` {
		t.Errorf("like's name %q", alt)
	}
	if x := evalJS[string](t, ctx, `typeof window.__xss`); x != "undefined" {
		t.Errorf("a hostile field ran script: %s", x)
	}
	bad := evalJS[[]string](t, ctx, `(() => {
		const out = [];
		for (const el of document.querySelectorAll("#comments *")) {
			if (["SCRIPT", "IFRAME", "OBJECT", "EMBED", "STYLE", "svg"].includes(el.tagName)) out.push(el.tagName);
			for (const a of el.attributes) {
				if (a.name.startsWith("on")) out.push(el.tagName + " " + a.name);
				if (["href", "src"].includes(a.name) && /^\s*(javascript|data):/i.test(a.value)) out.push(el.tagName + " " + a.name + "=" + a.value);
			}
		}
		return out;
	})()`)
	if len(bad) > 0 {
		t.Errorf("dangerous markup in the thread: %v", bad)
	}
}
