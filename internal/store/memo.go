package store

import (
	"context"
	"sync"
)

// versionMemo keeps what a few costly reads returned (exact counts over
// every comment, say) for one content version: any write that could change
// them moves the version, so they stay exact, and each is computed once
// per version rather than once per request.
type versionMemo struct {
	mu      sync.Mutex
	version int64
	vals    map[string]any
}

// memoMaxEntries bounds a version's memo (keys may hold what someone
// searched for).
const memoMaxEntries = 256

// memoized returns what compute returns, kept under key for the current
// content version. Inside a transaction it always computes (the
// transaction may see its own writes).
func memoized[T any](ctx context.Context, s *Store, key string, compute func() (T, error)) (T, error) {
	if s.txn != nil || s.watch == nil {
		return compute()
	}
	// The version is read before computing: a write committed meanwhile
	// leaves a newer value under an older version, never the reverse.
	v, err := s.ContentVersion(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	m := &s.watch.memo
	m.mu.Lock()
	if m.version == v {
		if x, ok := m.vals[key]; ok {
			m.mu.Unlock()
			return x.(T), nil
		}
	}
	m.mu.Unlock()
	x, err := compute()
	if err != nil {
		return x, err
	}
	m.mu.Lock()
	if m.version != v || m.vals == nil {
		m.version, m.vals = v, map[string]any{}
	}
	if len(m.vals) < memoMaxEntries {
		m.vals[key] = x
	}
	m.mu.Unlock()
	return x, nil
}
