package wpformat

import (
	"strings"
	"testing"
)

func TestHasBlocks(t *testing.T) {
	if !HasBlocks("x<!-- wp:paragraph -->") || HasBlocks("<!--wp:paragraph-->") || HasBlocks("<!--more-->") {
		t.Error("HasBlocks disagrees with has_blocks()")
	}
}

// The expected outputs of the malformed cases are what WordPress 7.2's
// block parser gives, its top-level blocks rendered statically.
func TestRenderBlocks(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"paragraph", "<!-- wp:paragraph -->\n<p>Hi \"there\"</p>\n<!-- /wp:paragraph -->",
			"\n<p>Hi \"there\"</p>\n"},
		{"heading with attributes", "<!-- wp:heading {\"level\":3} -->\n<h3 class=\"wp-block-heading\">T</h3>\n<!-- /wp:heading -->",
			"\n<h3 class=\"wp-block-heading\">T</h3>\n"},
		{"namespaced name", "<!-- wp:core/separator -->\n<hr class=\"wp-block-separator\"/>\n<!-- /wp:core/separator -->",
			"\n<hr class=\"wp-block-separator\"/>\n"},
		{"list with inner items",
			"<!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>a</li>\n<!-- /wp:list-item --><!-- wp:list-item -->\n<li>b</li>\n<!-- /wp:list-item --></ul>\n<!-- /wp:list -->",
			"\n<ul>\n<li>a</li>\n\n<li>b</li>\n</ul>\n"},
		{"quote with a paragraph", "<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><!-- wp:paragraph -->\n<p>q</p>\n<!-- /wp:paragraph --></blockquote>\n<!-- /wp:quote -->",
			"\n<blockquote class=\"wp-block-quote\">\n<p>q</p>\n</blockquote>\n"},
		{"image", "<!-- wp:image {\"id\":5,\"sizeSlug\":\"large\"} -->\n<figure class=\"wp-block-image size-large\"><img src=\"a.jpg\" alt=\"\" class=\"wp-image-5\"/></figure>\n<!-- /wp:image -->",
			"\n<figure class=\"wp-block-image size-large\"><img src=\"a.jpg\" alt=\"\" class=\"wp-image-5\"/></figure>\n"},
		{"code and preformatted", "<!-- wp:code -->\n<pre class=\"wp-block-code\"><code>a -- b</code></pre>\n<!-- /wp:code --><!-- wp:preformatted -->\n<pre class=\"wp-block-preformatted\">x</pre>\n<!-- /wp:preformatted -->",
			"\n<pre class=\"wp-block-code\"><code>a -- b</code></pre>\n\n<pre class=\"wp-block-preformatted\">x</pre>\n"},
		{"more block keeps its comment", "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->", "\n<!--more-->\n"},
		{"attributes end at the first brace before an arrow", `<!-- wp:x {"a":"} -->"} -->y<!-- /wp:x -->`, `"} -->y`},
		{"freeform around blocks", "a<!-- wp:paragraph --><p>b</p><!-- /wp:paragraph -->c", "a<p>b</p>c"},
		{"void dynamic block renders nothing", "a<!-- wp:latest-posts {\"postsToShow\":3} /-->b", "ab"},
		{"shortcode block gets paragraphs", "<!-- wp:shortcode -->\n[gallery ids=\"1\"]\n<!-- /wp:shortcode -->", "<p>[gallery ids=\"1\"]</p>\n"},
		{"stray closer ends parsing", "a<!-- /wp:list -->b<!-- wp:paragraph -->c<!-- /wp:paragraph -->",
			"a<!-- /wp:list -->b<!-- wp:paragraph -->c<!-- /wp:paragraph -->"},
		{"unclosed nested blocks", "<!-- wp:group --><!-- wp:list -->z", "z<!-- wp:list -->z"},
		{"not a delimiter without a space", "<!--wp:paragraph-->x", "<!--wp:paragraph-->x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := (BlockRenderer{}).RenderBlocks(c.in); got != c.want {
				t.Errorf("RenderBlocks(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func TestRenderBlocksReusable(t *testing.T) {
	r := BlockRenderer{Reusable: func(id int64) (string, bool) {
		switch id {
		case 7:
			return "<!-- wp:paragraph --><p>shared</p><!-- /wp:paragraph -->", true
		case 8: // includes itself
			return `<!-- wp:block {"ref":8} /-->x`, true
		}
		return "", false
	}}
	if got := r.RenderBlocks(`a<!-- wp:block {"ref":7} /-->b`); got != "a<p>shared</p>b" {
		t.Errorf("reusable block: got %q", got)
	}
	if got := r.RenderBlocks(`<!-- wp:block {"ref":9} /-->`); got != "" {
		t.Errorf("missing reusable block: got %q", got)
	}
	if got := r.RenderBlocks(`<!-- wp:block {"ref":8} /-->`); got != strings.Repeat("x", maxReusableDepth) {
		t.Errorf("self-including reusable block: got %q", got)
	}
}

func TestParseBlocks(t *testing.T) {
	bl := ParseBlocks("<!-- wp:image {\"id\":5} -->\n<figure>i</figure>\n<!-- /wp:image -->\n\n<!-- wp:my-plugin/thing /-->")
	if len(bl) != 3 {
		t.Fatalf("got %d blocks, want 3: %+v", len(bl), bl)
	}
	if bl[0].Name != "core/image" || string(bl[0].Attrs) != `{"id":5}` {
		t.Errorf("first block: %q %s", bl[0].Name, bl[0].Attrs)
	}
	if bl[1].Name != "" || bl[1].Content[0].HTML != "\n\n" {
		t.Errorf("freeform between: %+v", bl[1])
	}
	if bl[2].Name != "my-plugin/thing" || len(bl[2].Content) != 0 {
		t.Errorf("void block: %+v", bl[2])
	}
}
