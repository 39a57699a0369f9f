package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// The content version without a round trip.
//
// Every public page is cached per content version, so every request needs
// the current version. Asking the database each time costs a query per
// request; a watcher started by WatchContentVersion answers from memory
// instead, and ContentVersion uses it:
//
//   - a write by this process (any transaction that bumps the version)
//     is known the moment it commits: the next request sees it;
//   - on SQLite, a write by another process (the command line, a second
//     serve) is noticed by PRAGMA data_version on a connection of the
//     watcher's own, asked at most every sqlitePollInterval, and only
//     then is the version read again: within a few milliseconds;
//   - on PostgreSQL, a trigger on site_state sends NOTIFY in the
//     transaction that bumps the version, and a connection of the
//     watcher's own LISTENs; while that connection is down, and until it
//     has read the version again after reconnecting, every request asks
//     the database, so freshness never depends on a notification
//     arriving. A heartbeat re-reads the version every pgHeartbeat, which
//     also finds a connection that died without a word.
//
// The promise: the writing process sees its change on its next request;
// any other process within 50 ms.

// sqlitePollInterval is how stale another process's write may be on
// SQLite, at most, before a request checks PRAGMA data_version again.
//
// Measured on the 2-core machine (BenchmarkVersionSources: SQLite in WAL
// mode, Go 1.26, modernc.org/sqlite 1.62, Linux 6.18, ext4): the SELECT of
// the version through the pool costs about 5.5 µs; PRAGMA data_version as a
// prepared statement on the watcher's own connection about 3.4 µs; os.Stat
// of the -wal file about 1.3 µs; the watched answer, between checks, about
// 60 ns and no allocation. Stat is cheapest, but what it sees is not exact:
// after a checkpoint the WAL is written again from its start, so its size
// can come back the same, and on kernels before 6.13 (or file systems
// without fine-grained timestamps) an mtime moves in steps of the clock
// tick, 4 ms, so a second write in the tick of the first looks like none —
// and a missed write keeps a stale page until the cache's time limit.
// data_version is exact: it changes whenever another connection has
// committed, on any kernel and file system. Asked at most every 2 ms it
// costs under 0.2 % of one core however busy the site is, and nothing when
// it is idle: no goroutine polls, the first request after the interval
// asks.
const sqlitePollInterval = 2 * time.Millisecond

// pgHeartbeat is how often the PostgreSQL listener reads the version
// itself, checking its connection is alive.
const pgHeartbeat = 5 * time.Second

// versionChannel is the channel of the NOTIFY sent by the site_state
// trigger (migration 00015); its payload is "schema version".
const versionChannel = "quire_content_version"

// versionWatch is the shared state of a Store's content version: copies of
// a Store (InTx) point at the same one.
type versionWatch struct {
	// pending holds the version a transaction bumped to (key *sql.Tx),
	// published when it commits.
	pending sync.Map

	// memo keeps costly exact reads per version (memo.go).
	memo versionMemo

	// mu orders the exact reads (which may lower known, after a restore)
	// with the writes this process publishes (which only raise it).
	mu    sync.Mutex
	known atomic.Int64
	// mode is 0 while nothing watches (every call asks the database),
	// modeSQLite or modePostgres while a watcher runs.
	mode atomic.Int32
	// live: on PostgreSQL, the listener is connected and has read the
	// version since; on SQLite, the last data_version check succeeded.
	live atomic.Bool

	// SQLite: the watcher's connection and when it was last asked.
	next   atomic.Int64 // unix nanoseconds after which a request checks again
	dvDB   *sql.DB
	dvStmt *sql.Stmt
	verStm *sql.Stmt
	dv     int64 // last data_version seen (under mu)

	start sync.Mutex // held while a watcher starts or stops
	stop  func()     // ends the watcher: cancels the listener, closes dvDB

	// interval is sqlitePollInterval, but for tests; connect opens the
	// listener's connection (tests hold it back to watch the fallback).
	interval  time.Duration
	heartbeat time.Duration // pgHeartbeat, but for tests
	connect   atomic.Pointer[func(context.Context) (*pgx.Conn, error)]
}

const (
	modeSQLite   = 1
	modePostgres = 2
)

// raise records a version this process knows is committed: versions only
// grow, so an older one (a notification arriving late) changes nothing.
func (w *versionWatch) raise(v int64) {
	w.mu.Lock()
	if v > w.known.Load() {
		w.known.Store(v)
	}
	w.mu.Unlock()
}

// bumped notes the version a write moved to: at once when t is not a
// transaction, else when t commits (see committed).
func (w *versionWatch) bumped(t queryer, v int64) {
	if tx, ok := t.(*sql.Tx); ok {
		w.pending.Store(tx, v)
		return
	}
	w.raise(v)
}

// committed publishes the version t bumped to, if any; rolledBack forgets it.
func (w *versionWatch) committed(t *sql.Tx) {
	if v, ok := w.pending.LoadAndDelete(t); ok {
		w.raise(v.(int64))
	}
}

func (w *versionWatch) rolledBack(t *sql.Tx) { w.pending.Delete(t) }

// readVersion asks the database for the version through q.
func readVersion(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}) (int64, error) {
	var v int64
	if err := q.QueryRowContext(ctx, "SELECT version FROM site_state WHERE id = 1").Scan(&v); err != nil {
		return 0, fmt.Errorf("store: content version: %w", err)
	}
	return v, nil
}

// ContentVersion returns a number that changes whenever content or settings
// change. Inside a transaction it reads the transaction's view. Otherwise,
// while a watcher runs (WatchContentVersion), it answers from memory: this
// process's writes at once, another process's within 50 ms; without one,
// or while the watcher cannot vouch for what it knows, it asks the database.
func (s *Store) ContentVersion(ctx context.Context) (int64, error) {
	w := s.watch
	if s.txn != nil || w == nil {
		return readVersion(ctx, s.conn)
	}
	switch w.mode.Load() {
	case modePostgres:
		if w.live.Load() {
			return w.known.Load(), nil
		}
	case modeSQLite:
		now := time.Now().UnixNano()
		if now < w.next.Load() && w.live.Load() {
			return w.known.Load(), nil
		}
		if w.mu.TryLock() {
			err := w.checkSQLite(ctx)
			if err == nil {
				w.next.Store(now + int64(w.interval))
			}
			w.live.Store(err == nil)
			w.mu.Unlock()
			if err == nil {
				return w.known.Load(), nil
			}
		} else if w.live.Load() {
			// Another request is checking right now; what is known is at
			// most one interval and one check old.
			return w.known.Load(), nil
		}
	}
	return readVersion(ctx, s.db)
}

// checkSQLite asks data_version on the watcher's connection and, when
// another connection has committed since the last check, reads the version
// again. It runs under w.mu.
func (w *versionWatch) checkSQLite(ctx context.Context) error {
	var dv int64
	if err := w.dvStmt.QueryRowContext(ctx).Scan(&dv); err != nil {
		return fmt.Errorf("store: data_version: %w", err)
	}
	if dv == w.dv && w.live.Load() {
		return nil
	}
	var v int64
	if err := w.verStm.QueryRowContext(ctx).Scan(&v); err != nil {
		return fmt.Errorf("store: content version: %w", err)
	}
	w.dv = dv
	w.known.Store(v)
	return nil
}

// WatchContentVersion starts keeping the content version in memory (see
// ContentVersion), until ctx ends or the store is closed; when it is
// already watched it does nothing. A site (app.New) starts it; commands
// that run briefly do without. Problems of the PostgreSQL listener are
// logged to log; meanwhile every request asks the database.
func (s *Store) WatchContentVersion(ctx context.Context, log *slog.Logger) error {
	w := s.watch
	w.start.Lock()
	defer w.start.Unlock()
	if w.mode.Load() != 0 {
		return nil
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	switch s.d.name() {
	case "sqlite":
		return s.watchSQLite(ctx)
	case "postgres":
		s.watchPostgres(ctx, log)
		return nil
	}
	return nil
}

func (s *Store) watchSQLite(ctx context.Context) error {
	w := s.watch
	if w.interval == 0 {
		w.interval = sqlitePollInterval
	}
	// A connection of its own, outside the pool: data_version counts the
	// commits of every other connection, this process's pool included.
	db, err := sql.Open("sqlite", SQLiteDSN(s.Path))
	if err != nil {
		return fmt.Errorf("store: watch content version: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	dvStmt, err := db.PrepareContext(ctx, "PRAGMA data_version")
	if err != nil {
		db.Close()
		return fmt.Errorf("store: watch content version: %w", err)
	}
	verStm, err := db.PrepareContext(ctx, "SELECT version FROM site_state WHERE id = 1")
	if err != nil {
		db.Close()
		return fmt.Errorf("store: watch content version: %w", err)
	}
	w.mu.Lock()
	w.dvDB, w.dvStmt, w.verStm = db, dvStmt, verStm
	w.live.Store(false)
	err = w.checkSQLite(ctx)
	w.live.Store(err == nil)
	w.next.Store(time.Now().UnixNano() + int64(w.interval))
	w.mu.Unlock()
	if err != nil {
		db.Close()
		return fmt.Errorf("store: watch content version: %w", err)
	}
	stopCtx := context.AfterFunc(ctx, func() { w.stopSQLite() })
	w.stop = func() { stopCtx(); w.stopSQLite() }
	w.mode.Store(modeSQLite)
	return nil
}

func (w *versionWatch) stopSQLite() {
	w.mode.Store(0)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dvDB != nil {
		w.dvDB.Close()
		w.dvDB = nil
	}
	w.live.Store(false)
}

// listenerName is the application_name of the listener's connection, as
// pg_stat_activity shows it.
const listenerName = "quire content version listener"

func (s *Store) watchPostgres(ctx context.Context, log *slog.Logger) {
	w := s.watch
	if w.heartbeat == 0 {
		w.heartbeat = pgHeartbeat
	}
	if w.connect.Load() == nil {
		dsn := s.dsn
		connect := func(ctx context.Context) (*pgx.Conn, error) {
			cfg, err := pgx.ParseConfig(dsn)
			if err != nil {
				return nil, err
			}
			cfg.RuntimeParams["application_name"] = listenerName
			return pgx.ConnectConfig(ctx, cfg)
		}
		w.connect.Store(&connect)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	w.stop = func() { cancel(); <-done }
	w.mode.Store(modePostgres)
	go func() {
		defer close(done)
		defer w.live.Store(false)
		backoff := 50 * time.Millisecond
		for ctx.Err() == nil {
			began := time.Now()
			err := w.listen(ctx)
			w.live.Store(false)
			if ctx.Err() != nil {
				return
			}
			log.Warn("store: content version listener lost its connection; every request asks the database until it is back",
				"err", redactErr(err, s.dsn))
			if time.Since(began) > time.Minute {
				backoff = 50 * time.Millisecond
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 5*time.Second)
		}
	}()
}

// listen holds one LISTEN connection until it fails or ctx ends. The
// version is read after LISTEN (so no notification falls between), and
// only then does the watcher vouch for what it knows.
func (w *versionWatch) listen(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := (*w.connect.Load())(cctx)
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var schema string
	if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+versionChannel); err != nil {
		return err
	}
	reread := func() error {
		rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		var v int64
		if err := conn.QueryRow(rctx, "SELECT version FROM site_state WHERE id = 1").Scan(&v); err != nil {
			return err
		}
		w.mu.Lock()
		w.known.Store(v)
		w.mu.Unlock()
		return nil
	}
	if err := reread(); err != nil {
		return err
	}
	w.live.Store(true)
	for {
		wctx, cancel := context.WithTimeout(ctx, w.heartbeat)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil && errors.Is(err, context.DeadlineExceeded) && !conn.IsClosed():
			if err := reread(); err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		}
		sch, ver, ok := strings.Cut(n.Payload, " ")
		if !ok || sch != schema {
			continue // another site's schema in the same database
		}
		if v, err := strconv.ParseInt(ver, 10, 64); err == nil {
			w.raise(v)
		}
	}
}

// stopWatching ends the watcher, if one runs.
func (w *versionWatch) stopWatching() {
	w.start.Lock()
	defer w.start.Unlock()
	if w.stop != nil {
		w.stop()
		w.stop = nil
	}
	w.mode.Store(0)
}
