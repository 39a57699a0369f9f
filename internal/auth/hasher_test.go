package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestHasherBoundsConcurrentWork(t *testing.T) {
	h := NewHasher(2, time.Minute)
	hash, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			switch i % 3 {
			case 0:
				_, err = h.Check(context.Background(), hash, "wrong password")
			case 1:
				err = h.BurnTime(context.Background(), "anything")
			default:
				_, err = h.Hash(context.Background(), "a new password")
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	s := h.Stats()
	if s.Peak > 2 || s.Peak < 1 || s.Done != 12 || s.Running != 0 {
		t.Fatalf("stats %+v: want at most 2 at once, 12 done, none running", s)
	}
}

func TestHasherRefusesWhenEverySlotStaysBusy(t *testing.T) {
	h := NewHasher(1, 20*time.Millisecond)
	release, err := h.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Check(context.Background(), dummyHash, "pw"); !errors.Is(err, ErrBusy) {
		t.Fatalf("check with every slot held: %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h2 := NewHasher(1, time.Hour)
	r2, _ := h2.Acquire(context.Background())
	if _, err := h2.Hash(ctx, "pw"); !errors.Is(err, context.Canceled) {
		t.Fatalf("hash with a cancelled context: %v", err)
	}
	r2()
	release()
	release() // twice is harmless
	if ok, err := h.Check(context.Background(), dummyHash, "pw"); ok || err != nil {
		t.Fatalf("check after release: %v, %v", ok, err)
	}
	if s := h.Stats(); s.Running != 0 || s.Done != 2 {
		t.Fatalf("stats %+v", s)
	}
}
