// Package mailtest runs a real SMTP server on loopback, in process, that
// keeps every message it receives, for tests of what Quire sends.
package mailtest

import (
	"io"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Server is an SMTP server on 127.0.0.1 that accepts everything.
type Server struct {
	mu   sync.Mutex
	msgs [][]byte
	port int
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close(); _ = l.Close(); <-done })
	return s
}

// Port is the port the server listens on.
func (s *Server) Port() int { return s.port }

// URL is the --smtp-url that reaches the server (plain SMTP, no TLS).
func (s *Server) URL() string { return "smtp://127.0.0.1:" + strconv.Itoa(s.port) + "?tls=none" }

// Received returns every message received so far, parsed.
func (s *Server) Received() []*netmail.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*netmail.Message
	for _, b := range s.msgs {
		if m, err := netmail.ReadMessage(strings.NewReader(string(b))); err == nil {
			out = append(out, m)
		}
	}
	return out
}

type session struct{ s *Server }

func (*session) Mail(string, *smtp.MailOptions) error { return nil }
func (*session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (*session) Reset()                               {}
func (*session) Logout() error                        { return nil }

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, b)
	x.s.mu.Unlock()
	return nil
}
