package wpformat

import (
	"fmt"
	"html"
	"strings"
	"testing"
)

func TestAutopWordPressCases(t *testing.T) {
	for i, c := range wpAutopCases {
		t.Run(fmt.Sprintf("%s/%d", c.group, i), func(t *testing.T) {
			got := Autop(c.in, true)
			if c.trim {
				got = strings.TrimSpace(got)
			}
			if got != c.want {
				t.Errorf("Autop(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

// TestAutopMoreWordPressCases has the wpautop cases WordPress builds in
// loops or added after the ones in autop_cases_test.go.
func TestAutopMoreWordPressCases(t *testing.T) {
	blocks := []string{"table", "thead", "tfoot", "caption", "col", "colgroup", "tbody", "tr", "td", "th",
		"div", "dl", "dd", "dt", "ul", "ol", "li", "pre", "form", "map", "area", "address", "style", "p",
		"h1", "h2", "h3", "h4", "h5", "h6", "fieldset", "legend", "section", "article", "aside", "hgroup",
		"header", "footer", "nav", "figure", "details", "menu", "summary"}
	inlines := []string{"a", "em", "strong", "small", "s", "cite", "q", "dfn", "abbr", "data", "time",
		"code", "var", "samp", "kbd", "sub", "sup", "i", "b", "u", "mark", "span", "del", "ins",
		"noscript", "select"}
	each := func(names []string, f func(string) string) []string {
		var out []string
		for _, n := range names {
			out = append(out, f(n))
		}
		return out
	}
	withText := each(blocks, func(b string) string { return "<" + b + ">foo</" + b + ">" })
	selfClosed := each(blocks, func(b string) string { return "<" + b + "/>" })
	withAttr := each(blocks, func(b string) string { return "<" + b + " attr='value'>foo</" + b + ">" })
	inlineIn := each(inlines, func(n string) string { return "<" + n + ">foo</" + n + ">" })
	inlineOut := each(inlines, func(n string) string { return "<p><" + n + ">foo</" + n + "></p>" })

	// My own stand-in for the long JavaScript file WordPress's pre test
	// reads: lines of code, blank lines, quotes and markup characters,
	// escaped as htmlentities() escapes them.
	code := html.EscapeString(strings.Repeat("function f(a, b) {\n\tif (a < b && b > 0) {\n\t\treturn \"x\" + 'y';\n\t}\n\n\n\treturn a;\n}\n\n", 40))

	math := "<math display=\"block\">\n\t<mtable>\n\t\t<mtr>\n\t\t\t<mtd>\n\t\t\t\t<msup><mrow><mo>(</mo><mi>a</mi><mo>+</mo><mi>b</mi><mo>)</mo></mrow><mn>2</mn></msup>\n\t\t\t</mtd>\n" +
		"\t\t\t<mtd>\n\t\t\t\t<mo>=</mo>\n\t\t\t</mtd>\n\t\t</mtr>\n\t</mtable>\n</math>"
	inlineMath := "<math><mrow><msup><mi>a</mi><mn>2</mn></msup><mo>+</mo><msup><mi>b</mi><mn>2</mn></msup><mo>=</mo><msup><mi>c</mi><mn>2</mn></msup></mrow></math>"
	svg := "<svg xmlns=\"http://www.w3.org/2000/svg\">\n\t\t\t\t<circle cx=\"50\" cy=\"50\" r=\"30\" fill=\"blue\">\n\t\t\t\t\t<animateTransform attributeName=\"transform\" type=\"scale\" to=\"1.5\" dur=\"2s\" fill=\"freeze\"/>\n\t\t\t\t</circle>\n\t\t\t</svg>"
	script := "<script type=\"text/javascript\">\n\t\t\t\tvar dummy = 1;\n\t\t\t</script>"

	cases := []struct{ name, in, want string }{
		{"blocks separated by blank lines", strings.Join(withText, "\n\n"), strings.Join(withText, "\n")},
		{"blocks run together", strings.Join(withText, ""), strings.Join(withText, "\n")},
		{"self-closed blocks", strings.Join(selfClosed, ""), strings.Join(selfClosed, "\n")},
		{"blocks with attributes", strings.Join(withAttr, ""), strings.Join(withAttr, "\n")},
		{"inline elements", strings.Join(inlineIn, "\n\n"), strings.Join(inlineOut, "\n")},
		{"pre alone", "<pre>" + code + "</pre>", "<pre>" + code + "</pre>"},
		{"pre between paragraphs", "Look at this code\n\n<pre>" + code + "</pre>\n\nIsn't that cool?",
			"<p>Look at this code</p>\n<pre>" + code + "</pre>\n<p>Isn't that cool?</p>"},
		{"inline math", inlineMath, "<p>" + inlineMath + "</p>"},
		{"block math keeps its newlines", math, "<p>" + math + "</p>"},
		{"inline svg", svg, "<p>" + svg + "</p>"},
		{"inline script", script, "<p>" + script + "</p>"},
		{"figure on one line",
			`<figure><img src="example.jpg" /><figcaption>Caption</figcaption></figure>`,
			`<figure><img src="example.jpg" /><figcaption>Caption</figcaption></figure>`},
		{"figure over lines",
			"<figure>\n<img src=\"example.jpg\" />\n<figcaption>Caption</figcaption>\n</figure>",
			"<figure>\n<img src=\"example.jpg\" /><figcaption>Caption</figcaption></figure>"},
		{"hr is not wrapped", "paragraph1<hr>paragraph2", "<p>paragraph1</p>\n<hr>\n<p>paragraph2</p>"},
		{"text before a block", "a<div>b</div>", "<p>a</p>\n<div>b</div>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := strings.TrimSpace(Autop(c.in, true)); got != c.want {
				t.Errorf("Autop(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

// TestAutop covers rules WordPress's tests leave out: br off, empty input,
// carriage returns, several <pre>, and its quirks, kept on purpose. The
// expected outputs are what WordPress 7.2's wpautop() returns for them.
func TestAutop(t *testing.T) {
	cases := []struct {
		name string
		in   string
		br   bool
		want string
	}{
		{"empty", "", true, ""},
		{"only spaces", " \n\t\r\x00\x0b", true, ""},
		{"one line", "Hello", true, "<p>Hello</p>\n"},
		{"line breaks", "a\nb", true, "<p>a<br />\nb</p>\n"},
		{"line breaks off", "a\nb", false, "<p>a\nb</p>\n"},
		{"windows newlines", "a\r\nb\r\n\r\nc", true, "<p>a<br />\nb</p>\n<p>c</p>\n"},
		{"old mac newlines", "a\rb\r\rc", true, "<p>a<br />\nb</p>\n<p>c</p>\n"},
		{"spaces before a newline go", "a   \nb", true, "<p>a<br />\nb</p>\n"},
		{"many blank lines", "a\n\n\n\n\nb", true, "<p>a</p>\n<p>b</p>\n"},
		{"two pres", "<pre>a\n\nb</pre>\n\nx\n\n<pre>c</pre>", true, "<pre>a\n\nb</pre>\n<p>x</p>\n<pre>c</pre>\n"},
		{"closing pre without an opening one", "a</pre>b", true, "<p>a</pre>\n<p>b</p>\n"},
		{"pre ending with a placeholder-looking tag",
			"<pre>x<pre wp-pre-tag-1></pre> and <pre>y</pre>", true,
			"<pre>x<pre>y</pre>\n<p> and </p>\n<pre>y</pre>\n"},
		{"newline in a tag stays", "<a\nhref='x'>y</a>", true, "<p><a\nhref='x'>y</a></p>\n"},
		{"br after br and space", "a<br /> \nb", true, "<p>a<br /> <br />\nb</p>\n"},
		{"uppercase blockquote", "<BLOCKQUOTE>x</BLOCKQUOTE>", true, "<blockquote><p>x</BLOCKQUOTE></p>\n"},
		{"style is a block", "<style>a{}\nb{}</style>", true, "<style>a{}\nb{}</style>\n"},
		{"script without its closing tag", "<script>a\nb", true, "<p><script>a<br />\nb</p>\n"},
		{"comment", "a\n<!-- c -->\nb", true, "<p>a<br />\n<!-- c --><br />\nb</p>\n"},
		{"list", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>", true, "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"},
		{"blockquote with paragraphs", "<blockquote>a\n\nb</blockquote>", true, "<blockquote><p>a</p>\n<p>b</p></blockquote>\n"},
		{"div with text", "<div>a</div>", true, "<div>a</div>\n"},
		{"option", "<select>\n<option>a</option>\n\n<option>b</option>\n</select>", true,
			"<p><select><option>a</option><option>b</option></select></p>\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Autop(c.in, c.br); got != c.want {
				t.Errorf("Autop(%q, %v)\n got %q\nwant %q", c.in, c.br, got, c.want)
			}
		})
	}
}
