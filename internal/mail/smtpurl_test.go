package mail_test

import (
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/mail"
)

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		in   string
		want mail.SMTPConfig
	}{
		{"smtp://mail.example.com", mail.SMTPConfig{Host: "mail.example.com", Port: 587, TLS: mail.TLSOpportunistic}},
		{"smtps://mail.example.com", mail.SMTPConfig{Host: "mail.example.com", Port: 465, TLS: mail.TLSImplicit}},
		{"SMTP://Mail.Example.com:2525/", mail.SMTPConfig{Host: "Mail.Example.com", Port: 2525, TLS: mail.TLSOpportunistic}},
		{"smtp://coach%40example.com:p%40ss%3Aw%2Frd@mail.example.com:587",
			mail.SMTPConfig{Host: "mail.example.com", Port: 587, Username: "coach@example.com", Password: "p@ss:w/rd", TLS: mail.TLSOpportunistic}},
		{"smtp://apikey@mail.example.com", mail.SMTPConfig{Host: "mail.example.com", Port: 587, Username: "apikey", TLS: mail.TLSOpportunistic}},
		{"smtp://localhost:1025?tls=none", mail.SMTPConfig{Host: "localhost", Port: 1025, TLS: mail.TLSNone}},
		{"smtp://u:p@localhost:2525?tls=starttls&insecure=1",
			mail.SMTPConfig{Host: "localhost", Port: 2525, Username: "u", Password: "p", TLS: mail.TLSStartTLS, InsecureSkipVerify: true}},
		{"smtps://[::1]:4650?insecure=true", mail.SMTPConfig{Host: "::1", Port: 4650, TLS: mail.TLSImplicit, InsecureSkipVerify: true}},
		{"  smtp://h?insecure=0  ", mail.SMTPConfig{Host: "h", Port: 587, TLS: mail.TLSOpportunistic}},
	}
	for _, tt := range tests {
		got, err := mail.ParseSMTPURL(tt.in)
		if err != nil {
			t.Errorf("ParseSMTPURL(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseSMTPURL(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestParseSMTPURLErrorsNeverShowThePassword(t *testing.T) {
	const pw = "Sup3rSecretPW"
	tests := []struct{ in, want string }{
		{"", "empty"},
		{"http://u:" + pw + "@h", `scheme must be smtp or smtps, not "http"`},
		{"mail.example.com:587", "scheme"},
		{"smtp://u:" + pw + "@h:99999", "port"},
		{"smtp://u:" + pw + "@h:port", "does not parse"},
		{"smtp://u:" + pw + "%zz@h", "does not parse"},
		{"smtp://u:" + pw + "@/", "no host"},
		{"smtp://:" + pw + "@h", "no user name"},
		{"smtp://u:" + pw + "@h/path", "path"},
		{"smtp://u:" + pw + "@h?tls=maybe", "tls must be none or starttls"},
		{"smtps://u:" + pw + "@h?tls=none", "contradicts"},
		{"smtp://u:" + pw + "@h?insecure=perhaps", "insecure must be 1 or 0"},
		{"smtp://u:" + pw + "@h?verify=0&auth=x", "unknown options auth, verify"},
		{"smtp:u:" + pw + "@h", "no host"},
	}
	for _, tt := range tests {
		_, err := mail.ParseSMTPURL(tt.in)
		if err == nil {
			t.Errorf("ParseSMTPURL(%q) succeeded, want an error", tt.in)
			continue
		}
		if !strings.HasPrefix(err.Error(), "mail: ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSMTPURL(%q) = %q, want it to mention %q", tt.in, err, tt.want)
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "Sup3r") {
			t.Errorf("ParseSMTPURL(%q) error %q shows the password", tt.in, err)
		}
	}
}

func TestSMTPConfigStringHidesPassword(t *testing.T) {
	c, err := mail.ParseSMTPURL("smtp://coach:hunter2@mail.example.com:2525?tls=none&insecure=1")
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	if strings.Contains(s, "hunter2") {
		t.Errorf("String() = %q shows the password", s)
	}
	back, err := mail.ParseSMTPURL(s)
	if err != nil {
		t.Fatal(err)
	}
	back.Password = c.Password
	if back != c {
		t.Errorf("String() = %q reads back as %+v, want %+v", s, back, c)
	}
}
