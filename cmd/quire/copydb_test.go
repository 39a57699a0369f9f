package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/store/storetest"
)

// sums reads copy-db's table of per-table checksums: table → source sum.
func sums(t *testing.T, out string) map[string]string {
	t.Helper()
	m := map[string]string{}
	re := regexp.MustCompile(`(?m)^(\w+)\s+(\d+)\s+(\d+)\s+([0-9a-f]{16})\s+([0-9a-f]{16})$`)
	for _, row := range re.FindAllStringSubmatch(out, -1) {
		if row[4] != row[5] || row[2] != row[3] {
			t.Errorf("table %s differs after the copy: %s", row[1], row[0])
		}
		m[row[1]] = row[4]
	}
	if len(m) == 0 {
		t.Fatalf("no table report in:\n%s", out)
	}
	return m
}

// TestCopyDBRoundTrip moves a site SQLite → PostgreSQL → SQLite with the
// command a user runs, pending jobs included, and gets the same site back.
func TestCopyDBRoundTrip(t *testing.T) {
	pg := storetest.EmptyURL(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	_, _, stop := serveUntil(t, map[string]string{"QUIRE_DATA": src}, "--demo")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	later := filepath.Join(dir, "later.md")
	os.WriteFile(later, []byte("---\ntitle: Next Week\ndate: "+time.Now().Add(7*24*time.Hour).UTC().Format(time.RFC3339)+"\n---\nSoon.\n"), 0o644)
	if r := quire(t, map[string]string{"QUIRE_DATA": src}, "", "post", "publish", later); r.code != 0 {
		t.Fatalf("publish: %+v", r)
	}

	r := quire(t, nil, "", "copy-db", "--from", filepath.Join(src, "quire.db"), "--to", pg)
	if r.code != 0 {
		t.Fatalf("to PostgreSQL: %+v", r)
	}
	first := sums(t, r.stdout)
	if !strings.Contains(r.stdout, "jobs re-enqueued: 1") {
		t.Errorf("the scheduled post's job was not carried over:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout+r.stderr, "quire-test-pw") {
		t.Error("copy-db printed the database password")
	}

	back := filepath.Join(dir, "back.db")
	r = quire(t, nil, "", "copy-db", "--from", pg, "--to", back)
	if r.code != 0 {
		t.Fatalf("back to SQLite: %+v", r)
	}
	for table, sum := range sums(t, r.stdout) {
		if first[table] != sum {
			t.Errorf("%s: %s after the round trip, %s before", table, sum, first[table])
		}
	}

	r = quire(t, nil, "", "copy-db", "--from", filepath.Join(src, "quire.db"), "--to", pg)
	if r.code != 2 || !strings.Contains(r.stderr, "--replace") {
		t.Errorf("copy onto a site with content: %+v", r)
	}
	if r = quire(t, nil, "", "copy-db", "--from", filepath.Join(src, "quire.db"), "--to", pg, "--replace"); r.code != 0 {
		t.Errorf("--replace: %+v", r)
	}
}
