package mail_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/mail/mailtest"
)

// writeKey writes a PEM private key for the tests of DKIM signing.
func writeKey(t *testing.T, block *pem.Block) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "dkim.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestDKIMSignsEveryMessage: with a key and a selector, messages sent over
// the pool and over single connections carry a DKIM-Signature for the
// From address's domain that covers the list headers (RFC 8058).
func TestDKIMSignsEveryMessage(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(edKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		block *pem.Block
		algo  string
	}{
		{"rsa", &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}, "a=rsa-sha256"},
		{"ed25519", &pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}, "a=ed25519-sha256"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := mail.LoadDKIM(writeKey(t, c.block), "tips2026")
			if err != nil {
				t.Fatal(err)
			}
			srv := mailtest.Start(t)
			cfg, err := mail.ParseSMTPURL(srv.URL())
			if err != nil {
				t.Fatal(err)
			}
			cfg.DKIM = d
			from := func(context.Context) string { return "tips@coach.example.com" }
			pool, err := mail.NewPool(cfg, from, 2)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			m := mail.Message{To: "reader@example.org", Subject: "Signed", Text: "Hello", HTML: "<p>Hello</p>",
				MessageID: "newsletter.1.2@coach.example.com",
				Headers: map[string]string{"List-Unsubscribe": "<https://coach.example.com/newsletter/unsubscribe/x>",
					"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}}
			if err := pool.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			if err := mail.NewSMTP(cfg, from).Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			got := srv.Received()
			if len(got) != 2 {
				t.Fatalf("%d messages", len(got))
			}
			for _, r := range got {
				sig := strings.Join(strings.Fields(r.Header.Get("Dkim-Signature")), "")
				for _, want := range []string{"d=coach.example.com", "s=tips2026", c.algo, "list-unsubscribe:list-unsubscribe-post"} {
					if !strings.Contains(strings.ToLower(sig), strings.ToLower(want)) {
						t.Errorf("DKIM-Signature %q lacks %s", sig, want)
					}
				}
				if r.Header.Get("Message-Id") != "<newsletter.1.2@coach.example.com>" {
					t.Errorf("Message-ID %q", r.Header.Get("Message-Id"))
				}
			}
		})
	}
	for _, bad := range []struct{ key, selector, want string }{
		{writeKey(t, &pem.Block{Type: "CERTIFICATE", Bytes: []byte("x")}), "s", "unsupported PEM block"},
		{filepath.Join(t.TempDir(), "missing.pem"), "s", "no such file"},
		{writeKey(t, &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}), "", "needs a selector"},
	} {
		if _, err := mail.LoadDKIM(bad.key, bad.selector); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("LoadDKIM(%s, %q): %v, want %q", bad.key, bad.selector, err, bad.want)
		}
	}
}
