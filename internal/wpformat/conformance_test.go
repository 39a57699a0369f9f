package wpformat

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fixturesDir holds the WordPress importer's conformance files, beside the
// repository; the project does not need it to build or pass.
const fixturesDir = "../../../shared/fixtures/wxr"

// wxrItem is what the conformance test reads of an export's item.
type wxrItem struct {
	title   string
	id      int64
	content string
}

// readWXRItems reads the items of a WXR file: title, post ID and content.
func readWXRItems(r io.Reader) ([]wxrItem, error) {
	d := xml.NewDecoder(r)
	var items []wxrItem
	var cur *wxrItem
	var field string
	var text strings.Builder
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return items, nil
		}
		if err != nil {
			return items, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "item":
				cur = &wxrItem{}
			case cur != nil && (t.Name.Local == "title" || t.Name.Local == "post_id" ||
				t.Name.Local == "encoded" && strings.Contains(t.Name.Space, "content")):
				field = t.Name.Local
				text.Reset()
			}
		case xml.CharData:
			if field != "" {
				text.Write(t)
			}
		case xml.EndElement:
			switch {
			case t.Name.Local == "item" && cur != nil:
				items = append(items, *cur)
				cur = nil
			case cur != nil && t.Name.Local == field:
				switch field {
				case "title":
					cur.title = text.String()
				case "post_id":
					cur.id, _ = strconv.ParseInt(strings.TrimSpace(text.String()), 10, 64)
				case "encoded":
					cur.content = text.String()
				}
				field = ""
			}
		}
	}
}

// TestConformanceFixtures renders every post of the WordPress importer's
// conformance files (WordPress's theme unit test data among them) and
// checks what WordPress shows for some of them.
func TestConformanceFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixturesDir, "*.xml"))
	if len(files) == 0 {
		t.Skip("conformance: no WordPress fixtures in " + fixturesDir + " (shared/fixtures/wxr beside the repository); skipped")
	}
	placeholders := []string{"<!-- wpnl -->", "WPPreserveNewline", "wp-pre-tag-", "<!--oq-->", "<!--osq-->",
		"<!--apos-->", "wp-prime-or-quote", "wp-line-break"}
	byTitle := map[string]Rendered{}
	rendered := 0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		items, err := readWXRItems(fh)
		fh.Close()
		if err != nil {
			// The malformed files are the importer's business.
			t.Logf("%s: read %d items, then: %v", filepath.Base(f), len(items), err)
		}
		for _, it := range items {
			start := time.Now()
			r := Render(it.content, Options{PostID: it.id, Media: fuzzMedia()})
			if d := time.Since(start); d > time.Second {
				t.Errorf("%s: %q took %v", filepath.Base(f), it.title, d)
			}
			for _, p := range placeholders {
				if strings.Contains(r.HTML, p) && !strings.Contains(it.content, p) {
					t.Errorf("%s: %q: placeholder %q left in the output", filepath.Base(f), it.title, p)
				}
			}
			if strings.TrimSpace(it.content) != "" && strings.TrimSpace(r.HTML) == "" && !HasBlocks(it.content) {
				t.Errorf("%s: %q: content rendered to nothing", filepath.Base(f), it.title)
			}
			byTitle[it.title] = r
			rendered++
		}
	}
	t.Logf("conformance: rendered %d posts from %d files", rendered, len(files))

	if _, err := os.Stat(filepath.Join(fixturesDir, "a11y-unit-test-data.xml")); err == nil {
		for _, title := range []string{"Template: More Tag", "Template: Paginated"} {
			if _, ok := byTitle[title]; !ok {
				t.Errorf("theme unit test data: no post %q", title)
			}
		}
	}
	if r, ok := byTitle["Template: More Tag"]; ok {
		teaser := "<p>This content is before the <a href=\"http://en.support.wordpress.com/splitting-content/more-tag/\">more tag</a>.</p>\n" +
			"<p>Right after this sentence should be a &#8220;continue reading&#8221; button of some sort.</p>\n"
		if !r.HasMore || r.Teaser != teaser || !strings.Contains(r.HTML, "<p><span id=\"more-996\"></span></p>\n<p>And this content is after the more tag.</p>") {
			t.Errorf("Template: More Tag: %+v", r)
		}
	}
	if r, ok := byTitle["Template: Paginated"]; ok {
		if want := "<p>Post Page 1</p>\n\n<p>Post Page 2</p>\n\n<p>Post Page 3</p>\n"; r.HTML != want || r.Teaser != "<p>Post Page 1</p>\n" {
			t.Errorf("Template: Paginated: got %q, teaser %q", r.HTML, r.Teaser)
		}
	}
}
