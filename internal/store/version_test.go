package store_test

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// openAgain opens a second handle on st's database, as another process
// (a command, a second instance) would.
func openAgain(t testing.TB, st *store.Store) *store.Store {
	t.Helper()
	target := st.Path
	if st.Engine() == "postgres" {
		target = st.PostgresDSN()
	}
	other, err := store.Open(context.Background(), target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

// waitVersion polls st's content version for up to a second until it is want.
func waitVersion(t *testing.T, st *store.Store, want int64) {
	t.Helper()
	var got int64
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		v, err := st.ContentVersion(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got = v; got == want {
			return
		}
	}
	t.Fatalf("content version stayed %d, want %d", got, want)
}

func dbVersion(t *testing.T, st *store.Store) int64 {
	t.Helper()
	var v int64
	if err := st.DB().QueryRow("SELECT version FROM site_state WHERE id = 1").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestContentVersionWatched(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	if err := st.WatchContentVersion(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.WatchContentVersion(ctx, nil); err != nil { // already watched: nothing to do
		t.Fatal(err)
	}
	other := openAgain(t, st)
	waitVersion(t, st, dbVersion(t, st))

	// This process's write: the very next call sees it, however short the
	// time since.
	for range 3 {
		if _, err := st.SavePost(ctx, newPost("Mine")); err != nil {
			t.Fatal(err)
		}
		want := dbVersion(t, st)
		if v, err := st.ContentVersion(ctx); err != nil || v != want {
			t.Fatalf("after this process's write: version %d (%v), want %d", v, err, want)
		}
	}
	// Inside InTx too: known when the outer transaction commits.
	err := st.InTx(ctx, func(tx *store.Store) error {
		_, err := tx.SavePost(ctx, newPost("In a transaction"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := st.ContentVersion(ctx); v != dbVersion(t, st) {
		t.Errorf("after InTx: version %d, want %d", v, dbVersion(t, st))
	}
	// A rolled-back bump publishes nothing.
	before, _ := st.ContentVersion(ctx)
	_ = st.InTx(ctx, func(tx *store.Store) error {
		if _, err := tx.SavePost(ctx, newPost("Never")); err != nil {
			return err
		}
		return context.Canceled
	})
	if v, _ := st.ContentVersion(ctx); v != before {
		t.Errorf("after a rollback: version %d, want %d", v, before)
	}

	// Another process's writes show within the promise (polled for up
	// to a second here), each of them.
	for _, title := range []string{"Theirs", "Theirs again"} {
		if _, err := other.SavePost(ctx, newPost(title)); err != nil {
			t.Fatal(err)
		}
		waitVersion(t, st, dbVersion(t, other))
	}
	if err := other.BumpContentVersion(ctx); err != nil {
		t.Fatal(err)
	}
	waitVersion(t, st, dbVersion(t, other))
}

// TestContentVersionFromMemory: while the watcher vouches for what it
// knows, the version costs no round trip: a call whose context is already
// cancelled (so any query would fail) still answers.
func TestContentVersionFromMemory(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	st.SetVersionPollInterval(time.Hour)
	if err := st.WatchContentVersion(ctx, nil); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Second); !st.VersionLive() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := st.SavePost(ctx, newPost("Mine")); err != nil {
		t.Fatal(err)
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	v, err := st.ContentVersion(done)
	if err != nil || v != dbVersion(t, st) {
		t.Errorf("from memory: version %d (%v), want %d", v, err, dbVersion(t, st))
	}

	// Without a watcher, it asks (and so fails on a cancelled context).
	plain := openAgain(t, st)
	if _, err := plain.ContentVersion(done); err == nil {
		t.Error("an unwatched store answered without asking the database")
	}
	// Closing the store stops the watcher.
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestContentVersionListenerLost: on PostgreSQL, when the listener's
// connection is killed, every request asks the database until the
// listener is back and has read the version again; then notifications
// carry other instances' writes once more.
func TestContentVersionListenerLost(t *testing.T) {
	if storetest.Engine() != "postgres" {
		t.Skip("PostgreSQL only (set " + storetest.EnvURL + ")")
	}
	ctx := context.Background()
	st := storetest.New(t)
	blocked := st.BlockVersionListener()
	if err := st.WatchContentVersion(ctx, nil); err != nil {
		t.Fatal(err)
	}
	other := openAgain(t, st)
	waitLive := func(want bool) {
		t.Helper()
		for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if st.VersionLive() == want {
				return
			}
		}
		t.Fatalf("listener live = %v, want %v", st.VersionLive(), want)
	}
	waitLive(true)
	if _, err := other.SavePost(ctx, newPost("Heard")); err != nil {
		t.Fatal(err)
	}
	waitVersion(t, st, dbVersion(t, other))

	// Kill the listener's connection, and keep it from coming back.
	blocked.Store(true)
	res, err := other.DB().ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'quire content version listener' AND datname = current_database()`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("terminated %d listener connections, want 1", n)
	}
	waitLive(false)
	// Meanwhile each request asks: another instance's write shows on the
	// very next call, no notification needed.
	for _, title := range []string{"Unheard", "Unheard again"} {
		if _, err := other.SavePost(ctx, newPost(title)); err != nil {
			t.Fatal(err)
		}
		if v, err := st.ContentVersion(ctx); err != nil || v != dbVersion(t, other) {
			t.Fatalf("while the listener is down: version %d (%v), want %d", v, err, dbVersion(t, other))
		}
	}

	// Recovery: the listener reconnects, reads the version, listens again.
	blocked.Store(false)
	waitLive(true)
	if v, _ := st.ContentVersion(ctx); v != dbVersion(t, other) {
		t.Errorf("after reconnecting: version %d, want %d", v, dbVersion(t, other))
	}
	if _, err := other.SavePost(ctx, newPost("Heard again")); err != nil {
		t.Fatal(err)
	}
	waitVersion(t, st, dbVersion(t, other))
}

// BenchmarkVersionSources compares what a request could pay to learn the
// content version on SQLite (the figures are in version.go's comment).
func BenchmarkVersionSources(b *testing.B) {
	ctx := context.Background()
	st := storetest.NewSQLite(b)
	if _, err := st.SavePost(ctx, newPost("Something")); err != nil {
		b.Fatal(err)
	}
	b.Run("select", func(b *testing.B) {
		for b.Loop() {
			var v int64
			if err := st.DB().QueryRowContext(ctx, "SELECT version FROM site_state WHERE id = 1").Scan(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("data_version", func(b *testing.B) {
		db, err := sql.Open("sqlite", store.SQLiteDSN(st.Path))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		stmt, err := db.PrepareContext(ctx, "PRAGMA data_version")
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			var v int64
			if err := stmt.QueryRowContext(ctx).Scan(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wal_stat", func(b *testing.B) {
		for b.Loop() {
			fi, err := os.Stat(st.Path + "-wal")
			if err != nil {
				b.Fatal(err)
			}
			_, _ = fi.Size(), fi.ModTime()
		}
	})
	b.Run("watched", func(b *testing.B) {
		w := openAgain(b, st)
		if err := w.WatchContentVersion(ctx, nil); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := w.ContentVersion(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestContentVersionHeartbeat: on PostgreSQL, a version bumped without a
// notification (the trigger disabled here; a notification is never lost on
// a live connection, but the watcher does not count on it) is found by the
// listener's own periodic read, on the same connection.
func TestContentVersionHeartbeat(t *testing.T) {
	if storetest.Engine() != "postgres" {
		t.Skip("PostgreSQL only (set " + storetest.EnvURL + ")")
	}
	ctx := context.Background()
	st := storetest.New(t)
	st.SetVersionHeartbeat(50 * time.Millisecond)
	if err := st.WatchContentVersion(ctx, nil); err != nil {
		t.Fatal(err)
	}
	other := openAgain(t, st)
	waitVersion(t, st, dbVersion(t, other))
	listener := func() int {
		t.Helper()
		var pid int
		if err := other.DB().QueryRowContext(ctx, `SELECT pid FROM pg_stat_activity
			WHERE application_name = 'quire content version listener' AND datname = current_database()`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		return pid
	}
	pid := listener()
	if _, err := other.DB().ExecContext(ctx, "ALTER TABLE site_state DISABLE TRIGGER site_state_notify"); err != nil {
		t.Fatal(err)
	}
	for range 2 { // twice: the connection is reused after a heartbeat
		if err := other.BumpContentVersion(ctx); err != nil {
			t.Fatal(err)
		}
		waitVersion(t, st, dbVersion(t, other))
		if !st.VersionLive() {
			t.Fatal("the listener is not live after its heartbeat")
		}
	}
	if now := listener(); now != pid {
		t.Errorf("the listener reconnected (backend %d, then %d): a heartbeat must keep its connection", pid, now)
	}
}
