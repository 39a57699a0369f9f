package wpimport_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
	"github.com/quirehq/quire/internal/wpimport"
	"github.com/quirehq/quire/internal/wxr"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func importBytes(t *testing.T, st *store.Store, b []byte, o wpimport.Options) *wpimport.Summary {
	t.Helper()
	o.Store = st
	sum, err := wpimport.Import(context.Background(), o, bytes.NewReader(b))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return sum
}

func counts(s *wpimport.Summary) map[string]string {
	out := map[string]string{}
	for k, c := range s.Counts {
		out[k] = c.String()
	}
	return out
}

func TestImportSite(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	sum := importBytes(t, st, readFixture(t, "site.xml"), wpimport.Options{})

	want := map[string]string{
		"authors": "2 added", "categories": "3 added", "tags": "2 added", "posts": "4 added, 1 skipped",
		"pages": "2 added", "comments": "5 added", "pingbacks": "1 added", "trackbacks": "1 added",
		"attachments": "1 added",
	}
	for k, v := range want {
		if got := counts(sum)[k]; got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	var reasons []string
	for _, s := range sum.Skipped {
		reasons = append(reasons, s.Kind+": "+s.Reason)
	}
	for _, r := range []string{"post: in the trash", "comment: an editor's note, not published",
		"nav_menu_item: Quire has no nav_menu_item items"} {
		if !strings.Contains(strings.Join(reasons, "\n"), r) {
			t.Errorf("skipped %q not reported in %q", r, reasons)
		}
	}

	// Settings of a new site come from the export.
	set, err := st.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if set["title"] != "The Weekly Tip" || set["language"] != "en-US" || set["permalink"] != blog.PermalinkMonth ||
		set["timezone"] != "Etc/GMT+5" {
		t.Errorf("settings = %v", set)
	}

	p, err := st.PostBySlug(ctx, "what-business-are-you-in")
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != blog.StatusPublished || !p.Sticky || p.Format != blog.FormatWordPress ||
		!p.PublishedAt.Equal(time.Date(2011, 1, 10, 14, 0, 0, 0, time.UTC)) ||
		p.Excerpt != "The question that changes your pitch." || p.Author == nil || p.Author.Login != "coach" {
		t.Errorf("post = %+v", p)
	}
	if !strings.HasPrefix(p.Body, "Most people answer with their product.\n\nYour buyer doesn't care. <!--more-->") {
		t.Errorf("body not kept as WordPress stored it: %q", p.Body)
	}
	if !strings.Contains(p.BodyHTML, "<p>Your buyer doesn&#8217;t care.") && !strings.Contains(p.BodyHTML, "Your buyer doesn’t care.") {
		t.Errorf("body not rendered as WordPress shows it: %q", p.BodyHTML)
	}
	if !strings.Contains(p.BodyHTML, blog.MoreTag) {
		t.Errorf("no more break in %q", p.BodyHTML)
	}
	if len(p.Categories) != 1 || p.Categories[0].Path != "sales/prospecting/cold-calling" || len(p.Tags) != 2 {
		t.Errorf("terms: %+v %+v", p.Categories, p.Tags)
	}
	old, err := st.PostByOldSlug(ctx, "what-business")
	if err != nil || old.ID != p.ID {
		t.Errorf("_wp_old_slug: %v %v", old, err)
	}

	cs, err := st.PostComments(ctx, p.ID, blog.CommentApproved, blog.CommentPending, blog.CommentSpam, blog.CommentTrash)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]blog.Comment{}
	byID := map[int64]blog.Comment{}
	for _, c := range cs {
		byName[c.AuthorName+"/"+string(c.Status)] = c
		byID[c.ID] = c
	}
	if len(cs) != 7 {
		t.Fatalf("%d comments, want 7: %+v", len(cs), cs)
	}
	pat := byName["Pat Reader/approved"]
	if pat.AuthorEmail != "pat@example.net" || pat.AuthorIP != "203.0.113.9" ||
		pat.AuthorURL != "https://pat.example.net/?ref=blog&utm=1" ||
		!pat.CreatedAt.Equal(time.Date(2011, 1, 10, 15, 0, 0, 0, time.UTC)) ||
		!strings.Contains(pat.ContentHTML, "&#8220;trust&#8221;") && !strings.Contains(pat.ContentHTML, "“trust”") {
		t.Errorf("comment = %+v", pat)
	}
	var types, statuses []string
	for _, c := range cs {
		types = append(types, string(c.Type))
		statuses = append(statuses, string(c.Status))
		if c.ParentID != 0 && byID[c.ParentID].ID == 0 {
			t.Errorf("comment %d's parent %d is not on the post", c.ID, c.ParentID)
		}
	}
	for _, w := range []string{"pingback", "trackback"} {
		if !strings.Contains(strings.Join(types, " "), w) {
			t.Errorf("no %s among %v", w, types)
		}
	}
	for _, w := range []string{"approved", "pending", "spam", "trash"} {
		if !strings.Contains(strings.Join(statuses, " "), w) {
			t.Errorf("no %s comment among %v", w, statuses)
		}
	}
	reply := byName["Dana Coach/approved"]
	if byID[reply.ParentID].AuthorName != "Pat Reader" {
		t.Errorf("reply's parent = %+v", byID[reply.ParentID])
	}

	prot, err := st.PostBySlug(ctx, "members-only")
	if err != nil || prot.Password != " open sesame " || !prot.PingsClosed {
		t.Errorf("protected post = %+v, %v", prot, err)
	}
	sched, err := st.PostBySlug(ctx, "the-follow-up")
	if err != nil || sched.Status != blog.StatusScheduled {
		t.Errorf("scheduled post = %+v, %v", sched, err)
	}
	child, err := st.PageByPath(ctx, []string{"about", "speaking"})
	if err != nil || child.Type != blog.TypePage {
		t.Errorf("child page: %+v, %v", child, err)
	}
	drafts, _, err := st.ListPosts(ctx, blog.PostFilter{Statuses: []blog.Status{blog.StatusDraft}})
	if err != nil || len(drafts) != 1 || !drafts[0].CommentsClosed {
		t.Errorf("drafts = %+v, %v", drafts, err)
	}
}

func TestImportAgainAddsNothingTwice(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	b := readFixture(t, "site.xml")
	importBytes(t, st, b, wpimport.Options{})
	before := tableCounts(t, st)

	sum := importBytes(t, st, b, wpimport.Options{})
	for k, c := range sum.Counts {
		if c.Added != 0 || c.Updated != 0 {
			t.Errorf("second import: %s %s", k, c)
		}
	}
	if after := tableCounts(t, st); after != before {
		t.Errorf("rows after a second import %v, before %v", after, before)
	}

	// A changed title and a changed comment are updated, nothing added.
	changed := bytes.Replace(b, []byte("<![CDATA[Members only]]>"), []byte("<![CDATA[Members only (renamed)]]>"), 1)
	changed = bytes.Replace(changed, []byte("<![CDATA[Exactly, Pat.]]>"), []byte("<![CDATA[Exactly right, Pat.]]>"), 1)
	sum = importBytes(t, st, changed, wpimport.Options{})
	if c := sum.Counts[wpimport.KindPost]; c.Updated != 1 || c.Added != 0 {
		t.Errorf("posts: %s", c)
	}
	if c := sum.Counts[wpimport.KindComment]; c.Updated != 1 || c.Added != 0 {
		t.Errorf("comments: %s", c)
	}
	p, err := st.PostBySlug(ctx, "members-only")
	if err != nil || p.Title != "Members only (renamed)" {
		t.Errorf("renamed post: %+v %v", p, err)
	}
	if after := tableCounts(t, st); after != before {
		t.Errorf("rows after an update %v, before %v", after, before)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	st := storetest.New(t)
	before := tableCounts(t, st)
	sum := importBytes(t, st, readFixture(t, "site.xml"), wpimport.Options{DryRun: true})
	if !sum.DryRun || sum.Counts[wpimport.KindPost].Added != 4 {
		t.Errorf("dry run summary: %+v", sum.Counts[wpimport.KindPost])
	}
	if after := tableCounts(t, st); after != before {
		t.Errorf("a dry run wrote: %v, before %v", after, before)
	}
	var out strings.Builder
	if err := sum.Write(&out); err != nil || !strings.Contains(out.String(), "Nothing was written") {
		t.Errorf("summary: %q %v", out.String(), err)
	}
}

func TestBadInputImportsNothing(t *testing.T) {
	good := readFixture(t, "site.xml")
	cases := []struct {
		name, file string
		kind       error
		line       int
	}{
		{"not wxr", `<?xml version="1.0"?>
<rss version="2.0"><channel><title>A feed</title>
<item><title>x</title></item></channel></rss>`, wxr.ErrNotWXR, 3},
		{"bad version", strings.Replace(string(good), "<wp:wxr_version>1.2</wp:wxr_version>", "<wp:wxr_version>one</wp:wxr_version>", 1), wxr.ErrNotWXR, 17},
		// Broken at the very end: the whole file is read before anything is written.
		{"malformed at the end", strings.Replace(string(good), "</channel>", "</chanel>", 1), wxr.ErrMalformed, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := storetest.New(t)
			before := tableCounts(t, st)
			_, err := wpimport.Import(context.Background(), wpimport.Options{Store: st}, strings.NewReader(c.file))
			var we *wxr.Error
			if !errors.As(err, &we) || !errors.Is(err, c.kind) || (c.line != 0 && we.Line != c.line) {
				t.Fatalf("err = %v, want %v at line %d", err, c.kind, c.line)
			}
			if !strings.Contains(err.Error(), "line ") {
				t.Errorf("the error does not name the line: %v", err)
			}
			if after := tableCounts(t, st); after != before {
				t.Errorf("wrote %v, before %v", after, before)
			}
		})
	}
}

func TestTakenSlugGetsSuffixAndRedirect(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	mine := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: "Mine", Slug: "members-only",
		Body: "x", BodyHTML: "<p>x</p>", PublishedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, err := st.SavePost(ctx, mine); err != nil {
		t.Fatal(err)
	}
	sum := importBytes(t, st, readFixture(t, "site.xml"), wpimport.Options{})
	p, err := st.PostBySlug(ctx, "members-only-2")
	if err != nil || p.Title != "Members only" {
		t.Fatalf("imported post: %+v %v", p, err)
	}
	old, err := st.PostByOldSlug(ctx, "/2012/03/members-only/")
	if err != nil || old.ID != p.ID {
		t.Errorf("old path: %+v %v", old, err)
	}
	if !strings.Contains(strings.Join(sum.Notes, "\n"), "the slug members-only was taken; it is members-only-2 now") {
		t.Errorf("notes: %q", sum.Notes)
	}
	// The site had a post: its settings are its own.
	set, _ := st.Settings(ctx)
	if _, ok := set["permalink"]; ok {
		t.Errorf("settings changed on a site with posts: %v", set)
	}
}

func TestMapAuthor(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	owner := &blog.User{Email: "owner@example.com", Name: "Owner", Role: blog.RoleOwner, PasswordHash: "x"}
	if err := st.CreateUser(ctx, owner); err != nil {
		t.Fatal(err)
	}
	_, err := wpimport.Import(ctx, wpimport.Options{Store: st, MapAuthors: map[string]string{"coach": "nobody@example.com"}},
		bytes.NewReader(readFixture(t, "site.xml")))
	var me *wpimport.MapError
	if !errors.As(err, &me) {
		t.Fatalf("unknown mapped address: %v", err)
	}
	importBytes(t, st, readFixture(t, "site.xml"), wpimport.Options{MapAuthors: map[string]string{"coach": "owner@example.com"}})
	p, err := st.PostBySlug(ctx, "what-business-are-you-in")
	if err != nil || p.AuthorID != owner.ID {
		t.Errorf("mapped author: %+v %v", p, err)
	}
	guest, err := st.UserByLogin(ctx, "guest")
	if err != nil || guest.PasswordHash != "" || guest.Role != blog.RoleAuthor {
		t.Errorf("guest = %+v %v", guest, err)
	}
}

// tableCounts counts the rows an import writes.
func tableCounts(t *testing.T, st *store.Store) [7]int {
	t.Helper()
	var out [7]int
	for i, tbl := range []string{"posts", "comments", "terms", "post_terms", "users", "wp_ids", "post_old_slugs"} {
		if err := st.DB().QueryRow("SELECT count(*) FROM " + tbl).Scan(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
