package send

import (
	"reflect"
	"strings"
	"testing"
)

func TestBodyLinks(t *testing.T) {
	body := `<p><a href="https://Example.com/a#frag">a</a> <a href="/local/">local</a> <a href="mailto:x@example.com">m</a>
		<a href="https://example.com/a">again</a> <a href="http://user:pw@example.org/">creds</a>
		<!-- <a href="https://commented.example/">c</a> --> <code>&lt;a href="https://escaped.example/"&gt;</code>
		<a name="x">no href</a> <a href="HTTP://example.net">upper</a> <a href="https://example.com/?q=1&amp;r=2">q</a></p>`
	want := []string{"https://example.com/a", "http://example.net/", "https://example.com/?q=1&r=2"}
	if got := BodyLinks(body); !reflect.DeepEqual(got, want) {
		t.Errorf("BodyLinks = %q, want %q", got, want)
	}
	many := strings.Repeat(`<a href="https://example.com/x">x</a>`, 3)
	for i := range MaxLinks + 20 {
		many += `<a href="https://example.com/` + strings.Repeat("y", i+1) + `">y</a>`
	}
	if got := BodyLinks(many); len(got) != MaxLinks {
		t.Errorf("%d links, want at most %d", len(got), MaxLinks)
	}
}

func TestSameSite(t *testing.T) {
	for _, c := range []struct {
		target, base string
		want         bool
	}{
		{"https://quire.example/2026/01/post/", "https://quire.example", true},
		{"https://QUIRE.example:443/", "https://quire.example", true},
		{"http://quire.example/", "https://quire.example", false},
		{"https://quire.example:8443/", "https://quire.example", false},
		{"https://other.example/", "https://quire.example", false},
		{"https://host.example/blog/post/", "https://host.example/blog", true},
		{"https://host.example/blog", "https://host.example/blog", true},
		{"https://host.example/blogger/", "https://host.example/blog", false},
		{"https://host.example/shop/", "https://host.example/blog", false},
	} {
		if got := SameSite(c.target, c.base); got != c.want {
			t.Errorf("SameSite(%s, %s) = %v", c.target, c.base, got)
		}
	}
}

func TestParseTrackbacks(t *testing.T) {
	urls, bad := ParseTrackbacks("https://a.example/tb/1 , http://b.example/trackback/\r\nhttps://a.example/tb/1 ftp://x example.com")
	if want := []string{"https://a.example/tb/1", "http://b.example/trackback/"}; !reflect.DeepEqual(urls, want) {
		t.Errorf("urls %q", urls)
	}
	if want := []string{"ftp://x", "example.com"}; !reflect.DeepEqual(bad, want) {
		t.Errorf("bad %q", bad)
	}
}

func TestParseLinkHeader(t *testing.T) {
	got := parseLinkHeaders([]string{
		`<https://a.example/wm>; rel="webmention other", <b>; REL=Webmention; title="x, y; z"`,
		`<c> ; rel = "next" ; anchor="#a,b"`,
		`garbage, <d>;rel=webmention`,
		`<e>; title="no rel"`,
	})
	want := []headerLink{
		{"https://a.example/wm", []string{"webmention", "other"}},
		{"b", []string{"webmention"}},
		{"c", []string{"next"}},
		{"d", []string{"webmention"}},
		{"e", nil},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parse = %+v\nwant    %+v", got, want)
	}
}
