package markup

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// TestCheckRefuses gives Check the texts that made rendering slow, each
// as large as a form takes, and a few that only just break a limit.
func TestCheckRefuses(t *testing.T) {
	rep := func(s string, n int) string { return strings.Repeat(s, n/len(s)) }
	var indent strings.Builder
	for i := 0; i <= MaxNesting; i++ {
		fmt.Fprintf(&indent, "%s- level %d\n", strings.Repeat("  ", i), i+1)
	}
	var wide strings.Builder
	wide.WriteString(rep("|a", 8<<10) + "\n" + rep("|-", 8<<10) + "\n")
	wide.WriteString(rep("x\n", 16<<10))
	tests := []struct {
		name, src, want string
		line            int
	}{
		{"64 KiB of >", rep(">", 64<<10), "nested more than 16 deep", 1},
		{"17 quotes", strings.Repeat("> ", MaxNesting+1) + "deep", "nested more than 16 deep", 1},
		{"quotes of lists", rep("> - ", 64<<10), "nested more than 16 deep", 1},
		{"ordered lists", rep("1. ", 64<<10), "nested more than 16 deep", 1},
		{"lists by indentation", "Intro\n\n" + indent.String(), "nested more than 16 deep", 3 + MaxNesting},
		{"quote after text", "fine\n\n" + strings.Repeat(">", MaxNesting+1) + " x", "nested more than 16 deep", 3},
		{"emphasis marks", rep("*a_", 64<<10), "more than 500 emphasis marks", 1},
		{"strike marks", "para\n\n" + strings.Repeat("~~a ", MaxParagraphMarks+1), "more than 500 emphasis marks", 3},
		{"marks over lines", strings.Repeat("*a* b\n", MaxParagraphMarks/2+1), "more than 500 emphasis marks", 1},
		{"open links", rep("[a](", 64<<10), "more than 500 square brackets", 1},
		{"nested brackets", strings.Repeat("[", 32<<10) + strings.Repeat("]", 32<<10), "more than 500 square brackets", 1},
		{"wide table", wide.String(), "more than 100,000 cells", 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.src)
			le, ok := AsLimit(err)
			if !ok {
				t.Fatalf("Check = %v, want a *LimitError", err)
			}
			if !strings.Contains(le.Msg, tt.want) || le.Line != tt.line {
				t.Errorf("Check = line %d %q, want line %d %q", le.Line, le.Msg, tt.line, tt.want)
			}
			if _, err := Render(tt.src); err != le && err.Error() != le.Error() {
				t.Errorf("Render = %v, want the same refusal", err)
			}
		})
	}
}

// TestCheckAllows makes sure what people write passes: real nesting,
// code of any depth, rules, long lists and big tables.
func TestCheckAllows(t *testing.T) {
	var items, table, headings strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&items, "- item *%d* with a [link](https://example.com/%d) and snake_case_name\n", i, i)
		fmt.Fprintf(&headings, "## Part *%d*\n\nText with _emphasis_ and [a link][ref].\n\n", i)
	}
	table.WriteString("| a | b | c | d | e | f | g | h | i | j |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for i := range 5000 {
		fmt.Fprintf(&table, "| %d | *x* | y | z | 1 | 2 | 3 | 4 | 5 | 6 |\n", i)
	}
	var nested strings.Builder
	for i := range MaxNesting {
		fmt.Fprintf(&nested, "%s- level %d\n", strings.Repeat("  ", i), i+1)
	}
	deepCode := "```\n" + strings.Repeat(">", 100) + "\n" + strings.Repeat(" ", 200) + "- x\n" + strings.Repeat("*_", 1000) + "\n```\n"
	tests := map[string]string{
		"quotes 16 deep":       strings.Repeat("> ", MaxNesting) + "deep",
		"lists 16 deep":        nested.String(),
		"quote in list":        "- a\n  > quoted\n  > - b\n  >   - c\n- d\n",
		"fenced code":          "Intro\n\n" + deepCode + "\nAfter.",
		"fence in a quote":     "> ```\n> " + strings.Repeat("> ", 40) + "\n> ```\n",
		"indented code":        "Intro:\n\n    " + strings.Repeat("> ", 40) + "\n    " + strings.Repeat("*a_", 600) + "\n\nAfter.",
		"long rule":            strings.Repeat("- ", 40) + "\n\n" + strings.Repeat("* ", 40),
		"many list items":      items.String(),
		"many headings":        headings.String() + "[ref]: https://example.com",
		"big table":            table.String(),
		"many small quotes":    strings.Repeat("> a *b* [c](d)\n>\n", 600),
		"escaped marks":        strings.Repeat(`\*\_\[`, 2000),
		"lazy quote paragraph": "> a\ncontinued *lazily*\n> still quoted\n",
		"empty":                "",
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			if err := Check(src); err != nil {
				t.Errorf("Check = %v", err)
			}
		})
	}
}

// TestRendererBoundsNesting renders past Check: the parsers themselves
// open at most MaxNesting quotes and lists, deeper markers stay text.
func TestRendererBoundsNesting(t *testing.T) {
	for name, src := range map[string]string{
		"quotes":       strings.Repeat(">", 4000),
		"lists":        strings.Repeat("1. ", 4000),
		"mixed":        strings.Repeat("> - ", 2000),
		"indented":     deepIndentedList(100),
		"comment list": strings.Repeat("* ", 4000),
	} {
		t.Run(name, func(t *testing.T) {
			for which, md := range map[string]func([]byte, *bytes.Buffer) error{
				"post":    func(b []byte, w *bytes.Buffer) error { return markdown.Convert(b, w) },
				"comment": func(b []byte, w *bytes.Buffer) error { return commentMarkdown.Convert(b, w) },
			} {
				var buf bytes.Buffer
				if err := md([]byte(src), &buf); err != nil {
					t.Fatal(err)
				}
				if d := containerDepth(t, buf.String()); d > MaxNesting {
					t.Errorf("%s: quotes and lists nested %d deep, want at most %d", which, d, MaxNesting)
				}
			}
		})
	}
}

func deepIndentedList(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s- level %d\n", strings.Repeat("  ", i), i+1)
	}
	return b.String()
}

// containerDepth is the deepest nesting of blockquote, ul and ol elements
// in s (counting ul/ol, not li).
func containerDepth(t *testing.T, s string) int {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(s))
	depth, deepest := 0, 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return deepest
		case html.StartTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Blockquote, atom.Ul, atom.Ol:
				depth++
				deepest = max(deepest, depth)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Blockquote, atom.Ul, atom.Ol:
				depth--
			}
		}
	}
}

// TestRenderCommentOverLimit shows a comment that breaks a limit as its
// escaped text, with nothing parsed.
func TestRenderCommentOverLimit(t *testing.T) {
	src := strings.Repeat(">", 100) + " <b>hi</b>\n\n*x* " + strings.Repeat("[", 600)
	got := RenderComment(src)
	want := "<p>" + strings.Repeat("&gt;", 100) + " &lt;b&gt;hi&lt;/b&gt;</p>\n<p>*x* " + strings.Repeat("[", 600) + "</p>"
	if got != want {
		t.Errorf("RenderComment = %.200q…, want %.200q…", got, want)
	}
	checkSafeComment(t, got)
}

// TestHeadingIDsManyDuplicates: many headings with one text get the
// numbered IDs they always had, each number tried once.
func TestHeadingIDsManyDuplicates(t *testing.T) {
	h := newHeadingIDs()
	h.Put([]byte("intro-2"))
	var got []string
	for range 5 {
		got = append(got, string(h.Generate([]byte("Intro"), 0)))
	}
	if want := "intro intro-1 intro-3 intro-4 intro-5"; strings.Join(got, " ") != want {
		t.Errorf("IDs = %q, want %q", strings.Join(got, " "), want)
	}
	for range 20000 {
		h.Generate([]byte("Intro"), 0)
	}
	if n := h.next["intro"]; n != 20006 {
		t.Errorf("next number for intro = %d, want 20006: every number is tried once", n)
	}
}
