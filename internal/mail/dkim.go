package mail

import (
	"crypto"
	"errors"
	"fmt"
	"os"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// DKIM signs outgoing mail (RFC 6376) with a private key whose public
// half is published at SELECTOR._domainkey.DOMAIN, DOMAIN being the From
// address's domain when each message is sent. go-mail signs (relaxed
// canonicalization, RSA-SHA256 or Ed25519-SHA256 by the key's type).
type DKIM struct {
	Selector string
	Key      crypto.Signer
}

// dkimHeaders are the headers signed: the usual ones and the list headers,
// which RFC 8058 requires a one-click unsubscribe's signature to cover.
var dkimHeaders = []string{"From", "To", "Subject", "Date", "Message-ID", "Reply-To", "MIME-Version", "Content-Type",
	"List-Id", "List-Unsubscribe", "List-Unsubscribe-Post"}

// LoadDKIM reads a PEM private key (PKCS#1 or PKCS#8, RSA or Ed25519) from
// file, for selector.
func LoadDKIM(file, selector string) (*DKIM, error) {
	selector = strings.TrimSpace(selector)
	if selector == "" {
		return nil, errors.New("mail: DKIM needs a selector as well as a key")
	}
	if strings.ContainsAny(selector, " \t\r\n;=") {
		return nil, fmt.Errorf("mail: DKIM selector %q is not a DNS label", selector)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("mail: DKIM key: %w", err)
	}
	key, err := gomail.PrivKeyFromPEM(b)
	if err != nil {
		return nil, fmt.Errorf("mail: DKIM key %s: %w", file, err)
	}
	d := &DKIM{Selector: selector, Key: key}
	if err := d.signer("example.com").ValidateConfig(); err != nil {
		return nil, fmt.Errorf("mail: DKIM key %s: %w", file, err)
	}
	return d, nil
}

// signer returns go-mail's signer for domain.
func (d *DKIM) signer(domain string) *gomail.DKIMSigner {
	s := gomail.NewDKIMSigner(domain, d.Selector, d.Key)
	s.SignHeaders(dkimHeaders...)
	return s
}

// domainOf returns the domain of an address, or "localhost".
func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && i < len(addr)-1 {
		return addr[i+1:]
	}
	return "localhost"
}
