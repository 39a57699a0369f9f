package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// lb describes a linkback to store.
type lb struct {
	typ    blog.CommentType
	kind   blog.MentionKind
	source string
	title  string // SourceTitle
	name   string // AuthorName
	url    string // AuthorURL (the source when empty)
	photo  string
	text   string
	status blog.CommentStatus // approved when empty
}

// linkback stores a received linkback as the receiver fills one, a minute
// after the comment made before it.
func (ce *commentEnv) linkback(p *blog.Post, l lb) *blog.Comment {
	ce.t.Helper()
	ce.made++
	if l.status == "" {
		l.status = blog.CommentApproved
	}
	if l.url == "" {
		l.url = l.source
	}
	c := &blog.Comment{PostID: p.ID, Type: l.typ, Status: l.status, AuthorName: l.name, AuthorURL: l.url,
		SourceURL: l.source, MentionKind: l.kind, SourceTitle: l.title, AuthorPhoto: l.photo, AuthorIP: "203.0.113.7",
		Content: l.text, ContentHTML: "<p>" + html.EscapeString(l.text) + "</p>",
		CreatedAt: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(ce.made) * time.Minute)}
	if err := ce.st.CreateComment(context.Background(), c); err != nil {
		ce.t.Fatal(err)
	}
	return c
}

// discussionFixture is a post with two comments and every kind of
// linkback, in this order of date.
type discussionFixture struct {
	p                                          *blog.Post
	first, second                              *blog.Comment
	ping, track, reply, mention, like1, repost *blog.Comment
	like2, held                                *blog.Comment
}

func newDiscussion(ce *commentEnv) *discussionFixture {
	f := &discussionFixture{}
	f.p = ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	f.first = ce.comment(f.p, 0, "Brian Jeffrey", "brian@example.org", "Excellent advice, Mark.", blog.CommentApproved)
	f.ping = ce.linkback(f.p, lb{typ: blog.TypePingback, source: "https://tweets.example.com/mark/",
		name: "Tweets that mention Sales Motivation: What Business Are You In? | The Sales Hunter's Blog",
		text: "[…] Sales Motivation: What Business Are You In? […]"})
	f.second = ce.comment(f.p, 0, "Dana", "dana@example.org", "Third vision, indeed.", blog.CommentApproved)
	f.track = ce.linkback(f.p, lb{typ: blog.TypeTrackback, source: "https://coach.example.net/2011/what-business/",
		name: "Coach's Corner", title: "What business?", text: "Mark asks the question."})
	f.reply = ce.linkback(f.p, lb{typ: blog.TypeWebmention, kind: blog.MentionReply,
		source: "https://jane.example/notes/42", title: "Re: What business", name: "Jane Doe",
		url: "https://jane.example/", photo: "https://photos.example/jane.jpg", text: "I sell outcomes, not hours."})
	f.mention = ce.linkback(f.p, lb{typ: blog.TypeWebmention, kind: blog.MentionMention,
		source: "https://www.news.example/roundup", name: "Weekly roundup", text: "Worth reading this week."})
	f.like1 = ce.linkback(f.p, lb{typ: blog.TypeWebmention, kind: blog.MentionLike,
		source: "https://kim.example/likes/1", name: "Kim", url: "https://kim.example/"})
	f.repost = ce.linkback(f.p, lb{typ: blog.TypeWebmention, kind: blog.MentionRepost,
		source: "https://lee.example/reposts/9", name: "Lee"})
	f.like2 = ce.linkback(f.p, lb{typ: blog.TypeWebmention, kind: blog.MentionLike,
		source: "https://max.example/likes/2", name: ""})
	f.held = ce.linkback(f.p, lb{typ: blog.TypePingback, source: "https://spammy.example/x",
		name: "Cheap pills", status: blog.CommentPending})
	return f
}

func TestLinkbacksInlineInThread(t *testing.T) {
	ce := newCommentEnv(t, nil)
	f := newDiscussion(ce)
	r := ce.get(postPath)
	if r.code != 200 {
		t.Fatalf("status %d", r.code)
	}
	// Two comments, a pingback, a trackback, a reply and a mention: likes
	// and reposts are not thoughts.
	r.has(t, "6 thoughts on “What Business Are You In?”")
	list := commentList(t, r.body)
	for _, c := range []*blog.Comment{f.first, f.ping, f.second, f.track, f.reply, f.mention} {
		if !strings.Contains(list, `id="comment-`+itoa(c.ID)+`"`) {
			t.Errorf("comment %d (%s) is not in the thread", c.ID, c.Type)
		}
	}
	// Inline by date, as WordPress lists them.
	at := func(c *blog.Comment) int { return strings.Index(list, `id="comment-`+itoa(c.ID)+`"`) }
	if !(at(f.first) < at(f.ping) && at(f.ping) < at(f.second) && at(f.second) < at(f.track) &&
		at(f.track) < at(f.reply) && at(f.reply) < at(f.mention)) {
		t.Errorf("the thread is not in date order:\n%s", list)
	}
	r.has(t,
		`<span class="ping-label">Pingback:</span> <a href="https://tweets.example.com/mark/" rel="nofollow ugc" class="url">Tweets that mention Sales Motivation: What Business Are You In? | The Sales Hunter&#39;s Blog</a>`,
		`<span class="ping-label">Trackback:</span> <a href="https://coach.example.net/2011/what-business/" rel="nofollow ugc" class="url">Coach&#39;s Corner</a>`,
		// A reply: its title linked to the source, its author, its excerpt.
		`<span class="ping-label">Reply:</span> <a href="https://jane.example/notes/42" rel="nofollow ugc" class="mention-title">Re: What business</a>`,
		`by <b class="comment-author"><a href="https://jane.example/" rel="nofollow ugc" class="url">Jane Doe</a></b>`,
		"<p>I sell outcomes, not hours.</p>",
		// A mention without a title: the page's title, then the host.
		`<span class="ping-label">Mention:</span> <a href="https://www.news.example/roundup" rel="nofollow ugc" class="mention-title">Weekly roundup</a>`,
		`by <b class="comment-author"><a href="https://www.news.example/roundup" rel="nofollow ugc" class="url">news.example</a></b>`,
		"<p>Worth reading this week.</p>",
	)
	// A pingback shows no excerpt (WordPress's short ping), nothing held
	// shows, and no linkback has a Reply link.
	r.lacks(t, "[…] Sales Motivation", "Cheap pills", "replytocom="+itoa(f.ping.ID), "replytocom="+itoa(f.reply.ID),
		"replytocom="+itoa(f.mention.ID), "replytocom="+itoa(f.track.ID))
	r.has(t, "replytocom="+itoa(f.first.ID))
	// Remote photos are off by default: the local avatar stands in.
	r.lacks(t, "photos.example")

	// Likes and reposts: a row each, after the comments, not in the thread.
	if thread := list[:strings.Index(list, `<section class="reactions`)]; strings.Contains(thread, `id="comment-`+itoa(f.like1.ID)+`"`) {
		t.Errorf("a like is in the comment list")
	}
	r.has(t, `<h3 id="likes-title" class="reactions-title">2 likes</h3>`, `<h3 id="reposts-title" class="reactions-title">1 repost</h3>`,
		`<li id="comment-`+itoa(f.like1.ID)+`"><a href="https://kim.example/likes/1" rel="nofollow ugc"><img class="avatar" src="/avatar/`,
		`alt="Kim" title="Kim"`, `alt="max.example"`, `alt="Lee"`)
	if i, j := strings.Index(r.body, `class="reactions-title"`), strings.Index(r.body, `id="comment-`+itoa(f.mention.ID)+`"`); i < j {
		t.Errorf("the likes come before the comments")
	}
	// The list pages count the same way.
	ce.get("/").has(t, ">6 comments<")

	// ?replytocom= naming a linkback offers no reply to it, and a reply
	// sent to one is refused.
	ce.get(postPath+"?replytocom="+itoa(f.ping.ID)).has(t, `<input type="hidden" name="comment_parent" id="comment_parent" value="0">`)
	res := ce.send(form(f.p, ce.token(postPath), "comment", "Replying to a pingback.", "comment_parent", itoa(f.ping.ID)))
	if res.code != http.StatusUnprocessableEntity {
		t.Errorf("reply to a pingback: %d", res.code)
	}
	all, _ := ce.st.PostComments(context.Background(), f.p.ID, blog.CommentApproved, blog.CommentPending)
	for _, c := range all {
		if c.Content == "Replying to a pingback." {
			t.Errorf("a reply to a pingback was stored")
		}
	}
}

// A reply whose parent is a linkback (as a WordPress import may hold) is
// shown top-level, and the linkback has no children.
func TestReplyToLinkbackShownTopLevel(t *testing.T) {
	ce := newCommentEnv(t, nil)
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	ping := ce.linkback(p, lb{typ: blog.TypePingback, source: "https://a.example/", name: "A page"})
	reply := ce.comment(p, ping.ID, "Old reader", "old@example.org", "Answering the pingback.", blog.CommentApproved)
	r := ce.get(postPath)
	if got := nesting(t, r.body, "comment-"+itoa(reply.ID)); got != 0 {
		t.Errorf("the reply to a pingback is nested %d deep", got)
	}
	r.lacks(t, `<ol class="children">`)
}

func TestLinkbacksListedApart(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyMentionsSeparate: "1", site.KeyCommentsPerPage: "1"})
	f := newDiscussion(ce)
	r := ce.get(postPath)
	r.has(t, "6 thoughts on", `<h3 id="mentions-title" class="mentions-title">Mentions</h3>`,
		`href="`+postPath+`comment-page-2/#comments">Newer comments →`, "Comments page 1 of 2", "2 likes")
	list := r.body[strings.Index(r.body, `<ol class="comment-list">`):strings.Index(r.body, `<section class="mentions"`)]
	if !strings.Contains(list, `id="comment-`+itoa(f.first.ID)+`"`) {
		t.Errorf("the first comment is not in the thread")
	}
	for _, c := range []*blog.Comment{f.ping, f.track, f.reply, f.mention, f.second} {
		if strings.Contains(list, `id="comment-`+itoa(c.ID)+`"`) {
			t.Errorf("comment %d (%s) is in the thread's first page", c.ID, c.Type)
		}
	}
	mentions := r.body[strings.Index(r.body, `<section class="mentions"`):strings.Index(r.body, `<section id="respond"`)]
	for _, c := range []*blog.Comment{f.ping, f.track, f.reply, f.mention} {
		if !strings.Contains(mentions, `id="comment-`+itoa(c.ID)+`"`) {
			t.Errorf("linkback %d (%s) is not under Mentions", c.ID, c.Type)
		}
	}
	// Paging counts comments only: the second is alone on page 2, without
	// the mentions and reactions.
	r = ce.get(postPath + "comment-page-2/")
	r.has(t, "Third vision, indeed.", "Comments page 2 of 2")
	r.lacks(t, "Mentions", "Pingback:", "likes")
	if r := ce.get(postPath + "comment-page-3/"); r.code != 404 {
		t.Errorf("page 3: %d", r.code)
	}
	// The feed links each to where it is shown.
	feed := ce.get(postPath + "feed/")
	feed.has(t, baseURL+postPath+"#comment-"+itoa(f.ping.ID), baseURL+postPath+"comment-page-2/#comment-"+itoa(f.second.ID))

	// Turning the setting off puts them back among the comments, at once.
	if err := ce.st.SaveSettings(context.Background(), map[string]string{site.KeyMentionsSeparate: "0"}); err != nil {
		t.Fatal(err)
	}
	r = ce.get(postPath)
	r.lacks(t, "Mentions")
	r.has(t, "Comments page 1 of 6")
}

// Everything a source sends is shown as text: titles, names, excerpts
// and URLs that try to be markup or script are escaped or dropped.
func TestLinkbackHostileFieldsShownAsText(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyRemotePhotos: "1"})
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	ping := ce.linkback(p, lb{typ: blog.TypePingback, source: `javascript:alert(1)//`,
		name: `<script>alert("title")</script> & co`, text: `</p><script>alert(2)</script>`})
	ce.linkback(p, lb{typ: blog.TypeWebmention, kind: blog.MentionReply, source: `https://evil.example/"><script>alert(3)</script>`,
		title: `<img src=x onerror=alert(4)>`, name: `"><svg onload=alert(5)>`, url: `javascript:alert(6)`,
		photo: `https://evil.example/p.png"onerror="alert(7)`, text: "<b>bold</b> <a href=\"javascript:alert(8)\">x</a>"})
	ce.linkback(p, lb{typ: blog.TypeWebmention, kind: blog.MentionLike, source: "https://ok.example/like",
		name: `<i onclick=alert(9)>Liker</i>`, photo: "data:image/svg+xml,<svg onload=alert(10)>"})
	ce.linkback(p, lb{typ: blog.TypeWebmention, kind: blog.MentionMention, source: "https://two.example/post",
		name: "Two", photo: "http://insecure.example/me.jpg"})
	r := ce.get(postPath)
	if r.code != 200 {
		t.Fatalf("status %d", r.code)
	}
	for _, bad := range []string{"<script>alert", "<img src=x", "<svg onload", "<i onclick", `href="javascript:`, "<b>bold</b>",
		`"onerror="`, "data:image/svg", "insecure.example"} {
		if strings.Contains(r.body, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	r.has(t, `&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; &amp; co`, // shown as text, without a link
		`&lt;img src=x onerror=alert(4)&gt;`, `&#34;&gt;&lt;svg onload=alert(5)&gt;`,
		`&lt;b&gt;bold&lt;/b&gt; &lt;a href=&#34;javascript`[:40], `alt="&lt;i onclick=alert(9)&gt;Liker&lt;/i&gt;"`)
	if !strings.Contains(r.body, `<span class="ping-label">Pingback:</span> &lt;script&gt;`) {
		t.Errorf("a pingback whose source is not an http(s) URL should show its title unlinked")
	}
	_ = ping
	// The one https photo is loaded as the URL it is, its quotes escaped;
	// the others (plain http, data:) are not loaded, their sites not named.
	r.has(t, `src="https://evil.example/p.png%22onerror=%22alert%287%29"`)
	if csp := r.hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://evil.example;") || strings.Contains(csp, "insecure") {
		t.Errorf("CSP %q", csp)
	}

	// The feeds carry the same text, escaped.
	for _, path := range []string{"/comments/feed/", "/comments/feed/atom/", postPath + "feed/", postPath + "feed/atom/"} {
		raw := ce.get(path).body
		for _, bad := range []string{"<script", "<img", "<svg", "<b>bold"} {
			if strings.Contains(raw, bad) {
				t.Errorf("%s holds %q", path, bad)
			}
		}
	}
}

// With remote photos allowed, a webmention author's https photo is shown
// (without a Referer), and its site is named in the page's policy; without,
// the local avatar stands in.
func TestLinkbackRemotePhotos(t *testing.T) {
	ce := newCommentEnv(t, nil)
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	ce.linkback(p, lb{typ: blog.TypeWebmention, kind: blog.MentionReply, source: "https://jane.example/n/1",
		name: "Jane", photo: "https://photos.example/jane.jpg", text: "Yes."})
	ce.linkback(p, lb{typ: blog.TypeWebmention, kind: blog.MentionLike, source: "https://kim.example/l/1",
		name: "Kim", photo: "https://cdn.kim.example/k.png"})
	r := ce.get(postPath)
	r.lacks(t, "photos.example", "cdn.kim.example")
	if csp := r.hdr.Get("Content-Security-Policy"); strings.Contains(csp, "photos.example") {
		t.Errorf("CSP %q", csp)
	}

	if err := ce.st.SaveSettings(context.Background(), map[string]string{site.KeyRemotePhotos: "1"}); err != nil {
		t.Fatal(err)
	}
	r = ce.get(postPath)
	r.has(t, `src="https://photos.example/jane.jpg" width="48" height="48" alt="" loading="lazy" decoding="async" referrerpolicy="no-referrer"`,
		`src="https://cdn.kim.example/k.png" width="32" height="32" alt="Kim"`)
	csp := r.hdr.Get("Content-Security-Policy")
	if !strings.Contains(csp, "img-src 'self' data: https://cdn.kim.example https://photos.example") {
		t.Errorf("CSP %q", csp)
	}
	// The page cache keeps the policy with the page.
	if again := ce.get(postPath); again.hdr.Get("Content-Security-Policy") != csp {
		t.Errorf("cached CSP %q, want %q", again.hdr.Get("Content-Security-Policy"), csp)
	}
}

func TestLinkbacksInCommentFeeds(t *testing.T) {
	ce := newCommentEnv(t, nil)
	f := newDiscussion(ce)
	for _, path := range []string{"/comments/feed/", postPath + "feed/"} {
		var doc rssDoc
		decodeXML(t, ce.get(path).body, &doc)
		titles := map[string]bool{}
		for _, it := range doc.Channel.Items {
			titles[it.Title] = true
		}
		for _, want := range []string{
			"Comment on What Business Are You In? by Brian Jeffrey",
			"Comment on What Business Are You In? by Tweets that mention Sales Motivation: What Business Are You In? | The Sales Hunter's Blog",
			"Comment on What Business Are You In? by Coach's Corner",
			"Comment on What Business Are You In? by Jane Doe",
			"Comment on What Business Are You In? by Weekly roundup",
		} {
			if !titles[want] {
				t.Errorf("%s lacks %q (has %v)", path, want, titles)
			}
		}
		if len(doc.Channel.Items) != 6 {
			t.Errorf("%s: %d items, want the 6 comments and linkbacks, no likes or reposts", path, len(doc.Channel.Items))
		}
		for _, it := range doc.Channel.Items {
			if strings.Contains(it.Title, "Kim") || strings.Contains(it.Title, "Lee") || strings.Contains(it.Title, "Cheap pills") {
				t.Errorf("%s lists %q", path, it.Title)
			}
		}
	}
	ce.get("/comments/feed/").has(t, "[…] Sales Motivation: What Business Are You In? […]", "#comment-"+itoa(f.ping.ID))
}

// A personal page (a logged-in reader) reuses the cached thread, linkbacks
// and reactions included, with the same photo sites in its policy; a
// linkback approved later shows at once.
func TestLinkbacksThroughTheThreadCache(t *testing.T) {
	ce := newCommentEnv(t, map[string]string{site.KeyRemotePhotos: "1"})
	p := ce.post("What Business Are You In?", day(2011, 1, 5), nil)
	ce.comment(p, 0, "Ann", "a@example.org", "First.", blog.CommentApproved)
	ce.linkback(p, lb{typ: blog.TypeWebmention, kind: blog.MentionLike, source: "https://kim.example/l/1",
		name: "Kim", photo: "https://cdn.kim.example/k.png"})
	public := ce.get(postPath)
	user := ce.login(ce.author)
	mine := ce.getWith(postPath, user)
	if a, b := commentList(t, public.body), commentList(t, mine.body); a != b {
		t.Errorf("the thread differs between readers:\n%s\n---\n%s", a, b)
	}
	if !strings.Contains(mine.hdr.Get("Content-Security-Policy"), "https://cdn.kim.example") {
		t.Errorf("personal page's CSP %q", mine.hdr.Get("Content-Security-Policy"))
	}
	held := ce.linkback(p, lb{typ: blog.TypePingback, source: "https://late.example/", name: "Late page",
		status: blog.CommentPending})
	ce.get(postPath).lacks(t, "Late page")
	if _, err := ce.st.SetCommentStatus(context.Background(), blog.CommentApproved, held.ID); err != nil {
		t.Fatal(err)
	}
	ce.get(postPath).has(t, "Late page", "2 thoughts on")
	ce.getWith(postPath, user).has(t, "Late page", "2 thoughts on")
}
