package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type result struct {
	code           int
	stdout, stderr string
}

func quire(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb syncBuffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errb)
	code := exitCode(err, &errb)
	return result{code, out.String(), errb.String()}
}

func TestHelpAndUsageErrors(t *testing.T) {
	r := quire(t, nil, "", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "quire serve") {
		t.Errorf("--help: %+v", r)
	}
	r = quire(t, nil, "", "serve", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "--smtp-url") || !strings.Contains(r.stdout, "QUIRE_SMTP_URL") {
		t.Errorf("serve --help: %+v", r)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{nil, []string{"frobnicate"}, "unknown command"},
		{nil, []string{}, "say which command"},
		{nil, []string{"serve", "--bogus"}, "bogus"},
		{nil, []string{"serve", "--addr", "nonsense", "--data", dir}, "--addr"},
		{map[string]string{"QUIRE_LOG_LEVEL": "loud"}, []string{"serve", "--data", dir}, "log-level"},
		{nil, []string{"serve", "--data", dir, "--base-url", "ftp://x"}, "base URL"},
		{nil, []string{"serve", "--data", dir, "--smtp-url", "http://mail"}, "smtp"},
		{nil, []string{"serve", "--data", dir, "--trusted-proxies", "not-an-ip"}, "trusted"},
		{nil, []string{"user", "add", "--data", dir, "--name", "A"}, "--email"},
	} {
		r := quire(t, c.env, "", c.args...)
		if r.code != 2 || !strings.Contains(strings.ToLower(r.stderr), strings.ToLower(c.want)) {
			t.Errorf("%v: code %d, stderr %q; want 2 mentioning %q", c.args, r.code, r.stderr, c.want)
		}
		if strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
			t.Errorf("%v: want one sentence, got %q", c.args, r.stderr)
		}
	}
}

func TestUnwritableDataDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := quire(t, nil, "", "migrate", "--data", filepath.Join(file, "data"))
	if r.code != 2 || !strings.Contains(r.stderr, "data directory") {
		t.Errorf("got %+v", r)
	}
}

func TestNewerDatabaseRefused(t *testing.T) {
	dir := t.TempDir()
	if r := quire(t, nil, "", "migrate", "--data", dir); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "quire.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (9999, 1)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	r := quire(t, nil, "", "migrate", "--data", dir)
	if r.code != 2 || !strings.Contains(r.stderr, "newer version of Quire") {
		t.Errorf("got %+v", r)
	}
}

func TestUserAdd(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"QUIRE_DATA": dir}
	quire(t, env, "", "migrate")
	r := quire(t, env, "correct horse battery\n", "user", "add", "--email", "Coach@Example.com", "--name", "Sam Coach", "--role", "owner")
	if r.code != 0 || !strings.Contains(r.stdout, "coach@example.com") {
		t.Fatalf("user add: %+v", r)
	}
	if r := quire(t, env, "correct horse battery\n", "user", "add", "--email", "coach@example.com", "--name", "Again"); r.code != 2 {
		t.Errorf("duplicate email: %+v", r)
	}
	if r := quire(t, env, "short\n", "user", "add", "--email", "b@example.com", "--name", "B"); r.code != 2 || !strings.Contains(r.stderr, "10 characters") {
		t.Errorf("short password: %+v", r)
	}
	if r := quire(t, env, "correct horse battery\n", "user", "add", "--email", "c@example.com", "--name", "C", "--role", "king"); r.code != 2 {
		t.Errorf("bad role: %+v", r)
	}
}

func TestPostPublish(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"QUIRE_DATA": filepath.Join(dir, "data")}
	quire(t, env, "", "migrate")
	posts := filepath.Join(dir, "posts")
	os.MkdirAll(posts, 0o755)
	os.WriteFile(filepath.Join(posts, "2011-01-05-what-business.md"), []byte("---\ntitle: What Business Are You In?\ntags: [strategy]\n---\nAsk the question.\n"), 0o644)
	r := quire(t, env, "", "post", "publish", posts)
	if r.code != 0 || !strings.Contains(r.stdout, "created") || !strings.Contains(r.stdout, "/2011/01/05/what-business/") {
		t.Fatalf("publish: %+v", r)
	}
	r = quire(t, env, "", "post", "publish", posts)
	if r.code != 0 || !strings.Contains(r.stdout, "unchanged") {
		t.Errorf("republish: %+v", r)
	}
	os.WriteFile(filepath.Join(posts, "broken.md"), []byte("---\ntitle: Broken\ntags: [a, b\n---\nText\n"), 0o644)
	r = quire(t, env, "", "post", "publish", posts)
	if r.code != 1 || !strings.Contains(r.stderr, "broken.md:") {
		t.Errorf("broken front matter: %+v, want exit 1 (a failure, not a usage error) naming the file", r)
	}
}

// serveUntil starts quire serve and returns its base URL and a stop func
// that cancels it and returns its error.
func serveUntil(t *testing.T, env map[string]string, args ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), func(k string) string { return env[k] },
			strings.NewReader(""), &out, &errb)
	}()
	re := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)/`)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1], &out, func() error { cancel(); return <-done }
		}
		select {
		case err := <-done:
			t.Fatalf("serve exited: %v\n%s\n%s", err, out.String(), errb.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	t.Fatalf("serve did not start:\n%s\n%s", out.String(), errb.String())
	return "", nil, nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeDemoAndStop(t *testing.T) {
	env := map[string]string{"QUIRE_DATA": t.TempDir()}
	base, out, stop := serveUntil(t, env, "--demo")
	if !strings.Contains(out.String(), "/admin/setup/") {
		t.Errorf("no setup link printed:\n%s", out)
	}
	if code, body := get(t, base+"/"); code != 200 || !strings.Contains(body, "What Business Are You Really In?") {
		t.Errorf("home: %d", code)
	}
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Errorf("healthz: %d", code)
	}
	if code, _ := get(t, base+"/no/such/page/"); code != 404 {
		t.Errorf("404 page: %d", code)
	}
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
}

// TestScheduledPostSurvivesRestart publishes a post dated a few seconds
// ahead while the server is down; the durable job still fires after start.
func TestScheduledPostSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"QUIRE_DATA": filepath.Join(dir, "data")}
	_, _, stop := serveUntil(t, env)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	when := time.Now().Add(3 * time.Second).UTC().Format(time.RFC3339)
	file := filepath.Join(dir, "later.md")
	os.WriteFile(file, []byte("---\ntitle: Published Later\ndate: "+when+"\n---\nPatience pays.\n"), 0o644)
	if r := quire(t, env, "", "post", "publish", file); r.code != 0 {
		t.Fatalf("publish: %+v", r)
	}
	base, _, stop := serveUntil(t, env)
	defer stop()
	if _, body := get(t, base+"/"); strings.Contains(body, "Published Later") {
		t.Fatal("scheduled post visible before its time")
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if _, body := get(t, base+"/"); strings.Contains(body, "Published Later") {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatal("scheduled post was not published after the restart")
}
