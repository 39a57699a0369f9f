package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/quirehq/quire/internal/mail"
)

// received is one message an in-process SMTP server accepted.
type received struct {
	From    string
	To      []string
	Data    []byte
	AuthAs  string
	WithTLS bool
}

// testServer is a real SMTP server on loopback.
type testServer struct {
	srv  *smtp.Server
	addr *net.TCPAddr

	user, pass string // require AUTH PLAIN with these when set
	rejectTo   string // answer RCPT TO for this address with 550

	mu   sync.Mutex
	msgs []received
}

type serverOpts struct {
	user, pass  string
	rejectTo    string
	startTLS    bool // offer STARTTLS
	implicitTLS bool // TLS from the first byte
	insecure    bool // allow AUTH without TLS
}

func startServer(t *testing.T, o serverOpts) *testServer {
	t.Helper()
	ts := &testServer{user: o.user, pass: o.pass, rejectTo: o.rejectTo}
	ts.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		_, isTLS := c.TLSConnectionState()
		return &session{ts: ts, tls: isTLS}, nil
	}))
	ts.srv.Domain = "localhost"
	ts.srv.AllowInsecureAuth = o.insecure
	ts.srv.ReadTimeout = 10 * time.Second
	ts.srv.WriteTimeout = 10 * time.Second
	ts.srv.ErrorLog = discardLogger{}
	var l net.Listener
	var err error
	if o.startTLS || o.implicitTLS {
		cfg := &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}
		if o.startTLS {
			ts.srv.TLSConfig = cfg
		}
		if o.implicitTLS {
			l, err = tls.Listen("tcp", "127.0.0.1:0", cfg)
		}
	}
	if l == nil && err == nil {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	ts.addr = l.Addr().(*net.TCPAddr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = ts.srv.Serve(l)
	}()
	t.Cleanup(func() {
		_ = ts.srv.Close()
		_ = l.Close() // Serve may not have registered l yet
		<-done
	})
	return ts
}

func (ts *testServer) messages() []received {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]received(nil), ts.msgs...)
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}

type session struct {
	ts     *testServer
	tls    bool
	authAs string
	cur    received
}

func (s *session) AuthMechanisms() []string {
	if s.ts.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.ts.user || password != s.ts.pass {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		s.authAs = username
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.ts.user != "" && s.authAs == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	s.cur = received{From: from, AuthAs: s.authAs, WithTLS: s.tls}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.ts.rejectTo != "" && strings.EqualFold(to, s.ts.rejectTo) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox " + to + " does not exist"}
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = b
	s.ts.mu.Lock()
	s.ts.msgs = append(s.ts.msgs, s.cur)
	s.ts.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and localhost.
func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func siteFrom(context.Context) string { return "Sales Coach <coach@example.com>" }

func sender(t *testing.T, rawURL string) mail.Sender {
	t.Helper()
	cfg, err := mail.ParseSMTPURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return mail.NewSMTP(cfg, siteFrom)
}

// parts reads a received message into its headers and its text and HTML
// bodies.
func parts(t *testing.T, data []byte) (netmail.Header, string, string) {
	t.Helper()
	msg, err := netmail.ReadMessage(strings.NewReader(string(data)))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, data)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		b, _ := io.ReadAll(msg.Body)
		return msg.Header, string(b), ""
	}
	if mt != "multipart/alternative" {
		t.Fatalf("Content-Type = %s, want multipart/alternative", mt)
	}
	var text, html string
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		default:
			t.Errorf("unexpected part %s", ct)
		}
	}
	return msg.Header, text, html
}

func TestSMTPSendsTextAndHTMLWithAuth(t *testing.T) {
	ts := startServer(t, serverOpts{user: "coach", pass: "s3cret:/@pass", insecure: true})
	s := sender(t, fmt.Sprintf("smtp://coach:%s@127.0.0.1:%d?tls=none", "s3cret%3A%2F%40pass", ts.addr.Port))
	m := mail.Message{
		To:      "reader@example.org",
		Subject: "The weekly tip: what business are you in?",
		Text:    "Hello reader,\n\nAsk what business you are in. Naïve answers lose.\n",
		HTML:    "<p>Hello reader,</p><p>Ask <em>what business</em> you are in.</p>",
		Headers: map[string]string{"List-Unsubscribe": "<https://example.com/unsubscribe/abc>"},
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	msgs := ts.messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.AuthAs != "coach" {
		t.Errorf("authenticated as %q, want coach", got.AuthAs)
	}
	if got.From != "coach@example.com" || len(got.To) != 1 || got.To[0] != "reader@example.org" {
		t.Errorf("envelope from %q to %v", got.From, got.To)
	}
	h, text, html := parts(t, got.Data)
	if h.Get("Subject") != m.Subject {
		t.Errorf("Subject = %q", h.Get("Subject"))
	}
	if from, err := netmail.ParseAddress(h.Get("From")); err != nil || from.Address != "coach@example.com" || from.Name != "Sales Coach" {
		t.Errorf("From = %q (%v)", h.Get("From"), err)
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if id := h.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") {
		t.Errorf("Message-ID = %q, want <…@example.com>", id)
	}
	if h.Get("List-Unsubscribe") != "<https://example.com/unsubscribe/abc>" {
		t.Errorf("List-Unsubscribe = %q", h.Get("List-Unsubscribe"))
	}
	if !strings.Contains(text, "Hello reader,") || !strings.Contains(text, "Naïve answers lose.") {
		t.Errorf("text part = %q", text)
	}
	if !strings.Contains(html, "<em>what business</em>") {
		t.Errorf("html part = %q", html)
	}
}

func TestSMTPPlainTextOnly(t *testing.T) {
	ts := startServer(t, serverOpts{})
	s := sender(t, fmt.Sprintf("smtp://127.0.0.1:%d?tls=none", ts.addr.Port))
	if err := s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "Hi", Text: "Just text."}); err != nil {
		t.Fatal(err)
	}
	msgs := ts.messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	h, text, html := parts(t, msgs[0].Data)
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type = %q, want text/plain", ct)
	}
	if !strings.Contains(text, "Just text.") || html != "" {
		t.Errorf("text %q html %q", text, html)
	}
}

func TestSMTPStartTLSWhenOffered(t *testing.T) {
	// The server refuses AUTH without TLS, so delivery proves the client
	// upgraded with STARTTLS before authenticating.
	ts := startServer(t, serverOpts{user: "u", pass: "p", startTLS: true})
	s := sender(t, fmt.Sprintf("smtp://u:p@127.0.0.1:%d?insecure=1", ts.addr.Port))
	if err := s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "Hi", Text: "x", HTML: "<b>x</b>"}); err != nil {
		t.Fatal(err)
	}
	msgs := ts.messages()
	if len(msgs) != 1 || !msgs[0].WithTLS || msgs[0].AuthAs != "u" {
		t.Fatalf("messages = %+v, want one over TLS authenticated as u", msgs)
	}
}

func TestSMTPCertificateCheckedUnlessInsecure(t *testing.T) {
	ts := startServer(t, serverOpts{startTLS: true})
	s := sender(t, fmt.Sprintf("smtp://127.0.0.1:%d", ts.addr.Port))
	err := s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "Hi", Text: "x"})
	if err == nil {
		t.Fatal("sent through a server with a self-signed certificate without insecure=1")
	}
	t.Log(err)
	if len(ts.messages()) != 0 {
		t.Error("the server received the message anyway")
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	ts := startServer(t, serverOpts{user: "u", pass: "p", implicitTLS: true})
	s := sender(t, fmt.Sprintf("smtps://u:p@127.0.0.1:%d?insecure=1", ts.addr.Port))
	if err := s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "Hi", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	msgs := ts.messages()
	if len(msgs) != 1 || !msgs[0].WithTLS {
		t.Fatalf("messages = %+v, want one over TLS", msgs)
	}
}

func TestSMTPRejectedRecipientShowsServerReply(t *testing.T) {
	ts := startServer(t, serverOpts{rejectTo: "nobody@example.org"})
	s := sender(t, fmt.Sprintf("smtp://127.0.0.1:%d?tls=none", ts.addr.Port))
	err := s.Send(context.Background(), mail.Message{To: "nobody@example.org", Subject: "Hi", Text: "x"})
	if err == nil {
		t.Fatal("want an error")
	}
	msg := err.Error()
	t.Log(msg)
	if !strings.HasPrefix(msg, "mail: send to nobody@example.org: ") {
		t.Errorf("error %q does not start with mail: send to …", msg)
	}
	if !strings.Contains(msg, "550") || !strings.Contains(msg, "mailbox nobody@example.org does not exist") {
		t.Errorf("error %q does not carry the server's reply", msg)
	}
	if !mail.Permanent(err) {
		t.Errorf("a 550 on RCPT TO should be permanent: %v", err)
	}
	var se *mail.SendError
	if !errors.As(err, &se) || se.Code != 550 {
		t.Errorf("SendError code = %+v", se)
	}
	if len(ts.messages()) != 0 {
		t.Error("the server kept a message it rejected")
	}
}

func TestSMTPWrongPasswordShowsReplyButNotPassword(t *testing.T) {
	ts := startServer(t, serverOpts{user: "u", pass: "right", insecure: true})
	s := sender(t, fmt.Sprintf("smtp://u:wrong-pw-123@127.0.0.1:%d?tls=none", ts.addr.Port))
	err := s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "Hi", Text: "x"})
	if err == nil {
		t.Fatal("want an error")
	}
	t.Log(err)
	if !strings.Contains(err.Error(), "535") || !strings.Contains(err.Error(), "bad credentials") {
		t.Errorf("error %q does not carry the server's reply", err)
	}
	if strings.Contains(err.Error(), "wrong-pw-123") {
		t.Errorf("error %q leaks the password", err)
	}
	if mail.Permanent(err) {
		t.Errorf("an authentication failure is worth retrying once the admin fixes it: %v", err)
	}
}

func TestSMTPConnectionRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := sender(t, fmt.Sprintf("smtp://127.0.0.1:%d?tls=none", port))
	err = s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "Hi", Text: "x"})
	t.Log(err)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("smtp server 127.0.0.1:%d", port)) {
		t.Errorf("err = %v, want a connect error naming the server", err)
	}
}

func TestSMTPNeedsFromAddress(t *testing.T) {
	ts := startServer(t, serverOpts{})
	cfg, err := mail.ParseSMTPURL(fmt.Sprintf("smtp://127.0.0.1:%d?tls=none", ts.addr.Port))
	if err != nil {
		t.Fatal(err)
	}
	s := mail.NewSMTP(cfg, func(context.Context) string { return "" })
	err = s.Send(context.Background(), mail.Message{To: "a@example.org", Subject: "Hi", Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "From") {
		t.Errorf("err = %v, want one about the missing From address", err)
	}
}

func TestBuildKeepsMessageIDForKey(t *testing.T) {
	m := mail.Message{To: "a@example.org", Subject: "Hi", Text: "x", Key: "comment-reply:42:a@example.org"}
	now := time.Now()
	a, err := mail.Build(m, "site@example.com", now, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := mail.Build(m, "site@example.com", now, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.GetMessageID() == "" || a.GetMessageID() != b.GetMessageID() {
		t.Errorf("Message-IDs %q and %q, want the same for one key", a.GetMessageID(), b.GetMessageID())
	}
	m.Key = ""
	c, _ := mail.Build(m, "site@example.com", now, nil)
	d, _ := mail.Build(m, "site@example.com", now, nil)
	if c.GetMessageID() == d.GetMessageID() {
		t.Errorf("Message-IDs without a key are equal: %q", c.GetMessageID())
	}
}

func TestValidateRejectsHeaderInjection(t *testing.T) {
	m := mail.Message{
		To:      "not an address",
		Subject: "Hi\r\nBcc: victim@example.org",
		Text:    "x",
		Headers: map[string]string{"X-Ok": "fine", "X-Bad": "a\nb", "From": "x@example.org", "Bad Name": "v"},
	}
	err := m.Validate()
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"not an email address", "subject contains a line break",
		"X-Bad contains a line break", "From is set by the sender", `"Bad Name" is not valid`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "X-Ok") {
		t.Errorf("error %q mentions a valid header", err)
	}
}
