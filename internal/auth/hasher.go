package auth

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"time"
)

// ErrBusy means every hashing slot stayed taken for the whole wait: the
// caller should answer 503 with Retry-After and let the person try again.
var ErrBusy = errors.New("auth: every password check slot is busy")

// DefaultWait is how long an attempt waits for a free slot before ErrBusy.
const DefaultWait = 5 * time.Second

// RetryAfter is what callers tell a client refused with ErrBusy to wait.
const RetryAfter = 5 * time.Second

// Hasher runs the password work of a process (hashing a new password,
// checking one, burning the time of a check for an unknown account) with at
// most a fixed number of Argon2id computations at once. Each takes 64 MiB
// and a core for a moment, so without a bound a burst of login attempts
// holds gigabytes and starves every other request; with one, a burst waits
// its turn, or is refused with ErrBusy when the wait grows too long. One
// Hasher serves the whole process.
type Hasher struct {
	slots chan struct{}
	wait  time.Duration

	running atomic.Int64
	peak    atomic.Int64
	done    atomic.Int64
}

// NewHasher returns a Hasher running at most slots computations at once
// (0: runtime.GOMAXPROCS, about the number of cores), each attempt waiting
// at most wait for a slot (0: DefaultWait).
func NewHasher(slots int, wait time.Duration) *Hasher {
	if slots <= 0 {
		slots = runtime.GOMAXPROCS(0)
	}
	if wait <= 0 {
		wait = DefaultWait
	}
	return &Hasher{slots: make(chan struct{}, slots), wait: wait}
}

// Slots returns how many computations may run at once.
func (h *Hasher) Slots() int { return cap(h.slots) }

// Acquire waits for a free slot and returns the function that frees it. It
// fails with ErrBusy when none came free within the Hasher's wait, or
// with ctx's error when ctx ended first.
func (h *Hasher) Acquire(ctx context.Context) (release func(), err error) {
	select {
	case h.slots <- struct{}{}:
	default:
		t := time.NewTimer(h.wait)
		defer t.Stop()
		select {
		case h.slots <- struct{}{}:
		case <-t.C:
			return nil, ErrBusy
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	n := h.running.Add(1)
	for {
		p := h.peak.Load()
		if n <= p || h.peak.CompareAndSwap(p, n) {
			break
		}
	}
	var once atomic.Bool
	return func() {
		if once.CompareAndSwap(false, true) {
			h.running.Add(-1)
			h.done.Add(1)
			<-h.slots
		}
	}, nil
}

// Hash returns the argon2id hash of pw (see HashPassword), computed in a
// slot.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	release, err := h.Acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return HashPassword(pw)
}

// Check reports whether pw matches hash (see CheckPassword), computed in a
// slot.
func (h *Hasher) Check(ctx context.Context, hash, pw string) (bool, error) {
	release, err := h.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return CheckPassword(hash, pw), nil
}

// BurnTime does the work of one check in a slot and discards it (see the
// package's BurnTime), so an unknown account answers as slowly as a known
// one, and waits for a slot as a known one would.
func (h *Hasher) BurnTime(ctx context.Context, pw string) error {
	release, err := h.Acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	BurnTime(pw)
	return nil
}

// HasherStats counts a Hasher's work, for metrics and tests.
type HasherStats struct {
	Running int // computations running now
	Peak    int // the most ever running at once
	Done    int // computations finished
}

// Stats returns the Hasher's counts.
func (h *Hasher) Stats() HasherStats {
	return HasherStats{Running: int(h.running.Load()), Peak: int(h.peak.Load()), Done: int(h.done.Load())}
}
