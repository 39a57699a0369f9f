package server

import (
	"io"
	"sync"
	"time"
)

// LogWriter holds log lines for w and writes them together, at most every
// interval or once 32 KiB wait, so that a busy server's request log costs
// one write(2) a tick instead of one per request. Every line is written,
// in order; Close writes what is left. A process killed outright loses at
// most the last interval's lines.
type LogWriter struct {
	mu   sync.Mutex
	w    io.Writer
	buf  []byte
	err  error
	stop chan struct{}
	done chan struct{}
}

// logWriterMax is how much a LogWriter holds before writing at once.
const logWriterMax = 32 << 10

// NewLogWriter starts writing to w what it is given, every interval.
func NewLogWriter(w io.Writer, interval time.Duration) *LogWriter {
	l := &LogWriter{w: w, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				_ = l.Flush()
			case <-l.stop:
				return
			}
		}
	}()
	return l
}

// Write keeps p to be written with the next flush.
func (l *LogWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	if len(l.buf) >= logWriterMax {
		l.flushLocked()
	}
	return len(p), nil
}

// Flush writes what is held now, and returns the first error a write met.
func (l *LogWriter) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
	return l.err
}

func (l *LogWriter) flushLocked() {
	if len(l.buf) == 0 {
		return
	}
	if _, err := l.w.Write(l.buf); err != nil && l.err == nil {
		l.err = err
	}
	if cap(l.buf) > 4*logWriterMax {
		l.buf = nil // a burst passed: give its memory back
	} else {
		l.buf = l.buf[:0]
	}
}

// Close stops the ticker and writes what is left.
func (l *LogWriter) Close() error {
	close(l.stop)
	<-l.done
	return l.Flush()
}
