package linkback_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/xmlrpc"
)

// TestPingbackStored checks a pingback as WordPress stores one: the
// source's title as the author, the source as its URL, "[…] the text
// around the link […]" as the text, escaped in its HTML; held for a new
// host, approved at once for a host approved before; its moderation mail
// written with it.
func TestPingbackStored(t *testing.T) {
	e := newEnv(t)
	src := e.src.set("/post-1", linking("Tweets that mention Sales Motivation | The Sales Hunter's &lt;blog&gt;", target))
	v, f := e.ping("198.51.100.1", src, target)
	if f != nil {
		t.Fatalf("fault %d %s", f.Code, f.Message)
	}
	if s, _ := v.(string); !strings.Contains(s, "registered") {
		t.Errorf("answer %v", v)
	}
	cs := e.linkbacks(e.post.ID)
	if len(cs) != 1 {
		t.Fatalf("%d linkbacks", len(cs))
	}
	c := cs[0]
	title := "Tweets that mention Sales Motivation | The Sales Hunter's <blog>"
	if c.Type != blog.TypePingback || c.AuthorName != title || c.SourceTitle != title || c.AuthorURL != src ||
		c.SourceURL != src || c.Status != blog.CommentPending || c.AuthorIP != "198.51.100.1" {
		t.Errorf("stored %+v", c)
	}
	wantText := "[…] Before the link, some words of context. Read what business are you in and think. […]"
	if c.Content != wantText || c.ContentHTML != "<p>"+wantText+"</p>" {
		t.Errorf("text %q, html %q", c.Content, c.ContentHTML)
	}
	// The moderators' mail went with it.
	if msgs := e.app.SentMail(); len(msgs) != 1 || msgs[0].To != "ann@example.com" {
		t.Errorf("mail %+v", msgs)
	}

	// Approved: the next pingback from that host is approved at once.
	if _, err := e.st.SetCommentStatus(context.Background(), blog.CommentApproved, c.ID); err != nil {
		t.Fatal(err)
	}
	src2 := e.src.set("/post-2", linking("Another post", target))
	if _, f := e.ping("198.51.100.1", src2, target); f != nil {
		t.Fatalf("fault %v", f)
	}
	for _, c := range e.linkbacks(e.post.ID) {
		if c.SourceURL == src2 && c.Status != blog.CommentApproved {
			t.Errorf("second pingback from an approved host: %s", c.Status)
		}
	}
}

// TestPingbackFaults checks every fault of Pingback 1.0, each answered
// without storing anything, and without fetching when the fault needs no
// fetch.
func TestPingbackFaults(t *testing.T) {
	e := newEnv(t)
	e.newPost("Draft", "a-draft", func(p *blog.Post) { p.Status = blog.StatusDraft })
	e.newPost("Closed", "closed-to-pings", func(p *blog.Post) { p.PingsClosed = true })
	e.newPost("About", "about", func(p *blog.Post) { p.Type = blog.TypePage })
	good := e.src.set("/good", linking("Good", target))
	noLink := e.src.set("/nolink", `<title>No link</title><p>I read `+target+` today.</p>`)
	noTitle := e.src.set("/notitle", `<p><a href="`+target+`">x</a></p>`)
	script := e.src.set("/script", `<title><script>alert(1)</script>Hi</title><p><a href="`+target+`">x</a></p>`)
	broken := e.src.setPage("/broken", srcPage{status: 500, body: "oops"})
	notHTML := e.src.setPage("/json", srcPage{ctype: "application/json", body: `{"a":"` + target + `"}`})
	missing := e.src.srv.URL + "/missing"

	before := e.src.hits.Load()
	noFetch := []struct {
		name, source, target string
		code                 int
	}{
		{"bad source", "not a url", target, 0},
		{"bad target", good, "ftp://blog.example.com/x", 0},
		{"same", target, target, 0},
		{"no such post", good, baseURL + "/2024/05/01/no-such-post/", 32},
		{"draft", good, baseURL + "/2024/05/01/a-draft/", 32},
		{"other site", good, "https://elsewhere.example/2024/05/01/what-business-are-you-in/", 33},
		{"page", good, baseURL + "/about/", 33},
		{"home", good, baseURL + "/", 33},
		{"pings closed", good, baseURL + "/2024/05/01/closed-to-pings/", 33},
	}
	for i, c := range noFetch {
		v, f := e.ping("198.51.100."+strconv.Itoa(i+1), c.source, c.target)
		wantFault(t, c.name, v, f, c.code)
	}
	if n := e.src.hits.Load() - before; n != 0 {
		t.Errorf("%d fetches for faults that need none", n)
	}
	fetched := []struct {
		name, source string
		code         int
	}{
		{"source 404", missing, 16},
		{"no link", noLink, 17},
		{"not HTML", notHTML, 17},
		{"no title", noTitle, 32},
		{"script in the title", script, 32},
		{"source server failing", broken, 50},
	}
	for i, c := range fetched {
		v, f := e.ping("198.51.100."+strconv.Itoa(50+i), c.source, target)
		wantFault(t, c.name, v, f, c.code)
	}
	if n := len(e.linkbacks(e.post.ID)); n != 0 {
		t.Fatalf("%d linkbacks stored by refused pingbacks", n)
	}
	if n := e.logs.count("xmlrpc fault", "code=17"); n != 2 {
		t.Errorf("the two pingbacks without a link logged %d times", n)
	}
	// A verdict a moment old is answered again without a fetch.
	before = e.src.hits.Load()
	v, f := e.ping("198.51.100.70", noLink, target)
	wantFault(t, "no link, again", v, f, 17)
	if n := e.src.hits.Load() - before; n != 0 {
		t.Errorf("a source checked a moment ago was fetched again (%d)", n)
	}

	// 48: registered already.
	if _, f := e.ping("198.51.100.71", good, target); f != nil {
		t.Fatalf("good pingback: %v", f)
	}
	v, f = e.ping("198.51.100.72", good, target)
	wantFault(t, "again", v, f, 48)
	if n := len(e.linkbacks(e.post.ID)); n != 1 {
		t.Errorf("%d linkbacks after a repeat", n)
	}
	if n := e.logs.count("xmlrpc fault", "code=48"); n != 1 {
		t.Errorf("the repeat logged %d times", n)
	}
}

// TestPingbackPrivateSource checks that a site that may not reach private
// addresses (serve without --allow-private-fetch) refuses a source there
// (fault 16) without storing anything.
func TestPingbackPrivateSource(t *testing.T) {
	e := newEnv(t, envOpt{noPrivate: true})
	src := e.src.set("/p", linking("Inside", target))
	v, f := e.ping("198.51.100.1", src, target)
	wantFault(t, "loopback source", v, f, 16)
	redirect := e.src.setPage("/r", srcPage{status: http.StatusFound, header: http.Header{"Location": {"http://127.0.0.1:1/"}}})
	v, f = e.ping("198.51.100.1", redirect, target)
	wantFault(t, "redirect", v, f, 16)
	if e.src.hits.Load() != 0 {
		t.Errorf("a private address was reached %d times", e.src.hits.Load())
	}
	if n := len(e.linkbacks(e.post.ID)); n != 0 {
		t.Errorf("%d linkbacks stored", n)
	}
}

// TestXMLRPCEndpoint checks the XML-RPC side: system.listMethods, an
// unknown method (-32601), malformed XML (the parse faults), wrong
// parameters, a body too large, and GET answered as WordPress answers it.
func TestXMLRPCEndpoint(t *testing.T) {
	e := newEnv(t)
	body, _ := xmlrpc.EncodeCall("system.listMethods")
	v, f := e.call("198.51.100.1", body)
	if f != nil {
		t.Fatal(f)
	}
	if l, _ := v.([]any); len(l) != 2 || l[0] != "pingback.ping" || l[1] != "system.listMethods" {
		t.Errorf("methods %v", v)
	}
	body, _ = xmlrpc.EncodeCall("metaWeblog.newPost", "1", "ann", "secret")
	v, f = e.call("198.51.100.1", body)
	wantFault(t, "unknown method", v, f, xmlrpc.FaultUnknownMethod)
	v, f = e.call("198.51.100.1", []byte("<methodCall><methodName>pingback.ping</methodName><params>"))
	wantFault(t, "cut short", v, f, xmlrpc.FaultParse)
	v, f = e.call("198.51.100.1", []byte("not xml at all"))
	wantFault(t, "not XML", v, f, xmlrpc.FaultParse)
	v, f = e.call("198.51.100.1", []byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><methodCall><methodName>&a;</methodName></methodCall>`))
	if f == nil {
		t.Errorf("an entity was expanded: %v", v)
	}
	body, _ = xmlrpc.EncodeCall("pingback.ping", "only one")
	v, f = e.call("198.51.100.1", body)
	wantFault(t, "one parameter", v, f, xmlrpc.FaultInvalidParams)
	body, _ = xmlrpc.EncodeCall("pingback.ping", 1, 2)
	v, f = e.call("198.51.100.1", body)
	wantFault(t, "numbers", v, f, xmlrpc.FaultInvalidParams)

	huge := append([]byte("<methodCall><methodName>x</methodName><params><param><value><string>"),
		bytes.Repeat([]byte("a"), 70<<10)...)
	req := httptest.NewRequest("POST", "/xmlrpc.php", bytes.NewReader(huge))
	r := e.do(req, "198.51.100.1")
	if r.code != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "<fault>") {
		t.Errorf("huge body: %d %q", r.code, r.body)
	}
	r = e.do(httptest.NewRequest("GET", "/xmlrpc.php", nil), "")
	if r.code != http.StatusMethodNotAllowed || strings.TrimSpace(r.body) != "XML-RPC server accepts POST requests only." ||
		r.hdr.Get("Allow") != "POST" {
		t.Errorf("GET: %d %q %v", r.code, r.body, r.hdr)
	}
}
