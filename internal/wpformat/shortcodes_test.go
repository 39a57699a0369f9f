package wpformat

import (
	"strings"
	"testing"
)

// The caption cases follow WordPress's own img_caption_shortcode tests
// (tests/phpunit/tests/media.php) and what WordPress 7.2's do_shortcode()
// with its caption handler returns for an HTML5 theme.
func TestShortcodesCaption(t *testing.T) {
	const img = `<img src="pic.jpg" />`
	cases := []struct{ name, in, want string }{
		{"no width", `[caption caption="Cap"]` + img + `[/caption]`, img},
		{"zero width", `[caption width="0" caption="Cap"]` + img + `[/caption]`, img},
		{"no caption", `[caption width="20"]` + img + `[/caption]`, img},
		{"old format",
			`[caption width="20" caption="Cap"]` + img + `[/caption]`,
			`<figure style="width: 20px" class="wp-caption alignnone">` + img + `<figcaption class="wp-caption-text">Cap</figcaption></figure>`},
		{"old format, id and align escaped",
			`[caption width="20" id='"myId' align="&myAlignment" caption="Cap"]` + img + `[/caption]`,
			`<figure id="myId" aria-describedby="caption-myId" style="width: 20px" class="wp-caption &amp;myAlignment">` + img +
				`<figcaption id="caption-myId" class="wp-caption-text">Cap</figcaption></figure>`},
		{"old format with class",
			`[caption width="20" class="some-class another-class" caption="Cap"]` + img + `[/caption]`,
			`<figure style="width: 20px" class="wp-caption alignnone some-class another-class">` + img + `<figcaption class="wp-caption-text">Cap</figcaption></figure>`},
		{"new format",
			`[caption id="attachment_5" align="aligncenter" width="300"]` + img + ` My "cap"[/caption]`,
			`<figure id="attachment_5" aria-describedby="caption-attachment-5" style="width: 300px" class="wp-caption aligncenter">` + img +
				`<figcaption id="caption-attachment-5" class="wp-caption-text">My "cap"</figcaption></figure>`},
		{"new format, linked image",
			`[caption width="20"]<a href='#'>` + img + `</a> Caption <b>text</b>[/caption]`,
			`<figure style="width: 20px" class="wp-caption alignnone"><a href='#'>` + img +
				`</a><figcaption class="wp-caption-text">Caption <b>text</b></figcaption></figure>`},
		{"text before the image is dropped, as in WordPress",
			`[caption width="20"]Before ` + img + `After[/caption]`,
			`<figure style="width: 20px" class="wp-caption alignnone">` + img + `<figcaption class="wp-caption-text">After</figcaption></figure>`},
		{"caption_id", `[caption id="a" caption_id="my cap" width="20" caption="C"]` + img + `[/caption]`,
			`<figure id="a" aria-describedby="mycap" style="width: 20px" class="wp-caption alignnone">` + img +
				`<figcaption id="mycap" class="wp-caption-text">C</figcaption></figure>`},
		{"same id twice",
			`[caption id="attachment_5" width="10" caption="a"]x[/caption][caption id="attachment_5" width="10" caption="b"]y[/caption]`,
			`<figure id="attachment_5" aria-describedby="caption-attachment-5" style="width: 10px" class="wp-caption alignnone">x` +
				`<figcaption id="caption-attachment-5" class="wp-caption-text">a</figcaption></figure>` +
				`<figure id="attachment_5-2" aria-describedby="caption-attachment-5-2" style="width: 10px" class="wp-caption alignnone">y` +
				`<figcaption id="caption-attachment-5-2" class="wp-caption-text">b</figcaption></figure>`},
		{"wp_caption", `[wp_caption width="20" caption="C"]` + img + `[/wp_caption]`,
			`<figure style="width: 20px" class="wp-caption alignnone">` + img + `<figcaption class="wp-caption-text">C</figcaption></figure>`},
		{"width with a unit", `[caption width="20px" caption="C"]x[/caption]`,
			`<figure style="width: 20px" class="wp-caption alignnone">x<figcaption class="wp-caption-text">C</figcaption></figure>`},
		{"escaped", `[[caption width="20" caption="C"]x[/caption]]`, `[caption width="20" caption="C"]x[/caption]`},
		{"half escaped", `[[caption width="20" caption="C"]x[/caption]`,
			`[<figure style="width: 20px" class="wp-caption alignnone">x<figcaption class="wp-caption-text">C</figcaption></figure>`},
		{"not a shortcode name", `[caption"x width="20" caption="C"]x[/caption]`, `[caption"x width="20" caption="C"]x[/caption]`},
		{"unknown shortcode stays", `[contact-form id="3"] [playlist ids="1"]`, `[contact-form id="3"] [playlist ids="1"]`},
		{"inside an HTML comment", `<!-- [caption width="20" caption="C"]x[/caption] -->`, `<!-- [caption width="20" caption="C"]x[/caption] -->`},
		{"a bracket inside a tag does not end the shortcode",
			`[caption width="20" caption="C"]<img alt="]" src="x" />[/caption]`,
			`<figure style="width: 20px" class="wp-caption alignnone"><img alt="]" src="x" /><figcaption class="wp-caption-text">C</figcaption></figure>`},
		{"a closing tag inside a tag is not one", `[caption width="20"]<img title="[/caption]" src="x" /> C[/caption]`,
			`<figure style="width: 20px" class="wp-caption alignnone"><img title="[/caption]" src="x" /><figcaption class="wp-caption-text">C</figcaption></figure>`},
		{"an element made of a shortcode", `<[caption width="20" caption="C"]x[/caption]>`,
			`<<figure style="width: 20px" class="wp-caption alignnone">x<figcaption class="wp-caption-text">C</figcaption></figure>>`},
		{"literal bracket entities get a zero; a caption of nothing is nothing", `&#91;caption&#93; [caption]`, `&#091;caption&#093; `},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Shortcodes(c.in, Media{}, 0); got != c.want {
				t.Errorf("Shortcodes(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func testMedia() Media {
	atts := map[int64]Attachment{
		10: {ID: 10, URL: "https://ex.com/wp-content/uploads/a.jpg", Width: 800, Height: 600,
			Page: "https://ex.com/a/", Caption: "The \"first\"", Alt: "A",
			Sizes: map[string]Image{"thumbnail": {URL: "https://ex.com/wp-content/uploads/a-150x150.jpg", Width: 150, Height: 150}}},
		11: {ID: 11, URL: "https://ex.com/wp-content/uploads/b.jpg", Width: 600, Height: 800},
	}
	return Media{
		Attachment: func(id int64) (Attachment, bool) { a, ok := atts[id]; return a, ok },
		Attached: func(postID int64) []int64 {
			if postID == 99 {
				return []int64{11, 10}
			}
			return nil
		},
	}
}

func TestShortcodesGallery(t *testing.T) {
	m := testMedia()
	first := `<figure class="gallery-item"><div class="gallery-icon landscape"><a href="https://ex.com/a/">` +
		`<img src="https://ex.com/wp-content/uploads/a-150x150.jpg" width="150" height="150" class="attachment-thumbnail size-thumbnail" alt="A" aria-describedby="gallery-1-10" /></a></div>` +
		`<figcaption class="wp-caption-text gallery-caption" id="gallery-1-10">The &#8220;first&#8221;</figcaption></figure>`
	second := `<figure class="gallery-item"><div class="gallery-icon portrait"><a href="https://ex.com/wp-content/uploads/b.jpg">` +
		`<img src="https://ex.com/wp-content/uploads/b.jpg" class="attachment-thumbnail size-thumbnail" alt="" /></a></div></figure>`
	cases := []struct {
		name, in string
		post     int64
		want     string
	}{
		{"ids", `[gallery ids="10,11"]`, 5,
			`<div id="gallery-1" class="gallery galleryid-5 gallery-columns-3 gallery-size-thumbnail">` + first + second + "</div>\n"},
		{"attached to the post", `[gallery columns="2"]`, 99,
			`<div id="gallery-1" class="gallery galleryid-99 gallery-columns-2 gallery-size-thumbnail">` +
				strings.ReplaceAll(second, "gallery-1", "gallery-1") + strings.ReplaceAll(first, "gallery-1-10", "gallery-1-10") + "</div>\n"},
		{"exclude", `[gallery exclude="11"]`, 99,
			`<div id="gallery-1" class="gallery galleryid-99 gallery-columns-3 gallery-size-thumbnail">` + first + "</div>\n"},
		{"no images", `[gallery ids="404"]`, 5, ""},
		{"link to file, full size", `[gallery ids="11" link="file" size="full"]`, 5,
			`<div id="gallery-1" class="gallery galleryid-5 gallery-columns-3 gallery-size-full">` +
				`<figure class="gallery-item"><div class="gallery-icon portrait"><a href="https://ex.com/wp-content/uploads/b.jpg">` +
				`<img src="https://ex.com/wp-content/uploads/b.jpg" width="600" height="800" class="attachment-full size-full" alt="" /></a></div></figure></div>` + "\n"},
		{"no link", `[gallery ids="11" link="none"]`, 5,
			`<div id="gallery-1" class="gallery galleryid-5 gallery-columns-3 gallery-size-thumbnail">` +
				`<figure class="gallery-item"><div class="gallery-icon portrait">` +
				`<img src="https://ex.com/wp-content/uploads/b.jpg" class="attachment-thumbnail size-thumbnail" alt="" /></div></figure></div>` + "\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Shortcodes(c.in, m, c.post); got != c.want {
				t.Errorf("Shortcodes(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
	// Each gallery of a post has its own id.
	got := Shortcodes(`[gallery ids="11"][gallery ids="11"]`, m, 5)
	if !strings.Contains(got, `id="gallery-1"`) || !strings.Contains(got, `id="gallery-2"`) {
		t.Errorf("two galleries: %q", got)
	}
}

func TestShortcodesEmbedAndMedia(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"embed", `[embed]https://www.youtube.com/watch?v=x&t=1[/embed]`,
			`<a href="https://www.youtube.com/watch?v=x&amp;t=1">https://www.youtube.com/watch?v=x&amp;t=1</a>`},
		{"embed with size", `[embed width="400" height="300"] https://vimeo.com/1 [/embed]`, `<a href="https://vimeo.com/1">https://vimeo.com/1</a>`},
		{"embed of nothing", `[embed][/embed]`, ``},
		{"audio", `[audio mp3="https://ex.com/a.mp3"]`,
			`<audio class="wp-audio-shortcode" controls preload="none"><source src="https://ex.com/a.mp3" /><a href="https://ex.com/a.mp3">https://ex.com/a.mp3</a></audio>`},
		{"video", `[video width="640" height="360" mp4="https://ex.com/v.mp4" poster="https://ex.com/p.jpg" loop="on"][/video]`,
			`<video class="wp-video-shortcode" controls width="640" height="360" poster="https://ex.com/p.jpg" loop preload="metadata"><source src="https://ex.com/v.mp4" /><a href="https://ex.com/v.mp4">https://ex.com/v.mp4</a></video>`},
		{"video without a source", `[video]`, ``},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Shortcodes(c.in, Media{}, 0); got != c.want {
				t.Errorf("Shortcodes(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestParseShortcodeAttrs(t *testing.T) {
	a := parseShortcodeAttrs(` id="5" Align='left' width=300 "pos one" 'pos two' bare esc="a\"b" tab='a\tb' html="<b>ok</b>" bad="<b" nb` + "\u00a0" + `x=1`)
	want := map[string]string{"id": "5", "align": "left", "width": "300", "tab": "a\tb", "html": "<b>ok</b>", "bad": "", "x": "1"}
	for k, v := range want {
		if a.named[k] != v {
			t.Errorf("attr %s = %q, want %q", k, a.named[k], v)
		}
	}
	// A quoted value cannot hold its quote: esc="a\"b" is one bare word
	// (its backslash then goes, as stripcslashes takes it).
	if _, ok := a.named["esc"]; ok || strings.Join(a.positional, "|") != `pos one|pos two|bare|esc="a"b"|nb` {
		t.Errorf("positional = %q", a.positional)
	}
}
