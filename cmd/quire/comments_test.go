package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// commentsSite is a migrated site with two posts and comments in every
// status, and the store to look at it with.
func commentsSite(t *testing.T) (dir string, st *store.Store, ids map[string]int64) {
	t.Helper()
	dir = t.TempDir()
	if r := quire(t, nil, "", "migrate", "--data", dir); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	ctx := context.Background()
	st, err := store.OpenSQLite(ctx, filepath.Join(dir, "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	posts := map[string]*blog.Post{}
	for _, title := range []string{"What Business Are You In", "Second Thoughts"} {
		p := &blog.Post{Type: blog.TypePost, Status: blog.StatusPublished, Title: title, Body: "x",
			PublishedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
		if _, err := st.SavePost(ctx, p); err != nil {
			t.Fatal(err)
		}
		posts[p.Slug] = p
	}
	ids = map[string]int64{}
	base := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, c := range []struct {
		key, post string
		status    blog.CommentStatus
	}{
		{"approved", "what-business-are-you-in", blog.CommentApproved},
		{"pending", "what-business-are-you-in", blog.CommentPending},
		{"spam", "what-business-are-you-in", blog.CommentSpam},
		{"trash", "second-thoughts", blog.CommentTrash},
		{"other", "second-thoughts", blog.CommentApproved},
	} {
		cm := &blog.Comment{PostID: posts[c.post].ID, Status: c.status, AuthorName: "Reader " + c.key,
			AuthorEmail: c.key + "@example.com", AuthorURL: "https://example.org/" + c.key, AuthorIP: "192.0.2.7",
			Content: "Text of " + c.key, ContentHTML: "<p>Text of " + c.key + "</p>", CreatedAt: base.Add(time.Duration(i) * time.Hour)}
		if err := st.CreateComment(ctx, cm); err != nil {
			t.Fatal(err)
		}
		ids[c.key] = cm.ID
	}
	return dir, st, ids
}

func TestCommentsListTableAndJSON(t *testing.T) {
	dir, _, ids := commentsSite(t)
	r := quire(t, nil, "", "comments", "list", "--data", dir)
	if r.code != 0 {
		t.Fatalf("list: %+v", r)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 || strings.Join(strings.Fields(lines[0]), " ") != "ID STATUS TYPE POST AUTHOR DATE" {
		t.Fatalf("default list (pending and approved):\n%s", r.stdout)
	}
	// Newest first.
	for i, key := range []string{"other", "pending", "approved"} {
		f := strings.Fields(lines[i+1])
		if f[0] != itoa(ids[key]) || f[2] != "comment" {
			t.Errorf("row %d: %q, want comment %d (%s)", i+1, lines[i+1], ids[key], key)
		}
	}
	if !strings.Contains(lines[3], "what-business-are-you-in") || !strings.Contains(lines[3], "2024-03-01T12:00:00Z") ||
		!strings.Contains(lines[3], "Reader approved") {
		t.Errorf("row: %q", lines[3])
	}

	r = quire(t, map[string]string{"QUIRE_DATA": dir}, "", "comments", "list", "--status", "all", "--post", "second-thoughts", "--json")
	if r.code != 0 {
		t.Fatalf("list --json: %+v", r)
	}
	var raw []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.stdout)
	}
	if len(raw) != 2 {
		t.Fatalf("got %d comments on second-thoughts: %s", len(raw), r.stdout)
	}
	want := []string{"author_email", "author_ip", "author_name", "author_url", "content", "date", "id", "parent_id",
		"post_id", "post_slug", "status", "type"}
	var keys []string
	for k := range raw[0] {
		keys = append(keys, k)
	}
	if strings.Join(sortStrings(keys), ",") != strings.Join(want, ",") {
		t.Errorf("keys %v, want %v", sortStrings(keys), want)
	}
	first := raw[0]
	if first["id"] != float64(ids["other"]) || first["status"] != "approved" || first["post_slug"] != "second-thoughts" ||
		first["author_email"] != "other@example.com" || first["author_ip"] != "192.0.2.7" || first["content"] != "Text of other" ||
		first["date"] != "2024-03-01T16:00:00Z" || first["parent_id"] != float64(0) || first["type"] != "comment" {
		t.Errorf("first: %v", first)
	}
	r = quire(t, nil, "", "comments", "list", "--data", dir, "--status", "spam", "--json")
	if !strings.Contains(r.stdout, "Text of spam") || strings.Contains(r.stdout, "Text of approved") {
		t.Errorf("--status spam: %s", r.stdout)
	}
	r = quire(t, nil, "", "comments", "list", "--data", dir, "--status", "trash", "--type", "comment", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, "Text of trash") {
		t.Errorf("--status trash: %+v", r)
	}
	r = quire(t, nil, "", "comments", "list", "--data", dir, "--post", "second-thoughts", "--status", "pending", "--json")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("empty list as JSON: %+v", r)
	}
}

func TestCommentsModerateCommands(t *testing.T) {
	dir, st, ids := commentsSite(t)
	ctx := context.Background()
	status := func(id int64) blog.CommentStatus {
		t.Helper()
		c, err := st.Comment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return c.Status
	}
	before, _ := st.ContentVersion(ctx)
	r := quire(t, nil, "", "comments", "approve", "--data", dir, itoa(ids["pending"]), itoa(ids["spam"]))
	if r.code != 0 || r.stdout != "approved "+itoa(ids["pending"])+"\napproved "+itoa(ids["spam"])+"\n" {
		t.Fatalf("approve: %+v", r)
	}
	if status(ids["pending"]) != blog.CommentApproved || status(ids["spam"]) != blog.CommentApproved {
		t.Error("approve did not approve")
	}
	if after, _ := st.ContentVersion(ctx); after <= before {
		t.Error("content version not bumped: a running server would not see the change")
	}
	for _, c := range []struct {
		verb string
		want blog.CommentStatus
	}{{"unapprove", blog.CommentPending}, {"spam", blog.CommentSpam}, {"trash", blog.CommentTrash}} {
		r := quire(t, nil, "", "comments", c.verb, "--data", dir, itoa(ids["approved"]))
		if r.code != 0 || status(ids["approved"]) != c.want {
			t.Errorf("%s: %+v, status %s", c.verb, r, status(ids["approved"]))
		}
	}

	// One missing ID: the others are still done, and the exit code is 1.
	r = quire(t, nil, "", "comments", "delete", "--data", dir, itoa(ids["trash"]), "999999")
	if r.code != 1 || r.stdout != "deleted "+itoa(ids["trash"])+"\n999999: not found\n" || !strings.Contains(r.stderr, "1 of 2 failed") {
		t.Errorf("delete with a missing ID: %+v", r)
	}
	if _, err := st.Comment(ctx, ids["trash"]); err == nil {
		t.Error("deleted comment still there")
	}

	for _, args := range [][]string{
		{"comments", "list", "--data", dir, "--status", "held"},
		{"comments", "list", "--data", dir, "--post", "no-such-post"},
		{"comments", "list", "--data", dir, "--type", "like"},
		{"comments", "approve", "--data", dir, "12x"},
		{"comments", "approve", "--data", dir},
		{"comments", "frobnicate"},
		{"comments"},
	} {
		r := quire(t, nil, "", args...)
		if r.code != 2 {
			t.Errorf("%v: code %d, want 2; %+v", args, r.code, r)
		}
	}
	if r := quire(t, nil, "", "comments", "--help"); r.code != 0 || !strings.Contains(r.stdout, "quire comments list") {
		t.Errorf("--help: %+v", r)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func sortStrings(s []string) []string {
	sort.Strings(s)
	return s
}

// Linkbacks are listed with their type, filtered by it, and moderated as
// comments are.
func TestCommentsListLinkbacks(t *testing.T) {
	dir, st, ids := commentsSite(t)
	ctx := context.Background()
	p, err := st.PostBySlug(ctx, "what-business-are-you-in")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2024, 3, 2, 12, 0, 0, 0, time.UTC)
	for i, c := range []blog.Comment{
		{Type: blog.TypePingback, Status: blog.CommentPending, AuthorName: "Tweets that mention it",
			SourceURL: "https://tweets.example.com/a/", Content: "[…] x […]"},
		{Type: blog.TypeTrackback, Status: blog.CommentApproved, AuthorName: "Coach's Corner", SourceURL: "https://coach.example/t/"},
		{Type: blog.TypeWebmention, MentionKind: blog.MentionLike, Status: blog.CommentApproved, AuthorName: "Kim",
			SourceURL: "https://kim.example/l/1", SourceTitle: "Liked"},
	} {
		c.PostID, c.AuthorURL, c.CreatedAt = p.ID, c.SourceURL, base.Add(time.Duration(i)*time.Hour)
		if err := st.CreateComment(ctx, &c); err != nil {
			t.Fatal(err)
		}
		ids[string(c.Type)] = c.ID
	}
	rows := func(args ...string) [][]string {
		t.Helper()
		r := quire(t, nil, "", append([]string{"comments", "list", "--data", dir}, args...)...)
		if r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
		var out [][]string
		for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] {
			out = append(out, strings.Fields(l))
		}
		return out
	}
	all := rows()
	if len(all) != 6 || all[0][0] != itoa(ids["webmention"]) || all[0][2] != "webmention" || all[1][2] != "trackback" ||
		all[2][2] != "pingback" || all[3][2] != "comment" {
		t.Errorf("every type, newest first: %v", all)
	}
	for typ, want := range map[string][]string{
		"pings":      {itoa(ids["webmention"]), itoa(ids["trackback"]), itoa(ids["pingback"])},
		"pingback":   {itoa(ids["pingback"])},
		"Trackback":  {itoa(ids["trackback"])},
		"webmention": {itoa(ids["webmention"])},
		"comment":    {itoa(ids["other"]), itoa(ids["pending"]), itoa(ids["approved"])},
	} {
		var got []string
		for _, f := range rows("--type", typ) {
			got = append(got, f[0])
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("--type %s: %v, want %v", typ, got, want)
		}
	}
	r := quire(t, nil, "", "comments", "list", "--data", dir, "--type", "pings", "--json")
	var raw []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil || len(raw) != 3 {
		t.Fatalf("--json: %v %s", err, r.stdout)
	}
	if raw[0]["type"] != "webmention" || raw[0]["mention_kind"] != "like" || raw[0]["source_url"] != "https://kim.example/l/1" ||
		raw[0]["source_title"] != "Liked" || raw[0]["author_email"] != "" || raw[2]["type"] != "pingback" {
		t.Errorf("JSON %v", raw)
	}
	r = quire(t, nil, "", "comments", "approve", "--data", dir, itoa(ids["pingback"]))
	if r.code != 0 {
		t.Fatalf("approve a pingback: %+v", r)
	}
	if c, _ := st.Comment(ctx, ids["pingback"]); c.Status != blog.CommentApproved {
		t.Errorf("pingback %s", c.Status)
	}
}
