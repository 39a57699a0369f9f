package wpimport_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
	"github.com/quirehq/quire/internal/wpimport"
	"github.com/quirehq/quire/internal/wxr"
)

// fixtures is the WordPress importer's own test data, with a README of
// what WordPress gives for each file.
const fixtures = "../../../shared/fixtures/wxr"

// TestConformance imports each of the WordPress importer's test files and
// checks what its README says WordPress gives.
func TestConformance(t *testing.T) {
	if _, err := os.Stat(filepath.Join(fixtures, "README.md")); err != nil {
		t.Skipf("skipping the WXR conformance test: %s is absent (the WordPress importer's test files)", fixtures)
	}
	type want struct {
		counts map[string]string // kind → Count.String()
		check  func(t *testing.T, st *store.Store, sum *wpimport.Summary)
		refuse error // the kind of refusal, for a file that must be refused
	}
	ctx := context.Background()
	post := func(t *testing.T, st *store.Store, slug string) *blog.Post {
		t.Helper()
		ps, _, err := st.ListPosts(ctx, blog.PostFilter{Type: "any", IncludeAll: true, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for i := range ps {
			if ps[i].Slug == slug || slug == "" {
				return &ps[i]
			}
		}
		t.Fatalf("no post %q", slug)
		return nil
	}
	bodyIs := func(want string) func(t *testing.T, st *store.Store, sum *wpimport.Summary) {
		return func(t *testing.T, st *store.Store, _ *wpimport.Summary) {
			if p := post(t, st, ""); p.Body != want {
				t.Errorf("content %q, want %q", p.Body, want)
			}
		}
	}
	cases := map[string]want{
		"small-export.xml": {counts: map[string]string{"authors": "3 added", "categories": "30 added", "tags": "3 added",
			"posts": "6 added", "pages": "5 added", "comments": "1 added"},
			check: func(t *testing.T, st *store.Store, _ *wpimport.Summary) {
				ed, err := st.UserByEmail(ctx, "editor@example.org")
				if err != nil || ed.Login != "editor" || ed.Name != "FirstName LastName" && ed.Name != "editor" {
					t.Errorf("editor: %+v %v", ed, err)
				}
				if _, err := st.UserByEmail(ctx, "local@host.null"); err != nil {
					t.Errorf("admin author: %v", err)
				}
				// foo-bar's parent is bar (the file's hierarchy).
				foobar, err := st.TermByPath(ctx, blog.Category, "bar/foo-bar")
				if err != nil || foobar.Path != "bar/foo-bar" || foobar.Name != "Foo" {
					t.Errorf("bar → foo-bar: %+v %v", foobar, err)
				}
				many := post(t, st, "many-categories")
				if full, _ := st.Post(ctx, many.ID); len(full.Categories) != 27 {
					t.Errorf("Many Categories has %d categories, want 27", len(full.Categories))
				}
				private, _, _ := st.ListPosts(ctx, blog.PostFilter{Statuses: []blog.Status{blog.StatusPrivate}})
				drafts, _, _ := st.ListPosts(ctx, blog.PostFilter{Type: blog.TypePage, Statuses: []blog.Status{blog.StatusDraft}})
				if len(private) != 1 || len(drafts) != 1 {
					t.Errorf("%d private posts, %d draft pages; want 1 and 1", len(private), len(drafts))
				}
			}},
		"valid-wxr-1.0.xml": {counts: map[string]string{"authors": "none", "posts": "3 added", "pages": "3 added"}},
		"valid-wxr-1.1.xml": {counts: map[string]string{"posts": "1 added", "pages": "1 added"}},
		"a11y-unit-test-data.xml": {counts: map[string]string{"posts": "47 added", "pages": "17 added",
			"attachments": "39 added", "comments": "22 added", "pingbacks": "4 added"},
			check: func(t *testing.T, st *store.Store, sum *wpimport.Summary) {
				menus, untyped := 0, 0
				for _, s := range sum.Skipped {
					switch s.Kind {
					case "nav_menu_item":
						menus++
					case "item":
						untyped++
					}
				}
				if menus != 50 || untyped != 1 {
					t.Errorf("skipped %d menu items and %d untyped items, want 50 and 1", menus, untyped)
				}
				// The 9-deep chain of replies keeps its threading.
				var deepest int
				cs, _, err := st.ListComments(ctx, store.CommentFilter{Limit: 1000})
				if err != nil {
					t.Fatal(err)
				}
				parent := map[int64]int64{}
				for _, c := range cs {
					parent[c.ID] = c.ParentID
				}
				for id := range parent {
					d := 0
					for p := parent[id]; p != 0 && d < 50; p = parent[p] {
						d++
					}
					deepest = max(deepest, d)
				}
				if deepest < 8 {
					t.Errorf("the deepest reply is %d below its thread's start, want the 9-deep chain", deepest)
				}
			}},
		"wxr-utf-8-challenges.xml": {counts: map[string]string{"posts": "1 added"},
			check: func(t *testing.T, st *store.Store, _ *wpimport.Summary) {
				p := post(t, st, "")
				if p.Title != "\"The Road \u202eNot\u202c Taken\" by Rob\u202dert \u202eFrost \u202a🌲\u202c" {
					t.Errorf("title not byte for byte: %q", p.Title)
				}
				if !strings.Contains(p.GUID, "🚀/\u202etsop\u202c/?p=1&test=💫") {
					t.Errorf("guid not byte for byte: %q", p.GUID)
				}
			}},
		"crazy-cdata.xml":         {counts: map[string]string{"posts": "1 added"}, check: bodyIs("Content with nested <![CDATA[ tags ]]> :)")},
		"crazy-cdata-escaped.xml": {counts: map[string]string{"posts": "1 added"}, check: bodyIs("Content with nested <![CDATA[ tags ]]> :)")},
		"cdata-edge.xml": {counts: map[string]string{"posts": "1 added"}, check: func(t *testing.T, st *store.Store, _ *wpimport.Summary) {
			if p := post(t, st, ""); !strings.HasSuffix(p.Body, "]] >") {
				t.Errorf("content %q does not end with ]] >", p.Body)
			}
		}},
		// The sections are one value, as WordPress's parsers read it.
		"multiple-cdata.xml":       {counts: map[string]string{"posts": "1 added"}, check: bodyIs("\nline oneline twoline three\n")},
		"namespace-edge-cases.xml": {counts: map[string]string{"authors": "2 added", "posts": "5 added"}},
		"backslashes.xml":          {counts: map[string]string{"posts": "1 added"}, check: bodyIs(`C:\xampp\htdocs\wp-content`)},
		"slashes.xml": {counts: map[string]string{"posts": "1 added", "comments": "1 added"}, check: func(t *testing.T, st *store.Store, _ *wpimport.Summary) {
			if p := post(t, st, ""); !strings.Contains(p.Body, `\`) {
				t.Errorf("backslashes lost: %q", p.Body)
			}
		}},
		"blank-lines.xml": {counts: map[string]string{"posts": "1 added"}, check: func(t *testing.T, st *store.Store, _ *wpimport.Summary) {
			if p := post(t, st, ""); !strings.Contains(p.Body, "\n\n") {
				t.Errorf("blank lines lost: %q", p.Body)
			}
		}},
		"post-content-blank-lines.xml": {counts: map[string]string{"posts": "1 added"}, check: func(t *testing.T, st *store.Store, _ *wpimport.Summary) {
			if p := post(t, st, ""); !strings.Contains(p.Body, "\n\n") {
				t.Errorf("blank lines lost: %q", p.Body)
			}
		}},
		"large-authors.xml":       {counts: map[string]string{"authors": "300 added"}},
		"term-formats.xml":        {counts: map[string]string{"categories": "2 added", "tags": "3 added", "posts": "none"}},
		"malformed.xml":           {refuse: wxr.ErrMalformed},
		"malformed-simple.xml":    {refuse: wxr.ErrMalformed},
		"missing-version-tag.xml": {refuse: wxr.ErrNotWXR},
		"invalid-version-tag.xml": {refuse: wxr.ErrNotWXR},
	}
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.xml"))
	for _, f := range files {
		name := filepath.Base(f)
		w, ok := cases[name]
		if !ok {
			t.Errorf("%s: a fixture this test does not know", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			st := storetest.New(t)
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			sum, err := wpimport.Import(ctx, wpimport.Options{Store: st}, fh)
			if w.refuse != nil {
				var we *wxr.Error
				if !errors.As(err, &we) || !errors.Is(err, w.refuse) || we.Line == 0 {
					t.Fatalf("err = %v, want a refusal (%v) naming its line", err, w.refuse)
				}
				if n := tableCounts(t, st); n != [7]int{} {
					t.Errorf("a refused file wrote %v", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range w.counts {
				if got := sum.Counts[k].String(); got != v {
					t.Errorf("%s: %s, want %s", k, got, v)
				}
			}
			if w.check != nil {
				w.check(t, st, sum)
			}
		})
	}
}
