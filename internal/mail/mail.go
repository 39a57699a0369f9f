// Package mail builds email messages and sends them over SMTP, or keeps
// them in the development outbox when no SMTP server is configured.
package mail

import "context"

// Message is one email to one recipient.
type Message struct {
	To      string
	Subject string
	Text    string // plain-text body, always present
	HTML    string // optional HTML body
	// Key makes sending idempotent: a message whose key was already sent is
	// not sent again. Empty means no such guarantee.
	Key string
	// Headers adds extra headers (List-Unsubscribe, say).
	Headers map[string]string
}

// Sender sends a message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}
