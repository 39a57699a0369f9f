package publish

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// now is the fixed "present" of every test.
var now = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

type enqueued struct {
	id int64
	at time.Time
}

// fakeScheduler records what would be enqueued, and fails with err when
// set. It refuses to be called outside the posts' transaction.
type fakeScheduler struct {
	calls []enqueued
	err   error
}

func (f *fakeScheduler) SchedulePublish(ctx context.Context, tx *store.Store, id int64, at time.Time) error {
	if tx.Tx() == nil {
		return errors.New("scheduled outside the transaction that stores the post")
	}
	if f.err != nil {
		return f.err
	}
	f.calls = append(f.calls, enqueued{id, at})
	return nil
}

type env struct {
	t        *testing.T
	st       *store.Store
	settings *site.Settings
	jobs     *fakeScheduler
	warnings []string
	dir      string
	author   int64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st := storetest.New(t)
	u := &blog.User{Email: "coach@example.com", Name: "Sam Coach", Role: blog.RoleOwner, PasswordHash: "x"}
	if err := st.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	s := site.Defaults()
	return &env{t: t, st: st, settings: &s, jobs: &fakeScheduler{}, dir: t.TempDir(), author: u.ID}
}

func (e *env) write(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) options() Options {
	return Options{Store: e.st, Settings: e.settings, Jobs: e.jobs, AuthorID: e.author,
		Warn: func(m string) { e.warnings = append(e.warnings, m) }, Now: func() time.Time { return now }}
}

func (e *env) publish(paths ...string) ([]Result, error) {
	return Files(context.Background(), e.options(), paths)
}

func (e *env) mustPublish(paths ...string) []Result {
	e.t.Helper()
	rs, err := e.publish(paths...)
	if err != nil {
		e.t.Fatal(err)
	}
	return rs
}

// all returns every post and page in the database, any status.
func (e *env) all() []blog.Post {
	e.t.Helper()
	ps, _, err := e.st.ListPosts(context.Background(), blog.PostFilter{Type: "any", IncludeAll: true, Limit: 100})
	if err != nil {
		e.t.Fatal(err)
	}
	return ps
}

func (e *env) post(slug string) *blog.Post {
	e.t.Helper()
	p, err := e.st.PostBySlug(context.Background(), slug)
	if err != nil {
		e.t.Fatalf("post %q: %v", slug, err)
	}
	return p
}

const article = `---
title: What Business Are You In?
slug: what-business
date: 2011-01-05 09:30
tags: [Drucker, questions]
categories:
  - Sales/Motivation
excerpt: The question that changes everything.
---
Peter Drucker asked it first.

<!--more-->

The rest of the *story*.
`

func TestPublishCreatedUpdatedUnchanged(t *testing.T) {
	e := newEnv(t)
	path := e.write("posts/business.md", article)

	rs := e.mustPublish(path)
	if len(rs) != 1 || rs[0].Action != Created || rs[0].Path != path ||
		rs[0].URL != "http://127.0.0.1:8080/2011/01/05/what-business/" {
		t.Fatalf("first run: %+v", rs)
	}
	p := e.post("what-business")
	if p.Title != "What Business Are You In?" || p.Status != blog.StatusPublished || p.Type != blog.TypePost ||
		p.Excerpt != "The question that changes everything." || p.AuthorID != e.author ||
		!p.PublishedAt.Equal(time.Date(2011, 1, 5, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("post = %+v", p)
	}
	if !strings.Contains(p.BodyHTML, "<em>story</em>") || !strings.Contains(p.BodyHTML, blog.MoreTag) {
		t.Errorf("BodyHTML = %q", p.BodyHTML)
	}
	if len(p.Tags) != 2 || len(p.Categories) != 1 || p.Categories[0].Path != "sales/motivation" {
		t.Errorf("terms: %+v %+v", p.Tags, p.Categories)
	}

	if rs := e.mustPublish(path); rs[0].Action != Unchanged {
		t.Errorf("second run: %+v", rs)
	}

	e.write("posts/business.md", strings.Replace(article, "asked it first", "asked it in 1954", 1))
	if rs := e.mustPublish(path); rs[0].Action != Updated {
		t.Errorf("after an edit: %+v", rs)
	}
	if got := e.post("what-business"); !strings.Contains(got.Body, "1954") || got.ID != p.ID {
		t.Errorf("not updated in place: %+v", got)
	}
	if n := len(e.all()); n != 1 {
		t.Errorf("%d posts, want 1", n)
	}
	if len(e.warnings) != 0 {
		t.Errorf("warnings: %v", e.warnings)
	}
}

func TestPublishIdentity(t *testing.T) {
	e := newEnv(t)
	// A Jekyll name gives the slug and the date.
	jek := e.write("_posts/2011-01-05-first-steps.md", "---\ntitle: First Steps\n---\nHello.\n")
	// Only a title: the slug comes from it, and stays put on re-publishing.
	byTitle := e.write("notes.markdown", "---\ntitle: Café Notes\n---\nText.\n")
	// A reserved word as title gets the store's suffix, found again next time.
	reserved := e.write("feed.md", "---\ntitle: Feed\n---\nAbout feeds.\n")
	rs := e.mustPublish(jek, byTitle, reserved)
	for _, r := range rs {
		if r.Action != Created {
			t.Errorf("%+v", r)
		}
	}
	p := e.post("first-steps")
	if !p.PublishedAt.Equal(time.Date(2011, 1, 5, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Jekyll date = %v", p.PublishedAt)
	}
	e.post("cafe-notes")
	e.post("feed-2")

	// Retitled, the Jekyll post is still the same post, and keeps its date.
	e.write("_posts/2011-01-05-first-steps.md", "---\ntitle: The First Steps\n---\nHello.\n")
	rs = e.mustPublish(jek, byTitle, reserved)
	if rs[0].Action != Updated || rs[1].Action != Unchanged || rs[2].Action != Unchanged {
		t.Errorf("second run: %+v", rs)
	}
	if got := e.post("first-steps"); got.ID != p.ID || got.Title != "The First Steps" {
		t.Errorf("retitled: %+v", got)
	}
	if n := len(e.all()); n != 3 {
		t.Errorf("%d posts, want 3", n)
	}

	// A post published without a date keeps the one it was given.
	undated := e.write("undated.md", "---\ntitle: Undated\n---\nx\n")
	e.mustPublish(undated)
	if got := e.post("undated"); !got.PublishedAt.Equal(now) {
		t.Errorf("undated post date = %v, want now", got.PublishedAt)
	}
	if rs := e.mustPublish(undated); rs[0].Action != Unchanged {
		t.Errorf("undated re-run: %+v", rs)
	}

	// A slug changed in the admin: the file still finds its post.
	ctx := context.Background()
	cp := e.post("cafe-notes")
	cp.Slug = "renamed"
	if _, err := e.st.SavePost(ctx, cp); err != nil {
		t.Fatal(err)
	}
	rs = e.mustPublish(byTitle)
	if rs[0].Action != Updated || e.post("cafe-notes").ID != cp.ID {
		t.Errorf("after an admin rename: %+v", rs)
	}
}

func TestPublishBadYAMLNamesFileAndLine(t *testing.T) {
	e := newEnv(t)
	good := e.write("posts/good.md", article)
	bad := e.write("posts/bad.md", "---\ntitle: Broken\ntags: [one, two\ndate: 2011-01-05\n---\nBody\n")
	_, err := e.publish(good, bad)
	if err == nil {
		t.Fatal("accepted broken YAML")
	}
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != bad {
		t.Fatalf("error = %v", err)
	}
	// The unclosed list begins on line 2 of the YAML, line 3 of the file.
	if !strings.HasPrefix(err.Error(), bad+":3: front matter is not valid YAML") {
		t.Errorf("error = %q", err)
	}
	if n := len(e.all()); n != 0 {
		t.Errorf("%d posts written despite the error", n)
	}
}

func TestYAMLErrorLines(t *testing.T) {
	tests := []struct {
		yaml string
		line int // in the file, whose line 1 is the opening ---
	}{
		{"title: x\ntags: [one, two\ndate: 2011-01-05", 3}, // unclosed list
		{"title: x\nslug: y\nc 2\nd: 3", 4},                // a key without a colon
		{"title: x\nb:\n  - x\n - y", 5},                   // bad indentation
		{"title: x\nexcerpt: \"unclosed\nc: 3", 3},         // an open quote
		{"title: x\n\tslug: y", 3},                         // a tab
		{"title: x\nslug: [a\nother: b\ndate: c\nx: {", 3}, // reported where the list opened
	}
	for _, tt := range tests {
		_, errs := parseFile("x.md", []byte("---\n"+tt.yaml+"\n---\nbody\n"), time.UTC, nil)
		var fe *FileError
		if len(errs) != 1 || !errors.As(errs[0], &fe) || fe.Line != tt.line {
			t.Errorf("%q: %v, want line %d", tt.yaml, errs, tt.line)
		}
	}
}

func TestPublishReportsEveryProblemWithLines(t *testing.T) {
	e := newEnv(t)
	a := e.write("a.md", "---\ntitle: A\ndate: yesterday\nstatus: maybe\ndraft: sometimes\n---\n")
	b := e.write("b.md", "+++\ntitle = \"TOML\"\n+++\n")
	c := e.write("c.md", "No front matter at all.\n")
	d := e.write("d.md", "---\ndate: 2011-01-05\n---\nno title\n")
	f := e.write("f.md", "---\ntitle: F\ntitle: again\nparent: about\ntype: article\n---\n")
	g := e.write("g.md", "---\ntitle: G\n")
	_, err := e.publish(a, b, c, d, f, g)
	if err == nil {
		t.Fatal("accepted bad files")
	}
	for _, want := range []string{
		a + `:3: cannot read the date "yesterday"`,
		a + `:4: status must be publish, draft, scheduled or private, not "maybe"`,
		a + ":5: draft must be true or false",
		b + ":1: TOML front matter",
		c + ":1: no front matter",
		d + ":1: the front matter has no title",
		f + `:3: "title" is given twice (first on line 2)`,
		f + ":5: type must be post or page",
		f + ":4: only pages have a parent",
		g + ":1: the front matter is not closed",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestPublishWarnsAboutUnknownKeys(t *testing.T) {
	e := newEnv(t)
	p := e.write("hugo.md", "---\ntitle: Hugo Post\nlayout: post\nauthor: Someone\naliases: [/old/]\nlastmod: 2012-01-01\n---\nBody\n")
	e.mustPublish(p)
	want := []string{
		p + `:3: unknown front matter key "layout" ignored`,
		p + `:4: unknown front matter key "author" ignored`,
		p + `:5: unknown front matter key "aliases" ignored`,
		p + `:6: unknown front matter key "lastmod" ignored`,
	}
	if strings.Join(e.warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(e.warnings, "\n"), strings.Join(want, "\n"))
	}
	if got := e.post("hugo-post"); got.AuthorID != e.author {
		t.Errorf("author key was not ignored: %d", got.AuthorID)
	}
}

func TestPublishFolderAllOrNothing(t *testing.T) {
	e := newEnv(t)
	e.write("site/one.md", "---\ntitle: One\n---\n1\n")
	e.write("site/deep/er/two.markdown", "---\ntitle: Two\n---\n2\n")
	e.write("site/readme.txt", "not markdown")
	e.write("site/.git/x.md", "---\n: broken\n")
	e.write("site/three.md", "---\ntitle: Three\ndate: 2011-02-30\n---\n3\n")
	folder := filepath.Join(e.dir, "site")

	_, err := e.publish(folder)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(folder, "three.md")+":3:") {
		t.Fatalf("error = %v", err)
	}
	if n := len(e.all()); n != 0 {
		t.Fatalf("%d posts written from a folder with a bad file", n)
	}

	e.write("site/three.md", "---\ntitle: Three\ndate: 2011-02-28\n---\n3\n")
	rs := e.mustPublish(folder)
	if len(rs) != 3 {
		t.Fatalf("results: %+v", rs)
	}
	for _, r := range rs {
		if r.Action != Created {
			t.Errorf("%+v", r)
		}
	}
	if n := len(e.all()); n != 3 {
		t.Errorf("%d posts, want 3", n)
	}

	// Two files claiming one slug are refused together.
	e.write("site/copy.md", "---\ntitle: Copy\nslug: one\n---\n")
	if _, err := e.publish(folder); err == nil || !strings.Contains(err.Error(), "same post as") {
		t.Errorf("duplicate slug: %v", err)
	}

	if _, err := e.publish(filepath.Join(e.dir, "missing")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing path: %v", err)
	}
	empty := filepath.Join(e.dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := e.publish(empty); err == nil {
		t.Error("an empty folder published nothing without saying so")
	}
}

func TestPublishPageWithParent(t *testing.T) {
	e := newEnv(t)
	// The child sorts first; its parent is still written before it.
	e.write("pages/a-services.md", "---\ntitle: Services\ntype: page\nparent: about\n---\nWhat I offer.\n")
	e.write("pages/z-about.md", "---\ntitle: About\ntype: page\n---\nWho I am.\n")
	rs := e.mustPublish(filepath.Join(e.dir, "pages"))
	urls := map[string]string{}
	for _, r := range rs {
		urls[filepath.Base(r.Path)] = r.URL
	}
	if urls["a-services.md"] != "http://127.0.0.1:8080/about/services/" || urls["z-about.md"] != "http://127.0.0.1:8080/about/" {
		t.Errorf("urls: %v", urls)
	}
	about, services := e.post("about"), e.post("services")
	if services.ParentID != about.ID || services.Type != blog.TypePage {
		t.Errorf("services = %+v", services)
	}

	// A parent already in the database is found too.
	e.write("more/pricing.md", "---\ntitle: Pricing\ntype: page\nparent: services\n---\n")
	if rs := e.mustPublish(filepath.Join(e.dir, "more")); rs[0].URL != "http://127.0.0.1:8080/about/services/pricing/" {
		t.Errorf("pricing: %+v", rs)
	}

	// A missing parent is refused, naming the line.
	lost := e.write("lost.md", "---\ntitle: Lost\ntype: page\nparent: nowhere\n---\n")
	if _, err := e.publish(lost); err == nil || !strings.Contains(err.Error(), lost+`:4: there is no page with the slug "nowhere"`) {
		t.Errorf("missing parent: %v", err)
	}
	// Pages that are each other's parents are refused.
	e.write("loop/x.md", "---\ntitle: X\ntype: page\nparent: y\n---\n")
	e.write("loop/y.md", "---\ntitle: Y\ntype: page\nparent: x\n---\n")
	if _, err := e.publish(filepath.Join(e.dir, "loop")); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("loop: %v", err)
	}
}

func TestPublishFutureDateIsScheduled(t *testing.T) {
	e := newEnv(t)
	path := e.write("later.md", "---\ntitle: Later\ndate: 2030-06-01T08:00:00+02:00\n---\nSoon.\n")
	rs := e.mustPublish(path)
	p := e.post("later")
	want := time.Date(2030, 6, 1, 6, 0, 0, 0, time.UTC)
	if p.Status != blog.StatusScheduled || !p.PublishedAt.Equal(want) {
		t.Errorf("post: status %s at %v", p.Status, p.PublishedAt)
	}
	if len(e.jobs.calls) != 1 || e.jobs.calls[0].id != p.ID || !e.jobs.calls[0].at.Equal(want) {
		t.Errorf("scheduler calls: %+v", e.jobs.calls)
	}
	if rs[0].Action != Created || rs[0].URL != "http://127.0.0.1:8080/2030/06/01/later/" {
		t.Errorf("result: %+v", rs)
	}
	// Nothing changed: no second job.
	e.mustPublish(path)
	if len(e.jobs.calls) != 1 {
		t.Errorf("scheduled again without a change: %+v", e.jobs.calls)
	}
	// "status: scheduled" with a past date is simply published.
	past := e.write("past.md", "---\ntitle: Past\nstatus: scheduled\ndate: 2020-01-01\n---\n")
	e.mustPublish(past)
	if p := e.post("past"); p.Status != blog.StatusPublished {
		t.Errorf("past scheduled post: %s", p.Status)
	}
	// Without a queue the post is still stored as scheduled.
	o := e.options()
	o.Jobs = nil
	nojobs := e.write("nojobs.md", "---\ntitle: No Jobs\ndate: 2031-01-01\n---\n")
	if _, err := Files(context.Background(), o, []string{nojobs}); err != nil {
		t.Fatal(err)
	}
	if p := e.post("no-jobs"); p.Status != blog.StatusScheduled {
		t.Errorf("no queue: %s", p.Status)
	}
}

// TestPublishJobWrittenWithItsPost: when the publishing job cannot be
// written, the scheduled post is not stored either, nor any other file of
// the run.
func TestPublishJobWrittenWithItsPost(t *testing.T) {
	e := newEnv(t)
	now := e.write("now.md", "---\ntitle: Right Now\ndate: 2020-01-01\n---\n")
	later := e.write("later.md", "---\ntitle: Later On\ndate: 2030-06-01\n---\n")
	e.jobs.err = errors.New("the queue's table is locked")
	if _, err := Files(context.Background(), e.options(), []string{now, later}); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("error = %v", err)
	}
	for _, slug := range []string{"right-now", "later-on"} {
		if _, err := e.st.PostBySlug(context.Background(), slug); !errors.Is(err, blog.ErrNotFound) {
			t.Errorf("%s stored without its job: %v", slug, err)
		}
	}
	e.jobs.err = nil
	e.mustPublish(now, later)
	if len(e.jobs.calls) != 1 || e.jobs.calls[0].id != e.post("later-on").ID {
		t.Errorf("scheduler calls: %+v", e.jobs.calls)
	}
}

func TestPublishStatuses(t *testing.T) {
	e := newEnv(t)
	files := map[string]string{
		"draft-key":   "---\ntitle: Draft Key\ndraft: true\n---\n",
		"unpublished": "---\ntitle: Unpublished\npublished: false\n---\n",
		"draft-beats": "---\ntitle: Draft Beats\nstatus: publish\ndraft: yes\n---\n",
		"private":     "---\ntitle: Private\nstatus: private\n---\n",
		"published":   "---\ntitle: Published\nstatus: published\ndraft: false\n---\n",
		"locked":      "---\ntitle: Locked\npassword: s3cret\n---\n",
	}
	var paths []string
	for name, content := range files {
		paths = append(paths, e.write(name+".md", content))
	}
	e.mustPublish(paths...)
	for slug, want := range map[string]blog.Status{
		"draft-key": blog.StatusDraft, "unpublished": blog.StatusDraft, "draft-beats": blog.StatusDraft,
		"private": blog.StatusPrivate, "published": blog.StatusPublished, "locked": blog.StatusPublished,
	} {
		if got := e.post(slug).Status; got != want {
			t.Errorf("%s: status %s, want %s", slug, got, want)
		}
	}
	if e.post("locked").Password != "s3cret" {
		t.Error("password not kept")
	}
	// A scheduled status needs a date.
	bad := e.write("nodate.md", "---\ntitle: No Date\nstatus: scheduled\n---\n")
	if _, err := e.publish(bad); err == nil || !strings.Contains(err.Error(), bad+":3: a scheduled post needs a date") {
		t.Errorf("scheduled without date: %v", err)
	}
}

func TestPublishDatesInSiteTimeZone(t *testing.T) {
	e := newEnv(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	e.settings.Loc, e.settings.TimeZone = ny, "America/New_York"
	p := e.write("late.md", "---\ntitle: Late Night\ndate: 2011-01-05 23:30\n---\n")
	rs := e.mustPublish(p)
	got := e.post("late-night").PublishedAt
	if want := time.Date(2011, 1, 5, 23, 30, 0, 0, ny); !got.Equal(want) {
		t.Errorf("date = %v, want %v", got, want)
	}
	if rs[0].URL != "http://127.0.0.1:8080/2011/01/05/late-night/" {
		t.Errorf("url = %s", rs[0].URL)
	}
	for in, want := range map[string]time.Time{
		"2011-01-05":                time.Date(2011, 1, 5, 0, 0, 0, 0, ny),
		"2011-01-05 08:15:30":       time.Date(2011, 1, 5, 8, 15, 30, 0, ny),
		"2011-01-05T08:15:30Z":      time.Date(2011, 1, 5, 8, 15, 30, 0, time.UTC),
		"2011-01-05 08:15:30 +0100": time.Date(2011, 1, 5, 7, 15, 30, 0, time.UTC),
	} {
		if got, ok := parseDate(in, ny); !ok || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
}

func TestPublishTermsForms(t *testing.T) {
	e := newEnv(t)
	p := e.write("terms.md", "---\ntitle: Terms\ntags: sales, coaching, Sales\ncategory: Advice/Closing\n---\n")
	e.mustPublish(p)
	got := e.post("terms")
	if len(got.Tags) != 2 || len(got.Categories) != 1 || got.Categories[0].Path != "advice/closing" {
		t.Errorf("tags %+v categories %+v", got.Tags, got.Categories)
	}
	bad := e.write("badterms.md", "---\ntitle: Bad\ntags:\n  nested: map\ncategories: [\"!!!\"]\n---\n")
	_, err := e.publish(bad)
	if err == nil || !strings.Contains(err.Error(), bad+":3: tags must be a list") ||
		!strings.Contains(err.Error(), bad+`:5: "!!!" is not a usable name`) {
		t.Errorf("bad terms: %v", err)
	}
}

func pngFile(t *testing.T, w, h int, c color.Color) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPublishFeaturedImage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	imgPath := filepath.Join(e.dir, "posts", "images", "Cover Photo.png")
	if err := os.MkdirAll(filepath.Dir(imgPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(imgPath, pngFile(t, 1000, 500, color.NRGBA{R: 200, A: 255}), 0o644); err != nil {
		t.Fatal(err)
	}
	post := e.write("posts/pic.md", "---\ntitle: With Picture\nimage: images/Cover Photo.png\n---\nLook.\n")
	e.mustPublish(post)
	p := e.post("with-picture")
	if p.Featured == nil || p.Featured.Filename != "cover-photo.png" || p.Featured.Width != 1000 ||
		p.Featured.AuthorID != e.author || len(p.Featured.Widths) != 2 {
		t.Fatalf("featured = %+v", p.Featured)
	}
	if f, err := e.st.MediaFile(ctx, p.FeaturedID, 480); err != nil || f.Width != 480 || f.Height != 240 {
		t.Errorf("copy: %v %+v", err, f)
	}

	// The same image again: no new media, nothing changed.
	if rs := e.mustPublish(post); rs[0].Action != Unchanged {
		t.Errorf("re-run: %+v", rs)
	}
	if ms, _ := e.st.ListMedia(ctx, 10, 0); len(ms) != 1 {
		t.Errorf("%d media after re-run, want 1", len(ms))
	}

	// A different image replaces it.
	if err := os.WriteFile(imgPath, pngFile(t, 600, 600, color.NRGBA{B: 200, A: 255}), 0o644); err != nil {
		t.Fatal(err)
	}
	if rs := e.mustPublish(post); rs[0].Action != Updated {
		t.Errorf("new image: %+v", rs)
	}
	if got := e.post("with-picture"); got.FeaturedID == p.FeaturedID || got.Featured.Width != 600 {
		t.Errorf("featured after change = %+v", got.Featured)
	}

	// A missing image or one that is not an image is refused before writing.
	e.write("posts/bad.svg", `<svg xmlns="http://www.w3.org/2000/svg"/>`)
	missing := e.write("posts/missing.md", "---\ntitle: Missing\nimage: nope.jpg\n---\n")
	svg := e.write("posts/svg.md", "---\ntitle: SVG\n\nimage: bad.svg\n---\n")
	_, err := e.publish(missing, svg)
	if err == nil || !strings.Contains(err.Error(), missing+":3: image") || !strings.Contains(err.Error(), "no such file") ||
		!strings.Contains(err.Error(), svg+":4: image") || !strings.Contains(err.Error(), "not an image Quire can use") {
		t.Errorf("bad images: %v", err)
	}
	if _, err := e.st.PostBySlug(ctx, "missing"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a post was written: %v", err)
	}
}
