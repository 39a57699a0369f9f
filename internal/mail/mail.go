// Package mail builds email messages and sends them over SMTP, or keeps
// them in the development outbox when no SMTP server is configured.
package mail

import (
	"context"
	"fmt"
	netmail "net/mail"
	"sort"
	"strings"
)

// Message is one email to one recipient.
type Message struct {
	To      string
	Subject string
	Text    string // plain-text body, always present
	HTML    string // optional HTML body
	// Key makes sending idempotent: a message whose key was already sent is
	// not sent again. Empty means no such guarantee.
	Key string
	// MessageID, when set, is the message's Message-ID (without angle
	// brackets), the same for every attempt: a newsletter issue's to one
	// subscriber (blog.DeliveryMessageID). Empty: derived from Key, else
	// random.
	MessageID string
	// Headers adds extra headers (List-Unsubscribe, say).
	Headers map[string]string
}

// Sender sends a message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// reservedHeaders are set by the sender and may not come from Headers.
var reservedHeaders = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "subject": true, "date": true,
	"message-id": true, "mime-version": true, "content-type": true, "content-transfer-encoding": true,
}

// Validate checks that m can be sent: one valid recipient address, and a
// subject and headers without line breaks (which would let text inject
// headers). It reports every problem at once.
func (m Message) Validate() error {
	var errs []string
	if a, err := netmail.ParseAddress(m.To); err != nil {
		errs = append(errs, fmt.Sprintf("recipient %q is not an email address", m.To))
	} else if a.Name != "" && strings.ContainsAny(a.Name, "\r\n") {
		errs = append(errs, fmt.Sprintf("recipient %q contains a line break", m.To))
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		errs = append(errs, "the subject contains a line break")
	}
	if m.MessageID != "" {
		if at := strings.IndexByte(m.MessageID, '@'); at <= 0 || at == len(m.MessageID)-1 ||
			strings.ContainsAny(m.MessageID, "<> \t\r\n") {
			errs = append(errs, fmt.Sprintf("Message-ID %q is not left@right", m.MessageID))
		}
	}
	names := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		switch {
		case !validHeaderName(k):
			errs = append(errs, fmt.Sprintf("header name %q is not valid", k))
		case reservedHeaders[strings.ToLower(k)]:
			errs = append(errs, fmt.Sprintf("header %s is set by the sender", k))
		case strings.ContainsAny(m.Headers[k], "\r\n"):
			errs = append(errs, fmt.Sprintf("header %s contains a line break", k))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("mail: message to %q: %s", m.To, strings.Join(errs, "; "))
}

// validHeaderName reports whether s is an RFC 5322 field name: printable
// ASCII without spaces or colons.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 127 || c == ':' {
			return false
		}
	}
	return true
}
