package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// newsletterSite is a migrated site and the store to look at it with.
func newsletterSite(t *testing.T) (string, *store.Store) {
	t.Helper()
	dir := t.TempDir()
	if r := quire(t, nil, "", "migrate", "--data", dir); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	st, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return dir, st
}

// mailJobs counts the mail jobs written for the running site to send.
func mailJobs(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRowContext(context.Background(), "SELECT count(*) FROM river_job WHERE kind = ?", jobs.KindMail).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSubscribersCommands(t *testing.T) {
	dir, st := newsletterSite(t)
	ctx := context.Background()
	r := quire(t, nil, "", "subscribers", "add", "Ann@Example.com", "--name", "Ann", "--confirmed", "--data", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "added ann@example.com (active)") || mailJobs(t, st) != 0 {
		t.Fatalf("add --confirmed: %+v, %d mail jobs", r, mailJobs(t, st))
	}
	r = quire(t, nil, "", "subscribers", "add", "bob@example.com", "--data", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "pending") || mailJobs(t, st) != 1 {
		t.Errorf("add to confirm: %+v, %d mail jobs", r, mailJobs(t, st))
	}
	if r = quire(t, nil, "", "subscribers", "add", "bob@example.com", "--data", dir); r.code != 1 || !strings.Contains(r.stderr, "on the list already (pending)") {
		t.Errorf("add again: %+v", r)
	}
	if r = quire(t, nil, "", "subscribers", "add", "not-an-address", "--data", dir); r.code != 2 || !strings.Contains(r.stderr, "valid email address") {
		t.Errorf("add a bad address: %+v", r)
	}

	// Import: all or nothing, bad rows by line.
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("email,name,status\ncy@example.com,Cy,active\nnope,,\ndee@example.com,,sleeping\n"), 0o644)
	r = quire(t, nil, "", "subscribers", "import", bad, "--data", dir)
	if r.code != 1 || !strings.Contains(r.stderr, "bad.csv:3: email:") || !strings.Contains(r.stderr, `bad.csv:4: status "sleeping"`) ||
		!strings.Contains(r.stderr, "nothing was imported: 2 bad rows") {
		t.Errorf("bad import: %+v", r)
	}
	if _, err := st.SubscriberByEmail(ctx, "cy@example.com"); err == nil {
		t.Error("a refused import wrote a row")
	}
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("email,name,status,consent_date\ncy@example.com,Cy,active,2024-01-02\ndee@example.com,Dee,,\nann@example.com,,,\n"), 0o644)
	r = quire(t, nil, "", "subscribers", "import", good, "--data", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "imported 2 new subscribers (1 to confirm by email") || !strings.Contains(r.stdout, "1 already on the list") {
		t.Errorf("import: %+v", r)
	}
	if r = quire(t, nil, "", "subscribers", "import", filepath.Join(dir, "missing.csv"), "--data", dir); r.code != 1 || !strings.Contains(r.stderr, "no such file") {
		t.Errorf("missing file: %+v", r)
	}

	// List, filtered, as a table and as JSON.
	r = quire(t, nil, "", "subscribers", "list", "--data", dir)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != 0 || len(lines) != 5 || strings.Join(strings.Fields(lines[0]), " ") != "ID EMAIL STATUS NAME SIGNED UP SOURCE" {
		t.Errorf("list:\n%s", r.stdout)
	}
	r = quire(t, nil, "", "subscribers", "list", "--status", "active", "--json", "--data", dir)
	var got []subscriberJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || len(got) != 2 || got[0].Email != "ann@example.com" ||
		got[1].ConsentAt != "2024-01-02T00:00:00Z" {
		t.Errorf("list --json: %v %+v", err, got)
	}
	if r = quire(t, nil, "", "subscribers", "list", "--status", "royal", "--data", dir); r.code != 2 {
		t.Errorf("bad status: %+v", r)
	}

	// Export: CSV an import takes back.
	r = quire(t, nil, "", "subscribers", "export", "--data", dir)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if r.code != 0 || err != nil || len(rows) != 5 || strings.Join(rows[0][:4], ",") != "email,name,status,consent_date" {
		t.Errorf("export: %+v %v", r, err)
	}

	// Remove: each address said; an unknown one fails the command.
	r = quire(t, nil, "", "subscribers", "remove", "dee@example.com", "zed@example.com", "--data", dir)
	if r.code != 1 || !strings.Contains(r.stdout, "removed dee@example.com") || !strings.Contains(r.stdout, "zed@example.com: not on the list") {
		t.Errorf("remove: %+v", r)
	}
	if _, err := st.SubscriberByEmail(ctx, "dee@example.com"); err == nil {
		t.Error("dee is still there")
	}
}

func TestNewsletterSendAndList(t *testing.T) {
	dir, st := newsletterSite(t)
	ctx := context.Background()
	quire(t, nil, "", "subscribers", "add", "ann@example.com", "--confirmed", "--data", dir)
	tip := filepath.Join(dir, "tip.md")
	os.WriteFile(tip, []byte("---\ntitle: Ask one question\npreheader: This week\nauthor: me\n---\n\nAsk **one** question.\n"), 0o644)

	// A test from a file: the issue is kept as a draft, one mail job.
	r := quire(t, nil, "", "newsletter", "send", tip, "--test", "me@example.com", "--data", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "issue 1: a test is on its way to me@example.com") ||
		!strings.Contains(r.stderr, `warning: `+tip+`: line 4: front matter key "author" ignored`) || mailJobs(t, st) != 1 {
		t.Fatalf("send --test: %+v", r)
	}
	is, err := st.Issue(ctx, 1)
	if err != nil || is.Subject != "Ask one question" || is.Preheader != "This week" || is.Status != blog.IssueDraft {
		t.Fatalf("the test's issue: %+v, %v", is, err)
	}

	// Sending for real goes through the same Sender as the admin. Without
	// an engine wired in, nothing is written and the command fails.
	ins, err := jobs.NewInserter(st)
	if err != nil {
		t.Fatal(err)
	}
	wired := issueSender(st, site.New(st, site.Overrides{}), ins) != nil
	r = quire(t, nil, "", "newsletter", "send", tip, "--data", dir)
	if !wired {
		if r.code != 1 || !strings.Contains(r.stderr, "sending issues is not available") {
			t.Errorf("send without an engine: %+v", r)
		}
		if _, total, _ := st.Issues(ctx, store.IssueFilter{}); total != 1 {
			t.Errorf("a refused send wrote an issue: %d", total)
		}
	} else {
		if r.code != 0 || !strings.Contains(r.stdout, "issue 2: sending to 1 active subscriber (") {
			t.Errorf("send: %+v", r)
		}
		if is, err := st.Issue(ctx, 2); err != nil || is.Status != blog.IssueSending {
			t.Errorf("the sent issue: %+v, %v", is, err)
		}
		if r = quire(t, nil, "", "newsletter", "send", "2", "--data", dir); r.code != 1 || !strings.Contains(r.stderr, "never sent twice") {
			t.Errorf("send again: %+v", r)
		}
	}

	// Mistakes: exit 2 for usage, 1 for a file or issue that will not do.
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"newsletter", "send"}, 2, "name one Markdown file or issue ID"},
		{[]string{"newsletter", "send", "99"}, 1, "there is no issue 99"},
		{[]string{"newsletter", "send", filepath.Join(dir, "missing.md")}, 1, "no such file"},
		{[]string{"newsletter", "send", tip, "--test", "nobody"}, 2, "not an email address"},
		{[]string{"newsletter", "frobnicate"}, 2, "unknown newsletter command"},
	} {
		r := quire(t, nil, "", append(c.args, "--data", dir)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: %+v, want exit %d with %q", c.args, r, c.code, c.want)
		}
	}
	nofront := filepath.Join(dir, "nofront.md")
	os.WriteFile(nofront, []byte("Just text\n"), 0o644)
	if r := quire(t, nil, "", "newsletter", "send", nofront, "--data", dir); r.code != 1 || !strings.Contains(r.stderr, "nofront.md: line 1: no front matter") {
		t.Errorf("no front matter: %+v", r)
	}
	long := filepath.Join(dir, "long.md")
	os.WriteFile(long, []byte("---\nsubject: "+strings.Repeat("s", 201)+"\n---\nx\n"), 0o644)
	if r := quire(t, nil, "", "newsletter", "send", long, "--test", "me@example.com", "--data", dir); r.code != 1 || !strings.Contains(r.stderr, "subject: The subject is longer than 200") {
		t.Errorf("too long a subject: %+v", r)
	}

	// List: a table, and JSON with the counts.
	r = quire(t, nil, "", "newsletter", "list", "--data", dir)
	if r.code != 0 || !strings.Contains(r.stdout, "Ask one question") || !strings.HasPrefix(strings.Join(strings.Fields(r.stdout), " "), "ID STATUS KIND SUBJECT WHEN RECIPIENTS SENT FAILED BOUNCED UNSUBSCRIBED") {
		t.Errorf("list:\n%s", r.stdout)
	}
	r = quire(t, nil, "", "newsletter", "list", "--json", "--data", dir)
	var issues []issueJSON
	if err := json.Unmarshal([]byte(r.stdout), &issues); err != nil || len(issues) == 0 || issues[len(issues)-1].Subject != "Ask one question" {
		t.Errorf("list --json: %v\n%s", err, r.stdout)
	}
}

func TestPostPublishWithEmail(t *testing.T) {
	dir, st := newsletterSite(t)
	ctx := context.Background()
	quire(t, nil, "", "subscribers", "add", "ann@example.com", "--confirmed", "--data", dir)
	post := filepath.Join(dir, "tip.md")
	os.WriteFile(post, []byte("---\ntitle: What Business Are You In?\ndate: 2024-01-05\nemail: true\n---\nAsk it.\n"), 0o644)
	r := quire(t, nil, "", "post", "publish", post, "--data", dir)
	ins, err := jobs.NewInserter(st)
	if err != nil {
		t.Fatal(err)
	}
	want := "(email held: this command cannot send mail"
	if issueSender(st, site.New(st, site.Overrides{}), ins) != nil {
		want = "(going out by email)"
	}
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Fatalf("publish with email: true: %+v, want %q", r, want)
	}
	p, err := st.PostBySlug(ctx, "what-business-are-you-in")
	if err != nil {
		t.Fatal(err)
	}
	if is, err := st.IssueByPost(ctx, p.ID); err != nil || is.Kind != blog.IssuePost {
		t.Errorf("the post's issue: %+v, %v", is, err)
	}
	// Published again: never a second issue, never a second send.
	os.WriteFile(post, []byte("---\ntitle: What Business Are You In?\ndate: 2024-01-05\nemail: true\n---\nAsk it again.\n"), 0o644)
	if r := quire(t, nil, "", "post", "publish", post, "--data", dir); r.code != 0 {
		t.Errorf("again: %+v", r)
	}
	if _, total, _ := st.Issues(ctx, store.IssueFilter{}); total != 1 {
		t.Errorf("%d issues, want 1", total)
	}
}
