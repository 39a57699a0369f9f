package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/store/storetest"
)

// TestServeSeesCommandLineWrites: a running quire serve (a process of its
// own) shows what another process writes — here quire post publish — on
// SQLite and on PostgreSQL, without asking the database for the version on
// every request (see store.ContentVersion); the test polls for up to a
// second.
func TestServeSeesCommandLineWrites(t *testing.T) {
	engines := []string{"sqlite"}
	if storetest.Engine() == "postgres" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"QUIRE_DATA": filepath.Join(dir, "data")}
			args := []string{"--data", env["QUIRE_DATA"]}
			if engine == "postgres" {
				dbURL := storetest.EmptyURL(t)
				env = map[string]string{"QUIRE_DATABASE_URL": dbURL}
				args = []string{"--database-url", dbURL}
			}
			if r := quire(t, env, "", "migrate"); r.code != 0 {
				t.Fatalf("migrate: %+v", r)
			}
			in := startInstances(t, 1, args...)[0]
			// The home page is cached now.
			if code, _ := get(t, in.base+"/"); code != 200 {
				t.Fatalf("home: %d", code)
			}
			posts := filepath.Join(dir, "posts")
			os.MkdirAll(posts, 0o755)
			for i, title := range []string{"Written Elsewhere", "Written Elsewhere Again"} {
				name := filepath.Join(posts, strings.ReplaceAll(strings.ToLower(title), " ", "-")+".md")
				os.WriteFile(name, []byte("---\ntitle: "+title+"\n---\nFrom the command line.\n"), 0o644)
				if r := quire(t, env, "", "post", "publish", posts); r.code != 0 {
					t.Fatalf("publish %d: %+v", i, r)
				}
				if !shownWithin(t, time.Second, in.base+"/", title) {
					t.Fatalf("serve does not show %q, published by another process", title)
				}
			}
		})
	}
}
