package main

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"QUIRE_DATA": data}
	if r := quire(t, env, "", "backup", filepath.Join(dir, "b.db")); r.code != 2 || !strings.Contains(r.stderr, "no Quire database at") {
		t.Errorf("no site: %+v", r)
	}
	if _, err := os.Stat(data); err == nil {
		t.Errorf("backup of no site created %s", data)
	}
	if r := quire(t, env, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: %+v", r)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"backup"}, "say which file"},
		{[]string{"backup", "a.db", "b.db"}, "say which file"},
		{[]string{"backup", filepath.Join(dir, "no", "such", "dir", "b.db")}, "does not exist"},
		{[]string{"backup", filepath.Join(data, "quire.db")}, "the site's own database"},
		{[]string{"backup", "--database-url", "postgres://u:secret-pw@db.example/quire", filepath.Join(dir, "b.db")}, "pg_dump"},
	} {
		r := quire(t, env, "", c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) || !strings.HasPrefix(r.stderr, "quire: backup: ") {
			t.Errorf("%v: %+v, want exit 2 with %q", c.args, r, c.want)
		}
		if strings.Contains(r.stderr, "secret-pw") {
			t.Errorf("%v: password shown: %q", c.args, r.stderr)
		}
	}

	file := filepath.Join(dir, "b.db")
	if err := os.WriteFile(file, []byte("an older backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := quire(t, env, "", "backup", file)
	if r.code != 2 || !strings.Contains(r.stderr, "already exists; add --force") {
		t.Errorf("existing file: %+v", r)
	}
	if b, _ := os.ReadFile(file); string(b) != "an older backup" {
		t.Errorf("existing file overwritten without --force")
	}
	if r := quire(t, env, "", "backup", file, "--force"); r.code != 0 || !strings.Contains(r.stdout, "backed up") {
		t.Errorf("--force: %+v", r)
	}
	if b, _ := os.ReadFile(file); !strings.HasPrefix(string(b), "SQLite format 3\x00") {
		t.Errorf("--force did not replace the file with a database")
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode %v %v, want 0600 (it holds password hashes)", fi.Mode(), err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".b.db.tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestBackupAndRestoreWhileServing backs up a site while a real quire
// serve process writes posts to it, then restores the backup exactly as
// docs/deploy.md says (stop Quire, copy the backup over DATA/quire.db,
// remove the -wal and -shm files, start it): every post acknowledged
// before the backup began is there, the database is whole, and the site
// serves.
func TestBackupAndRestoreWhileServing(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	env := map[string]string{"QUIRE_DATA": data}
	in := startInstances(t, 1, "--data", data)[0]
	if r := quire(t, env, "a long enough password\n", "user", "add", "--email", "owner@example.com", "--name", "Owner", "--role", "owner"); r.code != 0 {
		t.Fatalf("user add: %+v", r)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(in.base+"/admin/login", url.Values{"email": {"owner@example.com"}, "password": {"a long enough password"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}

	// The server writes posts, one after another, until told to stop.
	var mu sync.Mutex
	acked := 0
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		for n := 1; ; n++ {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			resp, err := client.PostForm(in.base+"/admin/posts/new", url.Values{
				"title": {fmt.Sprintf("Backup Post %d", n)}, "body": {"Written while the backup ran."},
				"action": {"publish"}, "status": {"publish"}})
			if err != nil {
				writerDone <- err
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				writerDone <- fmt.Errorf("post %d: %d", n, resp.StatusCode)
				return
			}
			mu.Lock()
			acked = n
			mu.Unlock()
		}
	}()
	ackedNow := func() int { mu.Lock(); defer mu.Unlock(); return acked }
	waitFor(t, "the first posts", func() bool { return ackedNow() >= 10 })

	backup := filepath.Join(dir, "site-backup.db")
	before := ackedNow()
	if r := quire(t, env, "", "backup", backup); r.code != 0 {
		t.Fatalf("backup: %+v", r)
	}
	waitFor(t, "more posts after the backup", func() bool { return ackedNow() >= before+5 })
	close(stop)
	if err := <-writerDone; err != nil {
		t.Fatal(err)
	}
	written := ackedNow()

	// Restore, exactly as documented.
	in.cmd.Process.Signal(os.Interrupt)
	if err := in.cmd.Wait(); err != nil {
		t.Fatalf("quire serve did not stop cleanly: %v\n%s", err, in.output())
	}
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "quire.db"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(filepath.Join(data, "quire.db"+suffix)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	in = startInstances(t, 1, "--data", data)[0]

	if code, body := get(t, in.base+"/"); code != 200 || !strings.Contains(body, "Backup Post") {
		t.Errorf("home after the restore: %d", code)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(data, "quire.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check of the restored site: %q %v", check, err)
	}
	have := map[string]bool{}
	rows, err := db.Query("SELECT title FROM posts WHERE title LIKE 'Backup Post %'")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var title string
		rows.Scan(&title)
		have[title] = true
	}
	rows.Close()
	for n := 1; n <= before; n++ {
		if !have[fmt.Sprintf("Backup Post %d", n)] {
			t.Errorf("post %d, acknowledged before the backup began, is missing after the restore", n)
		}
	}
	if have[fmt.Sprintf("Backup Post %d", written)] {
		t.Errorf("post %d, written after the backup ended, is in the restored site: the restore did not replace the database", written)
	}
	t.Logf("%d posts acknowledged before the backup began, %d in the backup, %d written in all", before, len(have), written)

	var owners int
	if err := db.QueryRow("SELECT COUNT(*) FROM users WHERE email = 'owner@example.com'").Scan(&owners); err != nil || owners != 1 {
		t.Errorf("owner after the restore: %d %v", owners, err)
	}
}
