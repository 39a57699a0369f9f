package mail

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTPTimeout bounds one delivery: connecting, talking and sending.
const SMTPTimeout = 30 * time.Second

// SendError is a failed delivery. Its message carries the server's own
// reply ("550 5.1.1 no such user") so an admin can act on it.
type SendError struct {
	To string
	// Code is the server's SMTP reply code, 0 when the failure came before
	// the server answered (a refused connection, say).
	Code int
	// Permanent is true when the server refused the recipient for good, so
	// trying again cannot help.
	Permanent bool
	// Transport is true when the server or the connection failed rather
	// than this recipient (refused or lost connection, no answer, 421, a
	// refused sender): every message would fail now. Set by Pool.
	Transport bool
	Err       error

	stage gomail.SendErrReason // where go-mail's send failed (Pool)
}

func (e *SendError) Error() string { return "mail: send to " + e.To + ": " + e.Err.Error() }

func (e *SendError) Unwrap() error { return e.Err }

// Permanent reports whether err is a delivery that will fail again however
// often it is retried (the server rejected the recipient with a 5xx reply).
func Permanent(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Permanent
}

type smtpSender struct {
	cfg  SMTPConfig
	from func(ctx context.Context) string
}

// NewSMTP returns a Sender that delivers each message over its own SMTP
// connection to the server in cfg. from returns the From address (it may
// be "Name <addr>") at the time of sending, so a changed setting applies
// to the next message.
func NewSMTP(cfg SMTPConfig, from func(ctx context.Context) string) Sender {
	return &smtpSender{cfg: cfg, from: from}
}

// Send implements Sender.
func (s *smtpSender) Send(ctx context.Context, m Message) error {
	msg, err := Build(m, s.from(ctx), time.Now(), s.cfg.DKIM)
	if err != nil {
		return err
	}
	client, err := gomail.NewClient(s.cfg.Host, s.options()...)
	if err != nil {
		return fmt.Errorf("mail: smtp client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, SMTPTimeout)
	defer cancel()
	addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port))
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return &SendError{To: m.To, Code: replyCode(err), Err: fmt.Errorf("smtp server %s: %w", addr, err)}
	}
	sendErr := client.SendWithSMTPClient(conn, msg)
	closeErr := client.CloseWithSMTPClient(conn)
	if sendErr != nil {
		return deliveryError(m.To, sendErr)
	}
	if closeErr != nil && !msg.IsDelivered() {
		return &SendError{To: m.To, Err: closeErr}
	}
	return nil
}

func (s *smtpSender) options() []gomail.Option {
	tc := &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12, InsecureSkipVerify: s.cfg.InsecureSkipVerify} //nolint:gosec // only when the admin asks, for test servers
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(SMTPTimeout),
		gomail.WithTLSConfig(tc),
	}
	switch s.cfg.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
		if s.cfg.TLS == TLSNone {
			// The admin chose a plain connection on purpose (a local test
			// server, mailpit): allow PLAIN and LOGIN over it.
			opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
				gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc))
		} else {
			// PLAIN and LOGIN only once the connection is encrypted.
			opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover))
		}
	}
	return opts
}

// deliveryError turns go-mail's error into a SendError carrying the
// server's reply.
func deliveryError(to string, err error) error {
	se := &SendError{To: to, Err: err}
	var ge *gomail.SendError
	if errors.As(err, &ge) {
		se.Code = ge.ErrorCode()
		se.Permanent = ge.Reason == gomail.ErrSMTPRcptTo && !ge.IsTemp() && se.Code >= 500
		se.Err = errors.New(strings.TrimSpace(serverReply(ge)))
	}
	return se
}

// serverReply is go-mail's description of a failed delivery without the
// parts the admin already knows (the recipient and the Message-ID).
func serverReply(ge *gomail.SendError) string {
	s := ge.Error()
	if i := strings.Index(s, ", affected recipient(s):"); i >= 0 {
		s = s[:i]
	} else if i := strings.Index(s, ", affected message ID:"); i >= 0 {
		s = s[:i]
	}
	return s
}

// replyCode finds a three-digit SMTP reply code at the start of an error
// from the server, or 0.
func replyCode(err error) int {
	for e := err; e != nil; e = errors.Unwrap(e) {
		s := e.Error()
		if len(s) >= 3 && (s[0] == '4' || s[0] == '5') {
			if n, err := strconv.Atoi(s[:3]); err == nil {
				return n
			}
		}
	}
	return 0
}

// Build turns m into a go-mail message from from, dated now: plain text,
// or multipart/alternative text and HTML when m has HTML, with a
// Message-ID (m.MessageID, else derived from m.Key when set, so a retried
// message keeps its ID) and m's extra headers, signed with dkim when it is
// not nil (for the From address's domain).
func Build(m Message, from string, now time.Time, dkim *DKIM) (*gomail.Msg, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(from) == "" {
		return nil, errors.New("mail: no From address is set; set the site's mail-from address")
	}
	fromAddr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: From address %q: %w", from, err)
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(fromAddr)
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("mail: recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDateWithValue(now)
	if m.MessageID != "" {
		msg.SetMessageIDWithValue(m.MessageID)
	} else {
		msg.SetMessageIDWithValue(messageID(m.Key, fromAddr.Address))
	}
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	if dkim != nil {
		msg.SetDKIM(dkim.signer(domainOf(fromAddr.Address)))
	}
	return msg, nil
}

// messageID returns the left and right parts of a Message-ID: stable for a
// key, random otherwise, at the sender's domain.
func messageID(key, fromAddr string) string {
	domain := "quire.invalid"
	if i := strings.LastIndexByte(fromAddr, '@'); i >= 0 && i < len(fromAddr)-1 {
		domain = fromAddr[i+1:]
	}
	var left string
	if key != "" {
		sum := sha256.Sum256([]byte("quire-message-id\x00" + key))
		left = hex.EncodeToString(sum[:16])
	} else {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		left = hex.EncodeToString(b)
	}
	return left + "@" + domain
}
