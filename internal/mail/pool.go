package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// Pool defaults.
const (
	// DefaultPoolConns is how many connections a Pool opens at most.
	DefaultPoolConns = 4
	// MessageTimeout bounds one message on a pooled connection, from MAIL
	// FROM to the server's answer to the data: past it the connection is
	// closed under the message.
	MessageTimeout = 15 * time.Second
	// poolIdle is how long a connection may wait unused before it is
	// closed rather than trusted (servers drop idle clients).
	poolIdle = 20 * time.Second
	// poolMaxPerConn is how many messages one connection carries before
	// it is replaced (servers limit messages per session).
	poolMaxPerConn = 500
)

// Pool is a Sender for bulk mail: it keeps a few SMTP connections open and
// sends one message after another on each (no NOOP or RSET between
// messages), at most Limit connections at once. Its errors are *SendError,
// whose Transport says whether the server or the connection failed (every
// message would fail now) rather than this recipient.
type Pool struct {
	cfg    SMTPConfig
	from   func(ctx context.Context) string
	client *gomail.Client
	addr   string

	mu     sync.Mutex
	limit  int
	inUse  int
	idle   []*pooled
	wake   chan struct{} // closed and replaced when a slot frees
	closed bool
}

type pooled struct {
	c    *smtp.Client
	used time.Time
	sent int
}

// NewPool returns a pool sending through the server in cfg, From from()
// at the time of each message, over at most limit connections (0: the
// default, 4).
func NewPool(cfg SMTPConfig, from func(ctx context.Context) string, limit int) (*Pool, error) {
	s := &smtpSender{cfg: cfg}
	opts := append(s.options(), gomail.WithTimeout(MessageTimeout), gomail.WithoutNoop(), gomail.WithoutRset())
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: smtp pool: %w", err)
	}
	p := &Pool{cfg: cfg, from: from, client: c, addr: net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)),
		wake: make(chan struct{})}
	p.SetLimit(limit)
	return p, nil
}

// SetLimit changes how many connections may be open at once (a setting);
// n < 1 is the default. Connections beyond it close as they come back.
func (p *Pool) SetLimit(n int) {
	if n < 1 {
		n = DefaultPoolConns
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if n != p.limit {
		p.limit = n
		p.broadcast()
	}
}

// Limit is how many connections may be open at once.
func (p *Pool) Limit() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.limit
}

func (p *Pool) broadcast() {
	close(p.wake)
	p.wake = make(chan struct{})
}

// acquire waits for a free slot and returns an idle connection, or nil
// when a new one must be dialled.
func (p *Pool) acquire(ctx context.Context) (*pooled, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, errors.New("mail: smtp pool is closed")
		}
		if p.inUse < p.limit {
			p.inUse++
			var c *pooled
			for len(p.idle) > 0 && c == nil {
				c = p.idle[len(p.idle)-1]
				p.idle = p.idle[:len(p.idle)-1]
				if time.Since(c.used) > poolIdle || c.sent >= poolMaxPerConn {
					go p.quit(c)
					c = nil
				}
			}
			p.mu.Unlock()
			return c, nil
		}
		wake := p.wake
		p.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// release gives the slot back, keeping c for the next message when it is
// not nil and the pool has room.
func (p *Pool) release(c *pooled) {
	p.mu.Lock()
	p.inUse--
	if c != nil && !p.closed && p.inUse+len(p.idle) < p.limit {
		c.used = time.Now()
		p.idle = append(p.idle, c)
		c = nil
	}
	p.broadcast()
	p.mu.Unlock()
	if c != nil {
		p.quit(c)
	}
}

func (p *Pool) quit(c *pooled) {
	done := make(chan struct{})
	go func() { _ = c.c.Quit(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	_ = c.c.Close()
}

// Close closes the idle connections; messages being sent finish first.
func (p *Pool) Close() error {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.broadcast()
	p.mu.Unlock()
	for _, c := range idle {
		p.quit(c)
	}
	return nil
}

// Send implements Sender: m goes out on a pooled connection.
func (p *Pool) Send(ctx context.Context, m Message) error {
	msg, err := Build(m, p.from(ctx), time.Now(), p.cfg.DKIM)
	if err != nil {
		return err
	}
	c, err := p.acquire(ctx)
	if err != nil {
		return &SendError{To: m.To, Transport: true, Err: err}
	}
	reused := c != nil
	c, err = p.send(ctx, c, msg, m.To)
	if err != nil && reused && retryFresh(err) {
		// A connection kept open may have been dropped by the server
		// since; nothing of this message was accepted, so try once on a
		// new one.
		c, err = p.send(ctx, nil, msg, m.To)
	}
	p.release(c)
	return err
}

// send sends msg on c (dialling when nil), and returns the connection
// when it may carry another message.
func (p *Pool) send(ctx context.Context, c *pooled, msg *gomail.Msg, to string) (*pooled, error) {
	ctx, cancel := context.WithTimeout(ctx, MessageTimeout)
	defer cancel()
	if c == nil {
		sc, err := p.client.DialToSMTPClientWithContext(ctx)
		if err != nil {
			return nil, &SendError{To: to, Code: replyCode(err), Transport: true, Err: fmt.Errorf("smtp server %s: %w", p.addr, err)}
		}
		c = &pooled{c: sc}
	}
	// Past the message's time, close the connection under it: whatever
	// the server is doing, the message fails and the slot comes back.
	stop := context.AfterFunc(ctx, func() { _ = c.c.Close() })
	err := p.client.SendWithSMTPClient(c.c, msg)
	if !stop() {
		if err == nil && msg.IsDelivered() {
			return nil, nil // accepted just in time; the connection is closed
		}
		return nil, &SendError{To: to, Transport: true, Err: fmt.Errorf("smtp server %s: no answer within %s", p.addr, MessageTimeout)}
	}
	c.sent++
	if err == nil {
		return c, nil
	}
	if msg.IsDelivered() {
		// Accepted; only what came after (the session's reset) failed.
		return nil, nil
	}
	se := poolError(to, err)
	if se.Transport || !c.c.HasConnection() {
		return nil, se
	}
	if se.stage != gomail.ErrSMTPRcptTo {
		// After a refused DATA the session's state is not certain: start
		// the next message on a new connection.
		return nil, se
	}
	return c, se
}

// poolError classifies a failed send: the recipient's (a 4xx or 5xx reply
// to RCPT TO or to the message) or the server's (no connection, no reply,
// 421, or MAIL FROM refused, which every message would meet).
func poolError(to string, err error) *SendError {
	se := &SendError{To: to, Err: err}
	var ge *gomail.SendError
	if !errors.As(err, &ge) {
		se.Transport = true
		return se
	}
	se.stage = ge.Reason
	se.Code = ge.ErrorCode()
	se.Err = errors.New(strings.TrimSpace(serverReply(ge)))
	switch {
	case se.Code == 0, se.Code == 421, ge.Reason == gomail.ErrSMTPMailFrom, ge.Reason == gomail.ErrConnCheck,
		ge.Reason == gomail.ErrGetSender, ge.Reason == gomail.ErrNoUnencoded:
		se.Transport = true
	case se.Code >= 500:
		se.Permanent = true
	}
	return se
}

// retryFresh reports whether a failure on a reused connection happened
// before the server could have accepted anything of the message, so it
// may be tried again at once on a new connection.
func retryFresh(err error) bool {
	var se *SendError
	if !errors.As(err, &se) || !se.Transport {
		return false
	}
	return se.stage == gomail.ErrSMTPMailFrom || se.stage == gomail.ErrConnCheck
}
