package mail_test

import (
	"context"
	"testing"

	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/store/storetest"
)

func TestOutboxKeepsMessages(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	s := mail.NewOutbox(st)
	first := mail.Message{To: "reader@example.org", Subject: "Confirm your subscription", Text: "Click the link.", HTML: "<p>Click the link.</p>"}
	second := mail.Message{To: "owner@example.com", Subject: "Reset your password", Text: "Use this link."}
	for _, m := range []mail.Message{first, second} {
		if err := s.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := st.Outbox(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("outbox has %d messages, want 2", len(got))
	}
	if got[0].To != second.To || got[0].Subject != second.Subject || got[0].Text != second.Text || got[0].HTML != "" {
		t.Errorf("newest = %+v, want %+v", got[0], second)
	}
	if got[1].To != first.To || got[1].HTML != first.HTML || got[1].CreatedAt.IsZero() {
		t.Errorf("oldest = %+v, want %+v", got[1], first)
	}
}

func TestOutboxRefusesInvalidMessage(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	if err := mail.NewOutbox(st).Send(ctx, mail.Message{To: "nobody", Subject: "x", Text: "x"}); err == nil {
		t.Fatal("kept a message with no valid recipient")
	}
	if got, _ := st.Outbox(ctx, 10); len(got) != 0 {
		t.Errorf("outbox has %d messages, want none", len(got))
	}
}
