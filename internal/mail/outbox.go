package mail

import (
	"context"
	"fmt"

	"github.com/quirehq/quire/internal/store"
)

type outbox struct{ st *store.Store }

// NewOutbox returns a Sender that keeps every message in the store's
// outbox, where the admin can read it, instead of sending it. It is the
// sender when no SMTP server is configured, so every flow that sends mail
// can be tried on a fresh install.
func NewOutbox(st *store.Store) Sender { return outbox{st: st} }

// Send implements Sender.
func (o outbox) Send(ctx context.Context, m Message) error {
	if err := m.Validate(); err != nil {
		return err
	}
	om := &store.OutboxMessage{To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML}
	if err := o.st.AddToOutbox(ctx, om); err != nil {
		return fmt.Errorf("mail: outbox: %w", err)
	}
	return nil
}
