package wxr

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/unicode"
)

// doc wraps channel content in a WXR 1.2 file with the usual prefixes.
func doc(channel string) string {
	return `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<wp:wxr_version>1.2</wp:wxr_version>
` + channel + `
</channel>
</rss>
`
}

func TestReadSite(t *testing.T) {
	f, err := os.Open("testdata/site.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := NewReader(f)
	ch, err := rd.Channel()
	if err != nil {
		t.Fatal(err)
	}
	wantCh := Channel{
		Title: "The Weekly Tip", Link: "https://example.com/blog", Description: "Sales advice for people who hate selling",
		PubDate: "Mon, 02 Mar 2026 09:30:00 +0000", Language: "en-US", Version: "1.2",
		BaseSiteURL: "https://example.com/blog", BaseBlogURL: "https://example.com/blog",
	}
	if ch != wantCh {
		t.Errorf("channel before the first entry\n got %+v\nwant %+v", ch, wantCh)
	}
	var x export
	lines := map[string]int{}
	for e, err := range rd.All() {
		if err != nil {
			t.Fatal(err)
		}
		switch e := e.(type) {
		case *Author:
			x.Authors = append(x.Authors, e)
			lines["author "+e.Login] = rd.Line()
		case *Term:
			x.Terms = append(x.Terms, e)
			lines["term "+e.Slug] = rd.Line()
		case *Item:
			x.Items = append(x.Items, e)
			lines["item "+e.Name] = rd.Line()
		}
	}
	ch, _ = rd.Channel()
	if ch.Generator != "https://wordpress.org/?v=6.7.1" {
		t.Errorf("generator %q: the channel should have what follows its terms", ch.Generator)
	}
	for what, line := range map[string]int{"author coach": 21, "author guest": 22, "term sales": 24, "term main": 65, "item what-business-are-you-in": 69} {
		if lines[what] != line {
			t.Errorf("%s read at line %d, want %d", what, lines[what], line)
		}
	}

	wantAuthors := []Author{
		{ID: 1, Login: "coach", Email: "coach@example.com", DisplayName: "Dana Coach", FirstName: "Dana", LastName: "Coach"},
		{ID: 7, Login: "guest", Email: "guest@example.org", DisplayName: "A Guest"},
	}
	if len(x.Authors) != 2 || *x.Authors[0] != wantAuthors[0] || *x.Authors[1] != wantAuthors[1] {
		t.Errorf("authors %+v", x.Authors)
	}
	wantTerms := []Term{
		{ID: 2, Taxonomy: Category, Slug: "sales", Name: "Sales", Description: "Everything about selling & buying", Meta: []Meta{{"color", "#c00"}}},
		{ID: 3, Taxonomy: Category, Slug: "prospecting", Parent: "sales", Name: "Prospecting"},
		{ID: 4, Taxonomy: Category, Slug: "cold-calling", Parent: "prospecting", Name: "Cold Calling"},
		{ID: 5, Taxonomy: PostTag, Slug: "closing", Name: "Closing", Description: "Asking for the business"},
		{ID: 6, Taxonomy: PostTag, Slug: "tips", Name: "Tips"},
		{ID: 8, Taxonomy: "post_format", Slug: "post-format-aside", Name: "Aside"},
		{ID: 9, Taxonomy: "nav_menu", Slug: "main", Name: "Main"},
	}
	if len(x.Terms) != len(wantTerms) {
		t.Fatalf("%d terms, want %d", len(x.Terms), len(wantTerms))
	}
	for i, w := range wantTerms {
		if !reflect.DeepEqual(*x.Terms[i], w) {
			t.Errorf("term %d\n got %+v\nwant %+v", i, *x.Terms[i], w)
		}
	}

	if len(x.Items) != 9 {
		t.Fatalf("%d items, want 9", len(x.Items))
	}
	post := x.Items[0]
	wantContent := "Most people answer with their product.\n\nYour buyer doesn't care. <!--more-->\n" +
		`[caption id="attachment_104" align="alignleft" width="300"]<img src="https://example.com/blog/wp-content/uploads/2011/01/handshake.jpg" alt="" /> A handshake[/caption]` +
		"\n\n<pre>if (a < b && c]]> d) { return; }</pre>"
	if post.Content != wantContent {
		t.Errorf("content\n got %q\nwant %q", post.Content, wantContent)
	}
	wantPost := Item{
		Title: "What business are you in?", Link: "https://example.com/blog/2011/01/what-business-are-you-in/",
		PubDate: "Mon, 10 Jan 2011 14:00:00 +0000", Creator: "coach", GUID: "https://example.com/blog/?p=101",
		Content: wantContent, Excerpt: "The question that changes your pitch.",
		ID: 101, Date: "2011-01-10 09:00:00", DateGMT: "2011-01-10 14:00:00",
		Modified: "2012-05-01 10:11:12", ModifiedGMT: "2012-05-01 15:11:12",
		CommentStatus: "open", PingStatus: "open", Name: "what-business-are-you-in", Status: "publish",
		Type: "post", Sticky: true,
		Terms: []ItemTerm{{Category, "cold-calling", "Cold Calling"}, {PostTag, "closing", "Closing"}, {PostTag, "tips", "Tips"}},
		Meta:  []Meta{{"_edit_last", "1"}, {"_wp_old_slug", "what-business"}, {"_serialized", `a:1:{s:3:"key";s:13:"¯\_(ツ)_/¯";}`}},
	}
	got := *post
	got.Comments = nil
	if !reflect.DeepEqual(got, wantPost) {
		t.Errorf("post\n got %+v\nwant %+v", got, wantPost)
	}

	// Every kind of comment, with its thread and approval.
	type c struct {
		id, parent     int64
		kind, approved string
	}
	var cs []c
	for _, cm := range post.Comments {
		cs = append(cs, c{cm.ID, cm.Parent, cm.Kind(), cm.Approved})
	}
	wantCs := []c{
		{10, 0, TypeComment, Approved}, {11, 10, TypeComment, Approved}, {12, 11, TypeComment, Unapproved},
		{13, 0, TypeComment, Spam}, {14, 0, TypeComment, Trash}, {15, 0, TypePingback, Approved},
		{16, 0, TypeTrackback, Approved}, {17, 0, TypeNote, Unapproved},
	}
	if !slices.Equal(cs, wantCs) {
		t.Errorf("comments %v\nwant %v", cs, wantCs)
	}
	first := post.Comments[0]
	wantFirst := Comment{ID: 10, Author: "Pat Reader", AuthorEmail: "pat@example.net", AuthorURL: "https://pat.example.net/?ref=blog&utm=1",
		AuthorIP: "203.0.113.9", Date: "2011-01-10 10:00:00", DateGMT: "2011-01-10 15:00:00",
		Content: "I'm in the \"trust\" business.\n\nThanks!", Approved: "1", Type: "comment",
		Meta: []Meta{{"akismet_result", "false"}}}
	if !reflect.DeepEqual(first, wantFirst) {
		t.Errorf("first comment\n got %+v\nwant %+v", first, wantFirst)
	}
	if cm := post.Comments[1]; cm.UserID != 1 || cm.AuthorIP != "198.51.100.1" {
		t.Errorf("reply %+v", cm)
	}
	if cm := post.Comments[4]; cm.Type != "" || cm.Kind() != TypeComment {
		t.Errorf("old empty comment type %q read as %q", cm.Type, cm.Kind())
	}
	if cm := post.Comments[5]; cm.Author != "Another Blog &raquo; A Post" || !strings.HasPrefix(cm.Content, "[&#8230;]") {
		t.Errorf("pingback kept as written: %+v", cm)
	}

	byName := map[string]*Item{}
	for _, it := range x.Items[1:] {
		byName[it.Title] = it
	}
	draft := byName["A draft about objections"]
	if draft.Status != "draft" || draft.DateGMT != "0000-00-00 00:00:00" || draft.Name != "" || draft.CommentStatus != "closed" ||
		!slices.Equal(draft.Terms, []ItemTerm{{Category, "sales", "Sales"}, {"post_format", "post-format-aside", "Aside"}}) ||
		!strings.Contains(draft.Content, "<!-- wp:more -->\n<!--more-->") {
		t.Errorf("draft %+v", draft)
	}
	if p := byName["Members only"]; p.Password != " open sesame " {
		t.Errorf("password %q, want it exact", p.Password)
	}
	about, speaking := byName["About"], byName["Speaking"]
	if about.Type != "page" || speaking.Parent != about.ID || speaking.MenuOrder != -1 || about.MenuOrder != 2 {
		t.Errorf("pages: about %+v, speaking %+v", about, speaking)
	}
	att := byName["handshake"]
	if att.Type != "attachment" || att.Status != "inherit" || att.Parent != 101 ||
		att.AttachmentURL != "https://example.com/blog/wp-content/uploads/2011/01/handshake.jpg" ||
		!slices.Equal(att.Meta, []Meta{{"_wp_attached_file", "2011/01/handshake.jpg"}}) {
		t.Errorf("attachment %+v", att)
	}
	if p := byName["Scheduled: the follow-up"]; p.Status != "future" {
		t.Errorf("scheduled post status %q", p.Status)
	}
	if p := byName["Binned"]; p.Status != "trash" || p.Name != "binned__trashed" {
		t.Errorf("trashed post %+v", p)
	}
	if p := byName[""]; p == nil || p.Type != "nav_menu_item" || p.Content != " " || p.MenuOrder != 1 {
		t.Errorf("menu item %+v", p)
	}
}

// TestReadsWhatWordPressReads: files that are not strictly well-formed, or
// are unusual, that WordPress's importer reads, and how it reads them.
func TestReadsWhatWordPressReads(t *testing.T) {
	site, err := os.ReadFile("testdata/site.xml")
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(site)
	zw.Close()
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(site)
	if err != nil {
		t.Fatal(err)
	}
	sameAsSite := func(t *testing.T, x *export) {
		want, err := readAll(bytes.NewReader(site))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(x, want) {
			t.Errorf("read differently from site.xml")
		}
	}

	tests := []struct {
		name  string
		file  string // in testdata, or
		input []byte
		check func(t *testing.T, x *export)
	}{
		{name: "a raw & in URLs and text", file: "raw-ampersand.xml", check: func(t *testing.T, x *export) {
			if x.Channel.Title != "Tips & Tricks" || x.Channel.Link != "https://example.com/?lang=en&ref=export" || x.Channel.BaseSiteURL != "https://example.com/?a=1&b=2" {
				t.Errorf("channel %+v", x.Channel)
			}
			it := x.Items[0]
			eq(t, "title", it.Title, "Q&A: pricing & value&nbsp;today &copy; \u201cquoted\u201d 😀 & more")
			eq(t, "link", it.Link, "https://example.com/?p=1&preview=true&x=1")
			eq(t, "guid", it.GUID, "https://example.com/?p=1&utm_source=feed")
			eq(t, "content", it.Content, "Content &amp; stays as written in CDATA")
			if len(it.Terms) != 1 || it.Terms[0] != (ItemTerm{PostTag, "q&a", "Q&A"}) {
				t.Errorf("terms %+v", it.Terms)
			}
			c := it.Comments[0]
			eq(t, "comment author", c.Author, "Jo & Co")
			eq(t, "comment url", c.AuthorURL, "http://jo.example.org/?a=1&b=2")
			eq(t, "comment content", c.Content, "A <b> tag & an ampersand &")
		}},
		{name: "nested CDATA as WordPress before 3.1 wrote it", file: "nested-cdata.xml", check: func(t *testing.T, x *export) {
			it := x.Items[0]
			eq(t, "content", it.Content, "<p>Before</p>\n<script type=\"text/javascript\">\n//<![CDATA[\nvar ad = \"<b>\" + size + \"</b>\";\n//]]></script>\n<p>After the script</p>")
			eq(t, "excerpt", it.Excerpt, "<![CDATA[ inside ]]>")
			want := []Meta{
				{"only a closer", "]]>"},
				{"escaped the WordPress 3.1 way", "a]]>b"},
				{"text and a section", "x & <y> & z"},
				{"section, space, end", "\n\t\t\t\tspaced\n\t\t\t"},
			}
			if !slices.Equal(it.Meta, want) {
				t.Errorf("meta\n got %q\nwant %q", it.Meta, want)
			}
		}},
		{name: "the export namespace under other prefixes, https, no final slash", file: "namespace-prefixes.xml", check: func(t *testing.T, x *export) {
			if x.Channel.Version != "1.2" || x.Channel.BaseSiteURL != "https://example.com" {
				t.Errorf("channel %+v", x.Channel)
			}
			var logins []string
			for _, a := range x.Authors {
				logins = append(logins, a.Login)
			}
			if !slices.Equal(logins, []string{"dana", "legacy"}) {
				t.Errorf("authors %v, want dana and legacy (wp: is bound to another namespace here)", logins)
			}
			it := x.Items[0]
			if it.Creator != "dana" || it.Content != "Body" || it.Excerpt != "Summary" || it.ID != 5 || it.Type != "page" ||
				!slices.Equal(it.Meta, []Meta{{"k", "v"}}) {
				t.Errorf("item %+v", it)
			}
		}},
		{name: "text byte for byte", file: "text-bytes.xml", check: func(t *testing.T, x *export) {
			eq(t, "display name", x.Authors[0].DisplayName, "Dana \u200fדנה\u200e 👩\u200d💻")
			it := x.Items[0]
			eq(t, "title", it.Title, " Emoji 🇺🇸 👨\u200d👩\u200d👧 ✍🏽 and RTL \u202bمرحبا\u202c \u202ereversed\u202c ")
			eq(t, "slug", it.Name, "%d8%b3%d9%84%d8%a7%d9%85-hello")
			// XML reads CR LF as LF: the three blank lines stay three.
			eq(t, "content", it.Content, "Paths: C:\\Users\\dana\\ and \\\\server\\share, a literal \\n and \\\" quote\n\n\n"+
				"after three blank lines\ttab, NBSP\u00a0here, BOM\ufeffhere, Z\u030c\u0301algo, &amp; stays\n\n  indented line  \n")
			if !slices.Equal(it.Meta, []Meta{{" spaced key ", `\\\\ backslashes \\\\`}}) {
				t.Errorf("meta %q", it.Meta)
			}
		}},
		{name: "ISO-8859-1 declared, CDATA in UTF-8 as WordPress writes it", file: "legacy-latin1.xml", check: func(t *testing.T, x *export) {
			eq(t, "channel title", x.Channel.Title, "Café crème")
			eq(t, "title", x.Items[0].Title, "\u201cSmart\u201d quotes \u2013 naïve")
			eq(t, "content", x.Items[0].Content, "Déjà vu in UTF-8")
		}},
		{name: "gzip", input: gz.Bytes(), check: sameAsSite},
		{name: "UTF-8 byte order mark", input: append([]byte("\xef\xbb\xbf"), site...), check: sameAsSite},
		{name: "UTF-16", input: utf16, check: sameAsSite},
		{name: "blank lines before the XML declaration", input: append([]byte("\n\n  \n"), site...), check: sameAsSite},
		{name: "what follows the root element is not read", input: append(bytes.Clone(site), "\n<br />\n<b>Notice</b>: something & so on <"...), check: sameAsSite},
		{name: "an undeclared wp: prefix", input: []byte(`<rss><channel><wp:wxr_version>1.1</wp:wxr_version><item><wp:post_id>3</wp:post_id><excerpt:encoded>e</excerpt:encoded></item></channel></rss>`),
			check: func(t *testing.T, x *export) {
				if x.Channel.Version != "1.1" || len(x.Items) != 1 || x.Items[0].ID != 3 || x.Items[0].Excerpt != "e" {
					t.Errorf("read %+v %+v", x.Channel, x.Items)
				}
			}},
		{name: "WordPress.com's wp:wp_author", input: []byte(doc(`<wp:wp_author><wp:author_login>wpcom</wp:author_login></wp:wp_author>`)),
			check: func(t *testing.T, x *export) {
				if len(x.Authors) != 1 || x.Authors[0].Login != "wpcom" {
					t.Errorf("authors %+v", x.Authors)
				}
			}},
		{name: "values around line breaks of a pretty printer", input: []byte(doc("<wp:author>\n<wp:author_id>\n 4\n</wp:author_id>\n<wp:author_login>\n alice\n</wp:author_login>\n<wp:author_display_name>\n Alice\n</wp:author_display_name>\n</wp:author>")),
			check: func(t *testing.T, x *export) {
				if a := x.Authors[0]; a.ID != 4 || a.Login != "alice" || a.DisplayName != "\n Alice\n" {
					t.Errorf("author %+v: identifiers trimmed, names as written", a)
				}
			}},
		{name: "no base_blog_url: the site URL, as WordPress reads it", input: []byte(doc(`<wp:base_site_url>https://example.com/wp</wp:base_site_url>`)),
			check: func(t *testing.T, x *export) {
				if x.Channel.BaseBlogURL != "https://example.com/wp" {
					t.Errorf("base blog url %q", x.Channel.BaseBlogURL)
				}
			}},
		{name: "a second wxr_version is passed over, as WordPress reads the first", input: []byte(doc(`<wp:wxr_version>junk</wp:wxr_version>`)),
			check: func(t *testing.T, x *export) {
				if x.Channel.Version != "1.2" {
					t.Errorf("version %q", x.Channel.Version)
				}
			}},
		{name: "empty elements, comments and CDATA with markup", input: []byte(doc(`<!-- a comment --><item><title/><wp:post_id>9</wp:post_id><content:encoded><![CDATA[<p>x</p>]]><!-- between --><![CDATA[<p>y</p>]]></content:encoded><wp:is_sticky/><?php echo 1; ?></item>`)),
			check: func(t *testing.T, x *export) {
				if it := x.Items[0]; it.ID != 9 || it.Title != "" || it.Content != "<p>x</p><p>y</p>" {
					t.Errorf("item %+v", it)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var x *export
			var err error
			if tc.file != "" {
				x, err = readFile(t, filepath.Join("testdata", tc.file))
			} else {
				x, err = readAll(bytes.NewReader(tc.input))
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, x)
		})
	}
}

func eq(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s\n got %q\nwant %q", what, got, want)
	}
}

// TestRefusals: each kind of bad input is refused with an error that names
// its line, and no entry is returned before the refusal when the file is
// not WXR.
func TestRefusals(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		input string
		kind  error
		line  int
		says  []string
	}{
		{name: "an RSS feed", file: "not-wxr-rss.xml", kind: ErrNotWXR, line: 15, says: []string{"no <wp:wxr_version>", "<item>"}},
		{name: "an Atom feed", file: "not-wxr-atom.xml", kind: ErrNotWXR, line: 3, says: []string{"<feed>", "<rss>"}},
		{name: "not XML", file: "not-xml.txt", kind: ErrNotWXR, line: 1, says: []string{"not an XML file"}},
		{name: "a PHP warning before the export", file: "php-warning.xml", kind: ErrNotWXR, line: 2},
		{name: "no wxr_version", file: "no-version.xml", kind: ErrNotWXR, line: 13, says: []string{"<wp:author>"}},
		{name: "an invalid wxr_version", file: "invalid-version.xml", kind: ErrNotWXR, line: 5, says: []string{`"1.2 beta"`}},
		{name: "mismatched tags", file: "malformed-mismatched.xml", kind: ErrMalformed, line: 7, says: []string{"</wp:post_ID>", "<wp:post_id> (line 7)"}},
		{name: "a file cut short in a CDATA section", file: "malformed-truncated.xml", kind: ErrMalformed, line: 9, says: []string{"CDATA", "not closed"}},
		{name: "a raw < in text", file: "malformed-stray-lt.xml", kind: ErrMalformed, line: 6, says: []string{"&lt;"}},

		{name: "an empty file", input: "", kind: ErrNotWXR, line: 1},
		{name: "only white space", input: "\n\n", kind: ErrNotWXR, line: 3},
		{name: "an XML declaration and nothing else", input: `<?xml version="1.0"?>`, kind: ErrNotWXR, line: 1},
		{name: "JSON", input: `{"posts": []}`, kind: ErrNotWXR, line: 1},
		{name: "a zip archive", input: "PK\x03\x04\x14\x00\x00\x00\x08\x00", kind: ErrNotWXR, line: 1, says: []string{"unzip"}},
		{name: "a broken gzip file", input: "\x1f\x8b\x00\x00", kind: ErrNotWXR, line: 1, says: []string{"gzip"}},
		{name: "an HTML page", input: "<html>\n<body>Log in</body></html>", kind: ErrNotWXR, line: 1, says: []string{"<html>"}},
		{name: "an HTML page with its DOCTYPE", input: "\n<!DOCTYPE html>\n<html><body>Log in</body></html>", kind: ErrNotWXR, line: 2, says: []string{"DOCTYPE"}},
		{name: "a DOCTYPE declaring entities", file: "doctype-entities.xml", kind: ErrNotWXR, line: 2, says: []string{"DOCTYPE"}},
		{name: "rss without a channel", input: "<rss version=\"2.0\">\n</rss>", kind: ErrNotWXR, line: 2, says: []string{"no <channel>"}},
		{name: "a channel without entries or version", input: "<rss><channel>\n<title>x</title>\n</channel></rss>", kind: ErrNotWXR, line: 3, says: []string{"no <wp:wxr_version>"}},
		{name: "the version in another namespace", input: "<rss xmlns:wp=\"http://example.com/wp/\"><channel>\n<wp:wxr_version>1.2</wp:wxr_version>\n<item/></channel></rss>", kind: ErrNotWXR, line: 3},
		{name: "version 1", input: "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>\n\n<wp:wxr_version>1</wp:wxr_version><item/></channel></rss>", kind: ErrNotWXR, line: 3},
		{name: "an empty version", input: "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>\n<wp:wxr_version> </wp:wxr_version></channel></rss>", kind: ErrNotWXR, line: 2},
		{name: "three-part version", input: "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel>\n<wp:wxr_version>1.2.3</wp:wxr_version></channel></rss>", kind: ErrNotWXR, line: 2},
		{name: "unclosed comment", input: doc("\n<!-- never closed"), kind: ErrMalformed, line: 6, says: []string{"comment"}},
		{name: "unquoted attribute", input: doc("<item>\n<category domain=category nicename=\"x\">X</category></item>"), kind: ErrMalformed, line: 6, says: []string{"not quoted"}},
		{name: "an attribute twice", input: doc("<item>\n<guid isPermaLink=\"false\" isPermaLink=\"true\">g</guid></item>"), kind: ErrMalformed, line: 6, says: []string{"twice"}},
		{name: "a < in an attribute", input: doc("<item>\n<category domain=\"a<b\">X</category></item>"), kind: ErrMalformed, line: 6},
		{name: "a tag not closed", input: doc("<item>\n<title <b>x</title></item>"), kind: ErrMalformed, line: 6},
		{name: "a stray end tag after the root is not read", input: "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><wp:wxr_version>1.2</wp:wxr_version></channel></rss></rss>"},
		{name: "an end tag that closes nothing open", input: doc("<item></wp:comment>\n</item>"), kind: ErrMalformed, line: 5, says: []string{"</wp:comment>", "<item>"}},
		{name: "the file ends in a tag", input: "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><wp:wxr_version>1.2</wp:wxr_version>\n<item><title", kind: ErrMalformed, line: 2},
		{name: "a post_id that is not a number", input: doc("<item>\n<wp:post_id>12abc</wp:post_id></item>"), kind: ErrInvalid, line: 6, says: []string{"<wp:post_id>", `"12abc"`}},
		{name: "a comment_parent that is not a number", input: doc("<item><wp:comment>\n<wp:comment_parent>x</wp:comment_parent></wp:comment></item>"), kind: ErrInvalid, line: 6},
		{name: "a term_id that is not a number", input: doc("<wp:category>\n<wp:term_id>one</wp:term_id></wp:category>"), kind: ErrInvalid, line: 6},
		{name: "elements nested too deep", input: doc(strings.Repeat("<a>", 300) + strings.Repeat("</a>", 300)), kind: ErrTooLarge, line: 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var x *export
			var err error
			if tc.file != "" {
				x, err = readFile(t, filepath.Join("testdata", tc.file))
			} else {
				x, err = readString(t, tc.input)
			}
			if tc.kind == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantRefusal(t, err, tc.kind, tc.line, tc.says...)
			if errors.Is(err, ErrNotWXR) && len(x.Authors)+len(x.Terms)+len(x.Items) > 0 {
				t.Errorf("entries returned from a file that is not WXR")
			}
		})
	}
}

func TestErrorIsSticky(t *testing.T) {
	rd := NewReader(strings.NewReader(doc("<item><wp:post_id>1</wp:post_id></item>\n<item></wp:comment>")))
	if _, err := rd.Next(); err != nil {
		t.Fatalf("first item: %v", err)
	}
	_, err1 := rd.Next()
	_, err2 := rd.Next()
	if err1 == nil || err1 != err2 {
		t.Errorf("errors %v then %v, want the same refusal twice", err1, err2)
	}
	if _, err := rd.Channel(); err != err1 {
		t.Errorf("Channel after the refusal: %v", err)
	}
}

// TestCDATAEnds: where a CDATA section ends, for well-formed values and for
// the unescaped nesting old exports wrote.
func TestCDATAEnds(t *testing.T) {
	tests := []struct{ raw, want string }{
		{`<![CDATA[plain]]>`, "plain"},
		{`<![CDATA[]]>`, ""},
		{`<![CDATA[a]]><![CDATA[b]]>`, "ab"},
		{"<![CDATA[a]]>\n <![CDATA[b]]>", "a\n b"},
		{`<![CDATA[x]]]]><![CDATA[>y]]>`, "x]]>y"},
		{`<![CDATA[ends with ]]]]><![CDATA[>]]>`, "ends with ]]>"},
		{`<![CDATA[]] >]]>`, "]] >"},
		{`<![CDATA[a]]> &amp; b`, "a & b"},                           // well-formed text after a section
		{`<![CDATA[a]]> &amp; <![CDATA[c]]>`, "a & c"},               // and another section
		{`<![CDATA[a <![CDATA[b]]> c]]>`, "a <![CDATA[b]]> c"},       // nested, unescaped
		{`<![CDATA[]]>]]>`, "]]>"},                                   // only a closer
		{`<![CDATA[<i>//]]></i>]]>`, "<i>//]]></i>"},                 // a closer before markup that does not nest
		{`<![CDATA[<i>//]]></i><b>x</b>]]>`, "<i>//]]></i><b>x</b>"}, // and more markup
		{`<![CDATA[a]]]>`, "a]"},
		{`<![CDATA[a]]]]>`, "a]]"},
	}
	for _, tc := range tests {
		x, err := readString(t, doc("<item><content:encoded>"+tc.raw+"</content:encoded></item>"))
		if err != nil {
			t.Errorf("%s: %v", tc.raw, err)
			continue
		}
		if got := x.Items[0].Content; got != tc.want {
			t.Errorf("%s\n got %q\nwant %q", tc.raw, got, tc.want)
		}
	}
}

func TestReferences(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"&amp;&lt;&gt;&quot;&apos;", "&<>\"'"},
		{"&#233;&#xe9;&#XE9;&#x1F600;", "ééé😀"},
		{"&#13;", "\r"}, // a character reference is not a line end to normalise
		{"AT&T", "AT&T"},
		{"a & b", "a & b"},
		{"&&amp;", "&&"},
		{"&nbsp;&hellip;&copy;", "&nbsp;&hellip;&copy;"}, // HTML's entities are not XML's: kept as written
		{"&#0;&#xD800;&#xFFFE;&#99999999;", "&#0;&#xD800;&#xFFFE;&#99999999;"},
		{"&#;&#x;&;", "&#;&#x;&;"},
		{"&amp", "&amp"},
		{"&averyveryverylongname;", "&averyveryverylongname;"},
		{"tail &", "tail &"},
		{"a\r\nb\rc\n", "a\nb\nc\n"},
	}
	for _, tc := range tests {
		x, err := readString(t, doc("<item><title>"+tc.raw+"</title></item>"))
		if err != nil {
			t.Errorf("%q: %v", tc.raw, err)
			continue
		}
		if got := x.Items[0].Title; got != tc.want {
			t.Errorf("%q read as %q, want %q", tc.raw, got, tc.want)
		}
	}
	// In an attribute, white space characters are spaces.
	x, err := readString(t, doc("<item><category domain=\"post_tag\" nicename=\"a\tb\nc&#10;d\">N</category></item>"))
	if err != nil {
		t.Fatal(err)
	}
	if got := x.Items[0].Terms[0].Slug; got != "a b c\nd" {
		t.Errorf("attribute %q", got)
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		uri  string
		want nsKind
	}{
		{"http://wordpress.org/export/1.0/", nsWXR},
		{"http://wordpress.org/export/1.1/", nsWXR},
		{"http://wordpress.org/export/1.2/", nsWXR},
		{"https://wordpress.org/export/1.2/", nsWXR},
		{"https://wordpress.org/export/1.2", nsWXR},
		{"HTTPS://WordPress.org/export/1.2/", nsWXR},
		{"http://www.wordpress.org/export/1.2/", nsWXR},
		{"http://wordpress.org/export/1.3/", nsWXR},
		{"http://wordpress.org/export/1.2/excerpt/", nsExcerpt},
		{"https://wordpress.org/export/1.0/excerpt", nsExcerpt},
		{"http://purl.org/rss/1.0/modules/content/", nsContent},
		{"https://purl.org/rss/1.0/modules/content", nsContent},
		{"http://purl.org/dc/elements/1.1/", nsDC},
		{"", nsNone},
		{"http://wordpress.org/export/", nsOther},
		{"http://wordpress.org/export/1/", nsOther},
		{"http://wordpress.org/export/1.2/extra/", nsOther},
		{"http://wordpress.org.evil.example/export/1.2/", nsOther},
		{"http://example.com/export/1.2/", nsOther},
		{"ftp://wordpress.org/export/1.2/", nsOther},
		{"wordpress.org/export/1.2/", nsOther},
	}
	for _, tc := range tests {
		if got := classify(tc.uri); got != tc.want {
			t.Errorf("classify(%q) = %d, want %d", tc.uri, got, tc.want)
		}
	}
}

func TestLimits(t *testing.T) {
	big := strings.Repeat("x", 5000)
	rd := NewReader(strings.NewReader(doc("<item>\n<content:encoded><![CDATA[" + big + "]]></content:encoded></item>")))
	rd.MaxValueBytes = 2000
	_, err := rd.Next()
	wantRefusal(t, err, ErrTooLarge, 6, "CDATA")

	many := strings.Repeat("<wp:comment><wp:comment_content>"+big+"</wp:comment_content></wp:comment>", 10)
	rd = NewReader(strings.NewReader(doc("\n<item>" + many + "</item>")))
	rd.MaxEntryBytes = 20000
	_, err = rd.Next()
	wantRefusal(t, err, ErrTooLarge, 6, "entry")

	// Elements cost memory with no text in them.
	rd = NewReader(strings.NewReader(doc("\n<item>" + strings.Repeat(`<category domain="post_tag"/>`, 100000) + "</item>")))
	rd.MaxEntryBytes = 1 << 20
	_, err = rd.Next()
	wantRefusal(t, err, ErrTooLarge, 6, "entry")

	// Under the limits the same file reads.
	rd = NewReader(strings.NewReader(doc("\n<item>" + many + "</item>")))
	if e, err := rd.Next(); err != nil || len(e.(*Item).Comments) != 10 {
		t.Errorf("read %v, %v", e, err)
	}
}

// TestSmallReads: the reader works whatever sizes the source's reads
// return, so no token depends on where a buffer ends.
func TestSmallReads(t *testing.T) {
	for _, name := range []string{"site.xml", "nested-cdata.xml", "raw-ampersand.xml", "text-bytes.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := readAll(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		got, err := readAll(&oneByteReader{data})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s read one byte at a time differs", name)
		}
	}
}

type oneByteReader struct{ b []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.b[0]
	r.b = r.b[1:]
	return 1, nil
}

func TestParseDate(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	if got, ok := ParseDate("2011-01-10 09:00:00", ny); !ok || !got.Equal(time.Date(2011, 1, 10, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseDate in New York = %v, %v", got, ok)
	}
	for _, s := range []string{"", "0000-00-00 00:00:00", "2011-01-10", "yesterday"} {
		if _, ok := ParseDate(s, time.UTC); ok {
			t.Errorf("ParseDate(%q) ok", s)
		}
	}
	if s := FormatDate(time.Time{}); s != "0000-00-00 00:00:00" {
		t.Errorf("FormatDate(zero) = %q", s)
	}
	if s := FormatDate(time.Date(2026, 3, 2, 9, 30, 5, 0, time.UTC)); s != "2026-03-02 09:30:05" {
		t.Errorf("FormatDate = %q", s)
	}
}

// FuzzReader: whatever the input, the reader returns entries or an *Error
// and never panics or hangs.
func FuzzReader(f *testing.F) {
	for _, name := range []string{"site.xml", "nested-cdata.xml", "raw-ampersand.xml", "namespace-prefixes.xml", "malformed-truncated.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(doc("<item><content:encoded><![CDATA[a]]>]]></content:encoded></item>")))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := readAll(bytes.NewReader(data))
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("error %v (%T) is not an *Error", err, err)
		}
	})
}
