package wxr

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// conformanceDir is where the WordPress importer's own test files are:
// $QUIRE_WXR_FIXTURES, or ../shared/fixtures/wxr beside the repository.
func conformanceDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("QUIRE_WXR_FIXTURES")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "fixtures", "wxr")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		t.Skipf("wxr conformance: SKIPPED, WordPress importer's files not found at %s (set QUIRE_WXR_FIXTURES to their folder to run them)", dir)
	}
	return dir
}

// TestConformance reads the WordPress importer's own test files and checks
// what WordPress's importer tests and the folder's README expect of each.
func TestConformance(t *testing.T) {
	dir := conformanceDir(t)
	file := func(name string) string { return filepath.Join(dir, name) }

	t.Run("small-export", func(t *testing.T) {
		x := mustRead(t, file("small-export.xml"))
		if x.Channel.Version != "1.1" {
			t.Errorf("version %q, want 1.1", x.Channel.Version)
		}
		want := []Author{
			{ID: 1, Login: "admin", Email: "local@host.null"},
			{Login: "editor", Email: "editor@example.org", FirstName: "FirstName", LastName: "LastName"},
			{Login: "author", Email: "author@example.org"},
		}
		if len(x.Authors) != len(want) {
			t.Fatalf("%d authors, want %d", len(x.Authors), len(want))
		}
		for i, w := range want {
			a := x.Authors[i]
			if a.Login != w.Login || a.Email != w.Email || a.FirstName != w.FirstName || a.LastName != w.LastName {
				t.Errorf("author %d = %+v, want %+v", i, *a, w)
			}
		}
		if n := len(x.terms(Category)); n != 30 {
			t.Errorf("%d categories, want 30", n)
		}
		if n := len(x.terms(PostTag)); n != 3 {
			t.Errorf("%d tags, want 3", n)
		}
		if foo := x.term(Category, "foo"); foo == nil || foo.Parent != "" || foo.Description != "The top-level foo category" {
			t.Errorf("category foo = %+v, want top level", foo)
		}
		if fb := x.term(Category, "foo-bar"); fb == nil || fb.Parent != "bar" || fb.Name != "Foo" {
			t.Errorf("category foo-bar = %+v, want child of bar", fb)
		}
		count := map[string]int{}
		comments := 0
		for _, it := range x.Items {
			count[it.Type+"/"+it.Status]++
			comments += len(it.Comments)
		}
		for k, n := range map[string]int{"post/publish": 5, "post/private": 1, "page/publish": 4, "page/draft": 1} {
			if count[k] != n {
				t.Errorf("%d items %s, want %d (all: %v)", count[k], k, n, count)
			}
		}
		if comments != 1 {
			t.Errorf("%d comments, want 1", comments)
		}
		many := x.item("Many Categories")
		if many == nil {
			t.Fatal("no item Many Categories")
		}
		cats := 0
		for _, tm := range many.Terms {
			if tm.Taxonomy == Category {
				cats++
			}
		}
		if cats != 27 || many.Name != "many-categories" || many.Creator != "admin" {
			t.Errorf("Many Categories: %d categories, slug %q, creator %q; want 27, many-categories, admin", cats, many.Name, many.Creator)
		}
		child, parent := x.item("Child Page"), x.item("Parent Page")
		if child == nil || parent == nil || child.Parent != parent.ID || parent.ID == 0 {
			t.Errorf("Child Page's parent is not Parent Page")
		}
		if p := x.item("Private Post"); p == nil || len(p.Terms) != 4 {
			t.Errorf("Private Post terms: want 1 category and 3 tags")
		} else {
			var tags []string
			for _, tm := range p.Terms {
				if tm.Taxonomy == PostTag {
					tags = append(tags, tm.Slug)
				}
			}
			if !slices.Equal(tags, []string{"tag1", "tag2", "tag3"}) {
				t.Errorf("Private Post tags %v", tags)
			}
		}
		if d := x.item("Draft Page"); d == nil || d.Name != "" || d.Status != "draft" {
			t.Errorf("Draft Page: %+v", d)
		}
		if p := x.item("1-col page"); p == nil || !slices.Contains(p.Meta, Meta{"_wp_page_template", "onecolumn-page.php"}) {
			t.Errorf("1-col page: page template meta missing")
		}
	})

	t.Run("valid-wxr-1.0", func(t *testing.T) {
		x := mustRead(t, file("valid-wxr-1.0.xml"))
		if x.Channel.BaseSiteURL != "http://localhost/" || x.Channel.Version != "1.0" {
			t.Errorf("channel %+v", x.Channel)
		}
		if len(x.Items) != 6 || len(x.Authors) != 0 {
			t.Fatalf("%d items and %d authors, want 6 and 0", len(x.Items), len(x.Authors))
		}
		cats := x.terms(Category)
		if c := cats[0]; c.Slug != "alpha" || c.Name != "alpha" || c.Parent != "" || c.Description != "The alpha category" {
			t.Errorf("first category %+v", *c)
		}
		if tg := x.terms(PostTag)[0]; tg.Slug != "chicken" || tg.Name != "chicken" {
			t.Errorf("first tag %+v", *tg)
		}
		// WXR 1.0 wrote each term twice, once without a nicename for RSS
		// readers; WordPress reads only the ones with, and "tag" is post_tag.
		if got := x.Items[0].Terms; !slices.Equal(got, []ItemTerm{{Category, "uncategorized", "Uncategorized"}}) {
			t.Errorf("item 0 terms %+v", got)
		}
		want := []ItemTerm{{Category, "alpha", "alpha"}, {PostTag, "news", "news"}, {PostTag, "roar", "roar"}}
		if got := x.Items[2].Terms; !slices.Equal(got, want) {
			t.Errorf("item 2 terms %+v, want %+v", got, want)
		}
		want = []ItemTerm{{PostTag, "chicken", "chicken"}, {Category, "child", "child"}, {PostTag, "face", "face"}}
		if got := x.Items[3].Terms; !slices.Equal(got, want) {
			t.Errorf("item 3 terms %+v, want %+v", got, want)
		}
		if got := x.Items[1].Meta; !slices.Equal(got, []Meta{{"_wp_page_template", "default"}}) {
			t.Errorf("item 1 meta %+v", got)
		}
	})

	t.Run("valid-wxr-1.1", func(t *testing.T) {
		x := mustRead(t, file("valid-wxr-1.1.xml"))
		if x.Channel.BaseSiteURL != "http://localhost/" {
			t.Errorf("base url %q", x.Channel.BaseSiteURL)
		}
		if len(x.Authors) != 1 || *x.Authors[0] != (Author{ID: 2, Login: "john", Email: "johndoe@example.org", DisplayName: "John Doe", FirstName: "John", LastName: "Doe"}) {
			t.Errorf("authors %+v", x.Authors)
		}
		if c := x.terms(Category)[0]; !termIs(c, Term{ID: 3, Taxonomy: Category, Slug: "alpha", Name: "alpha", Description: "The alpha category"}) {
			t.Errorf("first category %+v", *c)
		}
		if c := x.terms(PostTag)[0]; !termIs(c, Term{ID: 22, Taxonomy: PostTag, Slug: "clippable", Name: "Clippable", Description: "The Clippable post_tag"}) {
			t.Errorf("first tag %+v", *c)
		}
		if c := x.terms("post_tax")[0]; !termIs(c, Term{ID: 40, Taxonomy: "post_tax", Slug: "bieup", Name: "bieup", Description: "The bieup post_tax"}) {
			t.Errorf("first post_tax term %+v", *c)
		}
		if len(x.Items) != 2 {
			t.Fatalf("%d items, want 2", len(x.Items))
		}
		want := []ItemTerm{{Category, "alpha", "alpha"}, {PostTag, "clippable", "Clippable"}, {"post_tax", "bieup", "bieup"}}
		if got := x.Items[0].Terms; !slices.Equal(got, want) {
			t.Errorf("item 0 terms %+v, want %+v", got, want)
		}
		if got := x.Items[1].Meta; !slices.Equal(got, []Meta{{"_wp_page_template", "default"}}) {
			t.Errorf("item 1 meta %+v", got)
		}
	})

	t.Run("a11y-unit-test-data", func(t *testing.T) {
		x := mustRead(t, file("a11y-unit-test-data.xml"))
		if x.Channel.Version != "1.2" || len(x.Items) != 154 {
			t.Fatalf("version %q, %d items; want 1.2, 154", x.Channel.Version, len(x.Items))
		}
		// WordPress.com wrote its author as wp:wp_author; WordPress reads it.
		if len(x.Authors) != 1 || x.Authors[0].Login != "a11yteam" || x.Authors[0].DisplayName != "Accessibility Tester" {
			t.Errorf("authors %+v", x.Authors)
		}
		types := map[string]int{}
		var comments []Comment
		for _, it := range x.Items {
			types[it.Type]++
			comments = append(comments, it.Comments...)
		}
		for typ, n := range map[string]int{"post": 47, "page": 17, "attachment": 39, "nav_menu_item": 50, "": 1} {
			if types[typ] != n {
				t.Errorf("%d items of type %q, want %d (all: %v)", types[typ], typ, n, types)
			}
		}
		if len(comments) != 29 {
			t.Fatalf("%d comments, want 29", len(comments))
		}
		pingbacks, replies := 0, 0
		parent := map[int64]int64{}
		for _, c := range comments {
			if c.Type == TypePingback {
				pingbacks++
			}
			if c.Parent != 0 {
				replies++
			}
			parent[c.ID] = c.Parent
		}
		if pingbacks != 4 || replies != 9 {
			t.Errorf("%d pingbacks and %d replies, want 4 and 9", pingbacks, replies)
		}
		// One comment has no comment_parent, comment_type or
		// comment_approved element: it reads as a top-level comment whose
		// approval the importer decides.
		bare := 0
		for _, c := range comments {
			if c.Approved == "" {
				bare++
				if c.Parent != 0 || c.Kind() != TypeComment {
					t.Errorf("the bare comment reads as %+v", c)
				}
			}
		}
		if bare != 1 {
			t.Errorf("%d comments without approval, want 1", bare)
		}
		deepest := 0
		for id := range parent {
			d := 0
			for p := parent[id]; p != 0; p = parent[p] {
				d++
			}
			deepest = max(deepest, d)
		}
		if deepest != 9 {
			t.Errorf("the deepest reply is %d levels down, want a 9-deep chain", deepest)
		}
	})

	t.Run("wxr-utf-8-challenges", func(t *testing.T) {
		x := mustRead(t, file("wxr-utf-8-challenges.xml"))
		if len(x.Items) != 1 || len(x.Authors) != 1 {
			t.Fatalf("%d items, %d authors; want 1, 1", len(x.Items), len(x.Authors))
		}
		it := x.Items[0]
		eq := func(what, got, want string) {
			t.Helper()
			if got != want {
				t.Errorf("%s = %q, want %q", what, got, want)
			}
		}
		eq("title", it.Title, "\"The Road \u202eNot\u202c Taken\" by Rob\u202dert \u202eFrost \u202a🌲\u202c")
		eq("slug", it.Name, "hello-w\u202eorld\u202c-utf8-💫-test")
		eq("guid", it.GUID, "https://playground.internal/path/🚀/\u202etsop\u202c/?p=1&test=💫\u200c\u200b\u200d\u200e")
		for _, s := range []string{"T̷̢̯̭̈w̴̰̜̾o̷͉̅ ̵̨͔̔r̶̞̈o̷̰͇̍ä̴́ͅd̶̰̒s̵̞̈́", "𝓣𝓮𝓼𝓽 𝓜𝓾𝓵𝓽𝓲-𝓑𝔂𝓽𝓮: 🚀🌟💫⭐️🔥💯🎉🎊🌈🦄", "السلام عليكم وﷲ"} {
			if !strings.Contains(it.Content, s) {
				t.Errorf("content lacks %q", s)
			}
		}
		eq("excerpt", it.Excerpt, "T̷̢̯̭̈h̶̰̾i̵̱̇s̶̰̍ ̵̰̔i̶̱̇s̶̰̍ ̵̰̔a̶̰̅n̶̰̍ ̵̰̔e̶̞̔x̶̰̍c̶̰̒e̶̞̔r̶̰̈p̶̰̒t̶̰̒ ̵̰̔w̶̰̾i̵̱̇t̶̰̒h̶̰̾ ̵̰̔e̶̞̔m̶̰̈o̶̰̍j̶̰̈i̵̱̇ 🚀🌟 ̵̰̔a̶̰̅n̶̰̍d̶̬̽ ̵̰̔R̶̰̈T̶̰̒L̶̰̈ \u202eخدسنگ\u202c ̵̰̔t̶̰̒e̶̞̔x̶̰̍t̶̰̒\u200c\u200b\u200d\u200e")
		meta := map[string]string{}
		for _, m := range it.Meta {
			meta[m.Key] = m.Value
		}
		if len(it.Meta) != 5 {
			t.Errorf("%d meta, want 5", len(it.Meta))
		}
		eq("meta _pingme", meta["_pingme\u200c\u200b\u200d\u200e"], "1\u200b\u200d\u200c\u200e")
		eq("meta _utf8_test", meta["_utf8_test"], "🚀 Test with 𝔻𝕠𝕦𝕓𝕝𝕖 𝔖𝔱𝔯𝔲𝔠𝔨: ℍ𝔢𝔩𝔩𝔬 \u202eolleH\u202c 𝖂𝖔𝖗𝖫𝖉! ")
		eq("meta _zalgo_test", meta["_zalgo_test"], "T̵̢̯̭̈h̶̰̾i̵̱̇s̶̰̍ ̵̰̔i̶̱̇s̶̰̍ ̵̰̔z̶̰̒a̶̰̅l̶̰̈g̶̰̈o̶̰̍ ̵̰̔t̶̰̒e̶̞̔x̶̰̍t̶̰̒")
		// Inside CDATA a reference is text, kept as written.
		eq("meta _special_chars", meta["_special_chars"], "&#x202E;&#x202D;&#x200B;&#x200C;&#x200D;&#x2060;&#xFEFF;&#xFFFD;")
		if len(it.Terms) != 1 {
			t.Fatalf("%d terms, want 1", len(it.Terms))
		}
		eq("term taxonomy", it.Terms[0].Taxonomy, Category)
		eq("term slug", it.Terms[0].Slug, "uncat\u202eegorized\u202c")
		eq("term name", it.Terms[0].Name, "U\u0337\u0322\u032f\u032d\u0308n̶̰̍c̶̰̒a̶̰̅t̶̰̒e̶̞̔g̶̰̈o̶̰̍r̶̰̈i̵̱̇z̶̰̒e̶̞̔d̶̬̽ 🎭")
		a := x.Authors[0]
		eq("author login", a.Login, "admin\u200c\u200b\u200d\u200e")
		eq("author email", a.Email, "ădmĩn@ℓocalhost.com")
		eq("author display name", a.DisplayName, "A̸̰̅d̴̰͝m̵͎̽i̵̱̋n̷̰̎ \u200b\u200d\u200c\u200e")
		eq("author first name", a.FirstName, "🅰️")
		eq("author last name", a.LastName, "&#x1F1FA;&#x1F1F8;𝕌𝕟𝕚𝕔𝕠𝕕𝕖")
	})

	crazyValues := func(t *testing.T, x *export) {
		t.Helper()
		if len(x.Items) != 1 {
			t.Fatalf("%d items, want 1", len(x.Items))
		}
		it := x.Items[0]
		if want := "Content with nested <![CDATA[ tags ]]> :)"; it.Content != want {
			t.Errorf("content %q, want %q", it.Content, want)
		}
		want := []Meta{
			{"Plain string", "Foo"},
			{"Closing CDATA", "]]>"},
			{"Alot of CDATA", "This has <![CDATA[ opening and ]]> closing <![CDATA[ tags like this: ]]>"},
		}
		if !slices.Equal(it.Meta, want) {
			t.Errorf("meta %q, want %q", it.Meta, want)
		}
	}
	t.Run("crazy-cdata", func(t *testing.T) { crazyValues(t, mustRead(t, file("crazy-cdata.xml"))) })
	t.Run("crazy-cdata-escaped", func(t *testing.T) { crazyValues(t, mustRead(t, file("crazy-cdata-escaped.xml"))) })

	t.Run("cdata-edge", func(t *testing.T) {
		x := mustRead(t, file("cdata-edge.xml"))
		if c := x.Items[0].Content; !strings.HasSuffix(c, "]] >") {
			t.Errorf("content %q does not end with \"]] >\"", c)
		}
	})
	t.Run("multiple-cdata", func(t *testing.T) {
		x := mustRead(t, file("multiple-cdata.xml"))
		if c := strings.TrimSpace(x.Items[0].Content); c != "line oneline twoline three" {
			t.Errorf("content %q", c)
		}
	})

	t.Run("namespace-edge-cases", func(t *testing.T) {
		x := mustRead(t, file("namespace-edge-cases.xml"))
		type post struct {
			title string
			id    int64
			typ   string
		}
		want := []post{
			{"Mixed Namespaces", 999, "post"}, // the last post_id in the export namespace wins
			{"No Prefix", 2, "post"},          // the default namespace bound to the export's
			{"Empty Namespace", 3, "post"},
			{"Unicode Namespace", 4, "post"},
			{"Hijacked Namespace", 0, ""}, // wp: bound elsewhere is not the export's
			{"Namespace Bomb", 6, "post"},
		}
		var got []post
		for _, it := range x.Items {
			got = append(got, post{it.Title, it.ID, it.Type})
		}
		if !slices.Equal(got, want) {
			t.Errorf("items %+v, want %+v", got, want)
		}
		var logins []string
		for _, a := range x.Authors {
			logins = append(logins, a.Login)
		}
		if !slices.Equal(logins, []string{"real_user", "version_conflict"}) {
			t.Errorf("authors %v, want real_user and version_conflict", logins)
		}
		if a := x.Authors[0]; a.ID != 2 || a.Email != "real@example.com" {
			t.Errorf("real_user %+v", *a)
		}
		if m := x.Items[0].Meta; !slices.Equal(m, []Meta{{"normal_key", "normal_value"}}) {
			t.Errorf("Mixed Namespaces meta %+v, want only normal_key", m)
		}
		if m := x.Items[4].Meta; len(m) != 0 {
			t.Errorf("Hijacked Namespace meta %+v, want none", m)
		}
		var ids []int64
		for _, tm := range x.Terms {
			ids = append(ids, tm.ID)
			if tm.Taxonomy != Category {
				t.Errorf("term %d taxonomy %q", tm.ID, tm.Taxonomy)
			}
		}
		if !slices.Equal(ids, []int64{100, 102}) {
			t.Errorf("terms %v, want 100 and 102 (101 is in another namespace)", ids)
		}
	})

	t.Run("backslashes", func(t *testing.T) {
		x := mustRead(t, file("backslashes.xml"))
		if c := x.Items[0].Content; !strings.Contains(c, `C:\xampp\htdocs`) {
			t.Errorf("content %q", c)
		}
	})
	t.Run("slashes", func(t *testing.T) {
		x := mustRead(t, file("slashes.xml"))
		if c := x.term(Category, "alpha"); c == nil || c.Name != `a \"great\" category` {
			t.Errorf("category alpha %+v", c)
		}
		if c := x.term(PostTag, "tag1"); c == nil || c.Name != `foo\'bar` {
			t.Errorf("tag tag1 %+v", c)
		}
		it := x.Items[0]
		if it.Content != `Slashes aren\'t \"cool\"` {
			t.Errorf("content %q", it.Content)
		}
		if len(it.Comments) != 1 || it.Comments[0].Content != `\o/ ¯\_(ツ)_/¯` {
			t.Errorf("comments %+v", it.Comments)
		}
	})
	t.Run("blank-lines", func(t *testing.T) {
		x := mustRead(t, file("blank-lines.xml"))
		if c := x.Items[0].Content; c != "first paragraph\n\nsecond paragraph" {
			t.Errorf("content %q", c)
		}
	})
	t.Run("post-content-blank-lines", func(t *testing.T) {
		x := mustRead(t, file("post-content-blank-lines.xml"))
		if n := strings.Count(x.Items[0].Content, "\n"); n != 3 {
			t.Errorf("content has %d line breaks, want 3: %q", n, x.Items[0].Content)
		}
	})
	t.Run("large-authors", func(t *testing.T) {
		if x := mustRead(t, file("large-authors.xml")); len(x.Authors) != 300 {
			t.Errorf("%d authors, want 300", len(x.Authors))
		}
	})
	t.Run("term-formats", func(t *testing.T) {
		x := mustRead(t, file("term-formats.xml"))
		if x.Channel.BaseSiteURL != "http://localhost/" || len(x.Authors) != 0 || len(x.Items) != 0 {
			t.Errorf("base %q, %d authors, %d items", x.Channel.BaseSiteURL, len(x.Authors), len(x.Items))
		}
		others := len(x.Terms) - len(x.terms(Category)) - len(x.terms(PostTag))
		if len(x.terms(Category)) != 2 || len(x.terms(PostTag)) != 3 || others != 2 {
			t.Errorf("%d categories, %d tags, %d other terms; want 2, 3, 2", len(x.terms(Category)), len(x.terms(PostTag)), others)
		}
		if m := x.term("nav_menu", "menu"); m == nil || m.ID != 7 || m.Name != "Menu" {
			t.Errorf("nav_menu term %+v", m)
		}
		if c := x.term("custom-taxonomy", "custom-taxonomy-item"); c == nil || c.ID != 6 {
			t.Errorf("custom term %+v", c)
		}
	})

	// Refusals: nothing is returned and the error names the line.
	refusals := []struct {
		file string
		kind error
		line int
		says []string
	}{
		// <notachanneltag> (line 27) is closed by </channel> (line 90).
		{"malformed.xml", ErrMalformed, 90, []string{"</channel>", "<notachanneltag> (line 27)"}},
		// The file stops inside <item> (line 9).
		{"malformed-simple.xml", ErrMalformed, 14, []string{"<item> (line 9)"}},
		// The first entry, an author on line 35, comes with no version.
		{"missing-version-tag.xml", ErrNotWXR, 35, []string{"wp:wxr_version"}},
		{"invalid-version-tag.xml", ErrNotWXR, 33, []string{"wp:wxr_version", `"abc"`}},
	}
	for _, tc := range refusals {
		t.Run(strings.TrimSuffix(tc.file, ".xml"), func(t *testing.T) {
			x, err := readFile(t, file(tc.file))
			wantRefusal(t, err, tc.kind, tc.line, tc.says...)
			if len(x.Authors)+len(x.Terms)+len(x.Items) != 0 {
				t.Errorf("entries returned before the refusal: %d", len(x.Authors)+len(x.Terms)+len(x.Items))
			}
		})
	}
}

func termIs(got *Term, want Term) bool {
	return got.ID == want.ID && got.Taxonomy == want.Taxonomy && got.Slug == want.Slug &&
		got.Parent == want.Parent && got.Name == want.Name && got.Description == want.Description
}
