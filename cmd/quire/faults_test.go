package main

import (
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/store/storetest"
)

// TestDatabaseURLProblems: a wrong password, a malformed URL and an
// unreachable server each get one clear sentence, and never the password.
func TestDatabaseURLProblems(t *testing.T) {
	good := storetest.URL(t)
	u, _ := url.Parse(good)
	u.User = url.UserPassword(u.User.Username(), "wrong-secret-pw")
	r := quire(t, nil, "", "migrate", "--database-url", u.String(), "--database-wait", "2s")
	if r.code != 2 || !strings.Contains(r.stderr, "password") || strings.Contains(r.stderr, "wrong-secret-pw") {
		t.Errorf("wrong password: %+v", r)
	}
	r = quire(t, nil, "", "migrate", "--database-url", "postgres://me:hunter2-pw@[bad/db")
	if r.code != 2 || !strings.Contains(r.stderr, "not valid") || strings.Contains(r.stderr, "hunter2-pw") {
		t.Errorf("malformed URL: %+v", r)
	}
	start := time.Now()
	r = quire(t, nil, "", "migrate", "--database-url", "postgres://me:hunter2-pw@127.0.0.1:1/db?sslmode=disable", "--database-wait", "1s")
	if r.code != 1 || !strings.Contains(r.stderr, "unreachable") || strings.Contains(r.stderr, "hunter2-pw") {
		t.Errorf("unreachable server: %+v", r)
	}
	if !strings.Contains(r.stderr, "retrying") {
		t.Errorf("no retries reported: %q", r.stderr)
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("gave up only after %s", time.Since(start))
	}
}

// TestDatabaseOutage stops PostgreSQL under a running instance: pages and
// /healthz answer 503, and the instance recovers by itself when the
// database returns.
func TestDatabaseOutage(t *testing.T) {
	if storetest.Engine() != "postgres" {
		t.Skip("runs in make test's PostgreSQL pass")
	}
	script, _ := filepath.Abs("../../scripts/pg.sh")
	dir, err := os.MkdirTemp("", "quire-pg-outage-")
	if err != nil {
		t.Fatal(err)
	}
	// Registered before the start, so a cluster that half started is
	// removed too.
	t.Cleanup(func() {
		if out, err := exec.Command(script, "stop", dir).CombinedOutput(); err != nil {
			t.Logf("pg.sh stop: %v\n%s", err, out)
		}
	})
	pg := func(args ...string) string {
		t.Helper()
		var stderr strings.Builder
		cmd := exec.Command(script, args...)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("scripts/pg.sh %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		if stderr.Len() > 0 {
			t.Logf("scripts/pg.sh %s said:\n%s", strings.Join(args, " "), stderr.String())
		}
		return strings.TrimSpace(string(out))
	}
	dbURL := pg("start", dir)

	base, _, stop := serveUntil(t, map[string]string{"QUIRE_DATABASE_URL": dbURL}, "--demo")
	defer stop()
	if code, _ := get(t, base+"/"); code != 200 {
		t.Fatalf("before the outage: %d", code)
	}
	pg("pause", dir)
	code, body := get(t, base+"/")
	if code != 503 || !strings.Contains(body, "Back in a moment") {
		t.Errorf("during the outage: %d %q", code, body)
	}
	if code, _ := get(t, base+"/healthz"); code != 503 {
		t.Errorf("healthz during the outage: %d", code)
	}
	pg("resume", dir)
	waitFor(t, "recovery after the database returned", func() bool {
		code, _ := get(t, base+"/")
		return code == 200
	})
}

// TestPgShRetriesABusyPort: scripts/pg.sh starts its cluster on another
// port when the one it chose is taken by the time PostgreSQL binds it, and
// says so on stderr.
func TestPgShRetriesABusyPort(t *testing.T) {
	if storetest.Engine() != "postgres" {
		t.Skip("runs in make test's PostgreSQL pass")
	}
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	_, port, _ := net.SplitHostPort(busy.Addr().String())
	script, _ := filepath.Abs("../../scripts/pg.sh")
	dir, err := os.MkdirTemp("", "quire-pg-busy-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Command(script, "stop", dir).Run() })
	var stderr strings.Builder
	cmd := exec.Command(script, "start", dir)
	cmd.Env = append(os.Environ(), "QUIRE_PG_PORT="+port)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pg.sh start with port %s taken: %v\n%s", port, err, stderr.String())
	}
	u, err := url.Parse(strings.TrimSpace(string(out)))
	if err != nil || u.Port() == "" || u.Port() == port {
		t.Errorf("URL %q: want another port than the busy %s", out, port)
	}
	if !strings.Contains(stderr.String(), "port "+port+" was taken") {
		t.Errorf("stderr does not say the port was taken: %q", stderr.String())
	}
}
