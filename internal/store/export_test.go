package store

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// VersionLive reports whether the content version watcher vouches for what
// it knows (the PostgreSQL listener is connected and has read the version).
func (s *Store) VersionLive() bool { return s.watch.live.Load() }

// SetVersionPollInterval sets how long SQLite trusts its last data_version
// check; call it before WatchContentVersion.
func (s *Store) SetVersionPollInterval(d time.Duration) { s.watch.interval = d }

// SetVersionHeartbeat sets how often the PostgreSQL listener reads the
// version itself; call it before WatchContentVersion.
func (s *Store) SetVersionHeartbeat(d time.Duration) { s.watch.heartbeat = d }

// BlockVersionListener returns a switch: while it is on, the PostgreSQL
// listener cannot connect. Call it before WatchContentVersion.
func (s *Store) BlockVersionListener() *atomic.Bool {
	var blocked atomic.Bool
	dsn := s.dsn
	connect := func(ctx context.Context) (*pgx.Conn, error) {
		if blocked.Load() {
			return nil, errors.New("blocked by the test")
		}
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, err
		}
		cfg.RuntimeParams["application_name"] = listenerName
		return pgx.ConnectConfig(ctx, cfg)
	}
	s.watch.connect.Store(&connect)
	return &blocked
}
