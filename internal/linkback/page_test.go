package linkback

import (
	"net/url"
	"strings"
	"testing"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

const target = "https://blog.example.com/2024/05/01/what-business/"

// TestLinkFound checks which markup links to the target, as the W3C
// receiver tests ask: a, img, video, audio (and their <source>) do; text,
// comments, code and other URLs do not; the fragment is ignored and
// relative links are resolved against the page (or its <base>).
func TestLinkFound(t *testing.T) {
	base := mustURL(t, "https://other.example/notes/1")
	tgt := mustURL(t, target)
	cases := []struct {
		name, body string
		linked     bool
	}{
		{"a", `<p>See <a href="` + target + `">this post</a>.</p>`, true},
		{"a with fragment", `<a href="` + target + `#comments">here</a>`, true},
		{"img", `<img src="` + target + `" alt="x">`, true},
		{"video", `<video src="` + target + `"></video>`, true},
		{"audio", `<audio src="` + target + `"></audio>`, true},
		{"source in video", `<video><source src="` + target + `"></video>`, true},
		{"relative", `<a href="//blog.example.com/2024/05/01/what-business/">x</a>`, true},
		{"base href", `<html><head><base href="https://blog.example.com/2024/05/01/"></head><body><a href="what-business/">x</a></body></html>`, true},
		{"default port", `<a href="https://BLOG.example.com:443/2024/05/01/what-business/">x</a>`, true},
		{"text only", `<p>I read ` + target + ` today.</p>`, false},
		{"commented out", `<!-- <a href="` + target + `">x</a> -->`, false},
		{"in code", `<code>&lt;a href="` + target + `"&gt;</code><code><a href="` + target + `">x</a></code>`, false},
		{"in pre", `<pre><a href="` + target + `">x</a></pre>`, false},
		{"in script", `<script>document.write('<a href="` + target + `">x</a>')</script>`, false},
		{"other scheme", `<a href="http://blog.example.com/2024/05/01/what-business/">x</a>`, false},
		{"other path", `<a href="https://blog.example.com/2024/05/01/what-business/more/">x</a>`, false},
		{"link element", `<link rel="x" href="` + target + `">`, false},
		{"iframe", `<iframe src="` + target + `"></iframe>`, false},
	}
	for _, c := range cases {
		p := analyse([]byte(c.body), base, tgt)
		if p.Linked != c.linked {
			t.Errorf("%s: linked = %v, want %v", c.name, p.Linked, c.linked)
		}
	}
}

// TestExcerptAsWordPress checks the pingback excerpt: the link's
// paragraph only, at most 100 characters each side cut at a word, and a
// link text over 100 bytes cut with "…".
func TestExcerptAsWordPress(t *testing.T) {
	long := strings.Repeat("word ", 40) // 200 characters
	body := `<html><head><title>Their &amp; title</title></head><body>
		<p>Another paragraph entirely.</p>
		<p>` + long + `before <a href="` + target + `">the <b>linked</b> words</a> after ` + long + `</p>
		<p>Not this one.</p></body></html>`
	p := analyse([]byte(body), mustURL(t, "https://other.example/"), mustURL(t, target))
	if p.Title != "Their & title" || p.TitleMarkup {
		t.Errorf("title %q markup %v", p.Title, p.TitleMarkup)
	}
	text, cut := p.excerpt()
	if !cut || !strings.Contains(text, "before the linked words after") {
		t.Fatalf("excerpt %q (cut %v)", text, cut)
	}
	i := strings.Index(text, "the linked words")
	if n := len([]rune(text[:i])); n > 101 {
		t.Errorf("%d characters before the link", n)
	}
	if strings.Contains(text, "paragraph") || strings.Contains(text, "Not this") || strings.HasPrefix(text, "ord") {
		t.Errorf("excerpt %q leaves its paragraph or splits a word", text)
	}
	if n := len([]rune(text)); n > 100+len("the linked words")+100+2 {
		t.Errorf("excerpt of %d characters", n)
	}

	longLink := strings.Repeat("x", 150)
	p = analyse([]byte(`<p>A <a href="`+target+`">`+longLink+`</a> b</p>`), mustURL(t, "https://other.example/"), mustURL(t, target))
	if text, _ := p.excerpt(); text != "A "+strings.Repeat("x", 100)+"… b" {
		t.Errorf("long link text: %q", text)
	}
}

func TestTitleWithMarkup(t *testing.T) {
	p := analyse([]byte(`<title><script>alert(1)</script>Hi</title><a href="`+target+`">x</a>`),
		mustURL(t, "https://other.example/"), mustURL(t, target))
	if !p.TitleMarkup {
		t.Errorf("title %q not seen as markup", p.Title)
	}
	if _, err := pageTitle(p); err == nil {
		t.Error("a title holding a script was taken")
	}
	if looksLikeMarkup("5 < 6 and 7 > 3") {
		t.Error("a plain comparison seen as markup")
	}
}

// TestHEntry checks what is read from microformats2: the name, the
// author's h-card (name, URL, photo, implied ones too), the content, and
// whether it replies to, likes or reposts the target.
func TestHEntry(t *testing.T) {
	base := mustURL(t, "https://ada.example/notes/7")
	tgt := mustURL(t, target)
	body := `<html><head><title>Ada's notes</title></head><body>
	<div class="h-feed"><article class="h-entry">
	  <h1 class="p-name">A reply to Ann</h1>
	  <a class="p-author h-card" href="/"><img src="/me.jpg" alt="Ada Lovelace"></a>
	  <a class="u-in-reply-to" href="` + target + `">in reply</a>
	  <div class="e-content"><p>I <em>agree</em>.</p><script>evil()</script><p>Mostly.</p></div>
	</article></div></body></html>`
	p := analyse([]byte(body), base, tgt)
	e := p.Entry
	if e == nil {
		t.Fatal("no h-entry")
	}
	if e.Name != "A reply to Ann" || e.Content != "I agree . Mostly." && e.Content != "I agree. Mostly." {
		t.Errorf("name %q content %q", e.Name, e.Content)
	}
	if e.Author != (card{Name: "Ada Lovelace", URL: "https://ada.example/", Photo: "https://ada.example/me.jpg"}) {
		t.Errorf("author %+v", e.Author)
	}
	c, err := webmentionComment(&testPost, mustURL(t, "https://ada.example/notes/7"), tgt, p, sender{})
	if err != nil {
		t.Fatal(err)
	}
	if c.MentionKind != "reply" || c.SourceTitle != "A reply to Ann" || c.AuthorName != "Ada Lovelace" ||
		c.AuthorURL != "https://ada.example/" || c.AuthorPhoto != "https://ada.example/me.jpg" ||
		!strings.HasPrefix(c.ContentHTML, "<p>I agree") || strings.Contains(c.Content, "evil") {
		t.Errorf("comment %+v", c)
	}

	for kind, prop := range map[string]string{"like": "u-like-of", "repost": "u-repost-of"} {
		body := `<div class="h-entry"><span class="p-author h-card"><a class="p-name u-url" href="https://bob.example/">Bob</a>
			<img class="u-photo" src="javascript:alert(1)"></span>
			<a class="` + prop + `" href="` + target + `">this</a></div>`
		c, err := webmentionComment(&testPost, mustURL(t, "https://bob.example/l/1"), tgt, analyse([]byte(body), base, tgt), sender{})
		if err != nil {
			t.Fatal(err)
		}
		if string(c.MentionKind) != kind || c.AuthorName != "Bob" || c.AuthorURL != "https://bob.example/" || c.AuthorPhoto != "" {
			t.Errorf("%s: %+v", kind, c)
		}
	}

	// A reply to another page that mentions the target is a mention; no
	// h-entry at all: the <title> and the text around the link, and the
	// host as the author.
	body = `<div class="h-entry"><a class="u-in-reply-to" href="https://else.example/">x</a>
		<p class="e-content">See <a href="` + target + `">Ann's post</a>.</p></div>`
	c, _ = webmentionComment(&testPost, mustURL(t, "https://cy.example/a"), tgt, analyse([]byte(body), base, tgt), sender{})
	if c.MentionKind != "mention" || c.AuthorName != "cy.example" || c.AuthorURL != "https://cy.example/a" {
		t.Errorf("mention %+v", c)
	}
	body = `<title>Plain page</title><p>Read <a href="` + target + `">this</a> now.</p>`
	c, _ = webmentionComment(&testPost, mustURL(t, "https://dee.example/p"), tgt, analyse([]byte(body), base, tgt), sender{})
	if c.SourceTitle != "Plain page" || c.Content != "Read this now." || c.MentionKind != "mention" {
		t.Errorf("plain page %+v", c)
	}
}

var testPost = blogPost()
