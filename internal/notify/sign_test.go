package notify_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/notify"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store/storetest"
)

func TestSignerSealAndOpen(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	clk := &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s := notify.Signer{Site: site.New(st, site.Overrides{}), Now: clk.Now}

	tok, err := s.Seal(ctx, "newsletter-confirm", clk.Now().Add(7*24*time.Hour), "42", "7")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(tok, "42") || strings.ContainsAny(tok, "/+=?&") {
		t.Errorf("token %q is not opaque and URL-safe", tok)
	}
	fields, exp, err := s.Open(ctx, "newsletter-confirm", tok)
	if err != nil || strings.Join(fields, ",") != "42,7" || !exp.Equal(clk.Now().Add(7*24*time.Hour)) {
		t.Fatalf("open = %v, %v, %v", fields, exp, err)
	}
	// Another purpose, a changed payload, a changed or missing signature.
	if _, _, err := s.Open(ctx, "newsletter-unsubscribe", tok); !errors.Is(err, notify.ErrBadToken) {
		t.Errorf("other purpose: %v", err)
	}
	enc, sig, _ := strings.Cut(tok, ".")
	forged := base64.RawURLEncoding.EncodeToString([]byte("43.7.9999999999")) + "." + sig
	for name, bad := range map[string]string{"forged payload": forged, "no signature": enc + ".", "no dot": enc,
		"flipped signature": enc + "." + strings.ToUpper(sig), "empty": "", "junk": "%%%.%%%"} {
		if f, _, err := s.Open(ctx, "newsletter-confirm", bad); !errors.Is(err, notify.ErrBadToken) || f != nil {
			t.Errorf("%s: %v, %v", name, f, err)
		}
	}
	// Expired: still genuine, so its fields come back with the error.
	clk.add(7*24*time.Hour + time.Second)
	fields, _, err = s.Open(ctx, "newsletter-confirm", tok)
	if !errors.Is(err, notify.ErrExpiredToken) || strings.Join(fields, ",") != "42,7" {
		t.Errorf("expired: %v, %v", fields, err)
	}
	// No expiry: good for ever.
	forever, _ := s.Seal(ctx, "newsletter-unsubscribe", time.Time{}, "42", "0")
	clk.add(10 * 365 * 24 * time.Hour)
	if f, exp, err := s.Open(ctx, "newsletter-unsubscribe", forever); err != nil || !exp.IsZero() || len(f) != 2 {
		t.Errorf("unexpiring token: %v, %v, %v", f, exp, err)
	}
	if _, err := s.Seal(ctx, "x", time.Time{}, "a.b"); err == nil {
		t.Error("a field with a dot was sealed")
	}
}
