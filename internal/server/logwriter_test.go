package server_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/server"
)

type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

// TestLogWriterKeepsEveryLine writes lines from several goroutines and
// checks that each arrives whole and once, in far fewer writes, with what
// was held written on Flush and on Close.
func TestLogWriterKeepsEveryLine(t *testing.T) {
	var out lockedBuffer
	lw := server.NewLogWriter(&out, time.Hour) // no tick during the test: flushes are explicit
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 500 {
				fmt.Fprintf(lw, "level=INFO msg=request g=%d i=%d path=/2011/01/05/a-post/\n", g, i)
			}
		})
	}
	wg.Wait()
	if err := lw.Flush(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(lw, "last line\n")
	if strings.Contains(out.b.String(), "last line") {
		t.Error("a line was written before a flush")
	}
	if err := lw.Close(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.b.String(), "\n"), "\n")
	if len(lines) != 2001 || lines[2000] != "last line" {
		t.Fatalf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
	seen := map[string]bool{}
	for _, l := range lines[:2000] {
		if !strings.HasPrefix(l, "level=INFO msg=request g=") || seen[l] {
			t.Fatalf("line broken or repeated: %q", l)
		}
		seen[l] = true
	}
	if out.writes > 10 {
		t.Errorf("%d writes for 2,001 lines", out.writes)
	}
}
