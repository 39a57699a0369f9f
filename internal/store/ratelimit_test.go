package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// allowAtOnce makes n attempts on bucket at once, spread over the stores
// given (several instances on one database), and returns how many were let
// through. Every attempt must answer without error.
func allowAtOnce(t *testing.T, stores []*store.Store, bucket string, n, max int) int {
	t.Helper()
	var let atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ok, err := stores[i%len(stores)].Allow(context.Background(), bucket, max, 15*time.Minute)
			if err != nil {
				errs <- err
				return
			}
			if ok {
				let.Add(1)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Allow failed: %v", err)
	}
	return int(let.Load())
}

func TestAllowIsAtomic(t *testing.T) {
	st := storetest.New(t)
	if got := allowAtOnce(t, []*store.Store{st}, "login-ip:192.0.2.1", 100, 10); got != 10 {
		t.Fatalf("%d of 100 simultaneous attempts let through with a limit of 10 (%s)", got, st.Engine())
	}
	// A second round finds the bucket full.
	if got := allowAtOnce(t, []*store.Store{st}, "login-ip:192.0.2.1", 20, 10); got != 0 {
		t.Fatalf("%d attempts let through a full bucket", got)
	}
	// Other buckets are independent.
	if got := allowAtOnce(t, []*store.Store{st}, "login-ip:192.0.2.2", 5, 10); got != 5 {
		t.Fatalf("%d of 5 attempts let through an empty bucket", got)
	}
}

// TestAllowIsAtomicAcrossInstances runs two Store handles, each with its
// own pool, on one PostgreSQL database: two instances of quire serve.
func TestAllowIsAtomicAcrossInstances(t *testing.T) {
	url := storetest.URL(t)
	var stores []*store.Store
	for range 2 {
		st, err := store.OpenPostgres(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		stores = append(stores, st)
	}
	if got := allowAtOnce(t, stores, "login-ip:2001:db8::/64", 100, 10); got != 10 {
		t.Fatalf("%d of 100 simultaneous attempts on two instances let through with a limit of 10", got)
	}
}

// TestAllowWaitsForABusyDatabase holds the database's write lock (SQLite)
// or the bucket's lock (PostgreSQL) from another connection: the limiter
// waits for it instead of failing, and answers once it is released.
func TestAllowWaitsForABusyDatabase(t *testing.T) {
	ctx := context.Background()
	var st *store.Store
	var hold func() (release func())
	if storetest.Engine() == "sqlite" {
		path := filepath.Join(t.TempDir(), "quire.db")
		var err error
		if st, err = store.OpenSQLite(ctx, path); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		// One connection that gives up at once when the database is
		// locked, so SQLITE_BUSY reaches Allow instead of SQLite's own
		// busy handler absorbing it.
		st.DB().SetMaxOpenConns(1)
		if _, err := st.DB().ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
			t.Fatal(err)
		}
		other, err := sql.Open("sqlite", store.SQLiteDSN(path))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		hold = func() func() {
			tx, err := other.BeginTx(ctx, nil) // BEGIN IMMEDIATE: the write lock
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO rate_events (bucket, at) VALUES ('other', 1)"); err != nil {
				t.Fatal(err)
			}
			return func() { tx.Commit() }
		}
	} else {
		st = storetest.New(t)
		hold = func() func() {
			conn, err := st.DB().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// The two-key advisory lock Allow takes on a bucket.
			if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1, hashtext($2))", store.RateLockClass, "busy"); err != nil {
				t.Fatal(err)
			}
			return func() {
				conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1, hashtext($2))", store.RateLockClass, "busy")
				conn.Close()
			}
		}
	}
	release := hold()
	type result struct {
		ok  bool
		err error
	}
	done := make(chan result, 1)
	var started sync.WaitGroup
	started.Add(1)
	go func() {
		started.Done()
		ok, err := st.Allow(ctx, "busy", 1, time.Hour)
		done <- result{ok, err}
	}()
	started.Wait()
	select {
	case r := <-done:
		t.Fatalf("Allow answered (%v, %v) while the database was locked", r.ok, r.err)
	case <-time.After(300 * time.Millisecond):
	}
	release()
	r := <-done
	if r.err != nil || !r.ok {
		t.Fatalf("Allow after the lock was released: %v, %v", r.ok, r.err)
	}

	// A request that gives up while waiting gets its context's error,
	// not a database error.
	release = hold()
	defer release()
	cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err := st.Allow(cctx, "busy", 5, time.Hour)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Allow with a context that ends while waiting: %v", err)
	}
}
