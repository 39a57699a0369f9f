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

// Server is an SMTP server on 127.0.0.1 that accepts everything, unless
// told otherwise (SetRcpt, Down).
type Server struct {
	t    testing.TB
	mu   sync.Mutex
	msgs [][]byte
	port int
	rcpt func(to string) error

	srv  *smtp.Server
	l    net.Listener
	done chan struct{}

	sessions, open, maxOpen int
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t}
	s.listen("127.0.0.1:0")
	t.Cleanup(s.stop)
	return s
}

func (s *Server) listen(addr string) {
	s.t.Helper()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		s.mu.Lock()
		s.sessions++
		s.open++
		s.maxOpen = max(s.maxOpen, s.open)
		s.mu.Unlock()
		return &session{s: s}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	var l net.Listener
	var err error
	for range 50 { // the port just closed may take a moment to be free again
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	s.mu.Lock()
	s.srv, s.l, s.done = srv, l, done
	s.port = l.Addr().(*net.TCPAddr).Port
	s.mu.Unlock()
}

func (s *Server) stop() {
	s.mu.Lock()
	srv, l, done := s.srv, s.l, s.done
	s.srv = nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	_ = srv.Close()
	_ = l.Close()
	<-done
}

// Down stops the server, closing its connections: clients are refused
// until Up.
func (s *Server) Down() { s.stop() }

// Up starts the server again on the same port after Down.
func (s *Server) Up() {
	s.t.Helper()
	s.listen("127.0.0.1:" + strconv.Itoa(s.port))
}

// SetRcpt makes fn answer each RCPT TO (an *smtp.SMTPError to refuse
// it: 4xx for a temporary failure, 5xx for good); nil accepts every
// recipient again.
func (s *Server) SetRcpt(fn func(to string) error) {
	s.mu.Lock()
	s.rcpt = fn
	s.mu.Unlock()
}

// Sessions returns how many SMTP sessions (connections) were opened in
// all, and the most that were open at once.
func (s *Server) Sessions() (total, maxOpen int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions, s.maxOpen
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

// Raw returns every message received so far, as it came.
func (s *Server) Raw() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.msgs...)
}

// Count is how many messages were received.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

type session struct{ s *Server }

func (*session) Mail(string, *smtp.MailOptions) error { return nil }
func (*session) Reset()                               {}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	fn := x.s.rcpt
	x.s.mu.Unlock()
	if fn != nil {
		return fn(to)
	}
	return nil
}

func (x *session) Logout() error {
	x.s.mu.Lock()
	x.s.open--
	x.s.mu.Unlock()
	return nil
}

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
