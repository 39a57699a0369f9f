package wpimport_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
	"github.com/quirehq/quire/internal/wpimport"
)

// export writes st as WXR.
func export(t *testing.T, st *store.Store) []byte {
	t.Helper()
	set, _, err := site.New(st, site.Overrides{BaseURL: "https://quire.example"}).Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := wpimport.Export(context.Background(), st, set, &buf, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// snapshot describes a site's posts, terms, comments and redirects in
// terms that do not depend on its IDs.
func snapshot(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	for _, tax := range []blog.Taxonomy{blog.Category, blog.Tag} {
		ts, err := st.Terms(ctx, tax)
		if err != nil {
			t.Fatal(err)
		}
		for _, term := range ts {
			fmt.Fprintf(&b, "term %s %s %q %q path=%s\n", term.Taxonomy, term.Slug, term.Name, term.Description, term.Path)
		}
	}
	ps, _, err := st.ListPosts(ctx, blog.PostFilter{Type: "any", Limit: 1000, Statuses: []blog.Status{blog.StatusPublished,
		blog.StatusDraft, blog.StatusPending, blog.StatusPrivate, blog.StatusScheduled}})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(ps, func(a, b blog.Post) int { return strings.Compare(a.Slug, b.Slug) })
	for _, p := range ps {
		full, err := st.Post(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var parents, cats, tags []string
		for _, a := range full.Parents {
			parents = append(parents, a.Slug)
		}
		for _, c := range full.Categories {
			cats = append(cats, c.Path)
		}
		for _, c := range full.Tags {
			tags = append(tags, c.Slug)
		}
		login := ""
		if full.Author != nil {
			login = full.Author.Login + " " + full.Author.Email
		}
		fmt.Fprintf(&b, "%s %s %s %q by %s at %s parents=%v cats=%v tags=%v sticky=%v pw=%q closed=%v/%v excerpt=%q\n",
			full.Type, full.Status, full.Slug, full.Title, login, full.PublishedAt.UTC().Format(time.RFC3339), parents,
			cats, tags, full.Sticky, full.Password, full.CommentsClosed, full.PingsClosed, full.Excerpt)
		fmt.Fprintf(&b, "  %s body=%q\n  html=%q\n", full.Format, full.Body, full.BodyHTML)
		olds, err := st.OldAddresses(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "  redirects=%v\n", olds)
		cs, err := st.PostComments(ctx, p.ID, blog.CommentApproved, blog.CommentPending, blog.CommentSpam, blog.CommentTrash)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int64]blog.Comment{}
		for _, c := range cs {
			byID[c.ID] = c
		}
		for _, c := range cs {
			parent := ""
			if c.ParentID != 0 {
				parent = byID[c.ParentID].AuthorName + "@" + byID[c.ParentID].CreatedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(&b, "  %s %s %q <%s> %s %s at %s reply-to=%q source=%q: %q\n", c.Type, c.Status, c.AuthorName,
				c.AuthorEmail, c.AuthorURL, c.AuthorIP, c.CreatedAt.UTC().Format(time.RFC3339), parent, c.SourceURL, c.Content)
		}
	}
	return b.String()
}

// Importing Quire's export into a new Quire gives the same site: posts,
// terms, comments and redirects; Markdown posts come back as Markdown.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	a := storetest.New(t)
	importBytes(t, a, readFixture(t, "site.xml"), wpimport.Options{})
	md := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: `A "Markdown" post`, Slug: "markdown",
		Body: "Some *words*.\n\n<!--more-->\n\nMore `code`.", PublishedAt: time.Date(2024, 2, 3, 4, 5, 6, 0, time.UTC)}
	md.Format = blog.FormatMarkdown
	if err := markupPrepare(md); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SavePost(ctx, md); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, a)

	file := export(t, a)
	b := storetest.New(t)
	sum := importBytes(t, b, file, wpimport.Options{})
	if len(sum.Skipped) != 0 {
		t.Errorf("skipped on re-import: %+v", sum.Skipped)
	}
	if got := snapshot(t, b); got != want {
		t.Errorf("the re-imported site differs.\n got:\n%s\nwant:\n%s", got, want)
	}
	// And once more: the export of the copy imports as the same site.
	c := storetest.New(t)
	importBytes(t, c, export(t, b), wpimport.Options{})
	if got := snapshot(t, c); got != want {
		t.Errorf("the second round trip differs.\n got:\n%s\nwant:\n%s", got, want)
	}
	if !bytes.Contains(file, []byte("<wp:meta_key><![CDATA[_quire_markdown]]></wp:meta_key>")) {
		t.Error("no _quire_markdown postmeta in the export")
	}
}
