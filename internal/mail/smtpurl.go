package mail

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// TLSMode says how the connection to the SMTP server is protected.
type TLSMode string

// TLS modes.
const (
	// TLSOpportunistic upgrades with STARTTLS when the server offers it
	// (smtp://, the default).
	TLSOpportunistic TLSMode = "opportunistic"
	// TLSStartTLS requires STARTTLS (smtp://…?tls=starttls).
	TLSStartTLS TLSMode = "starttls"
	// TLSImplicit speaks TLS from the first byte (smtps://).
	TLSImplicit TLSMode = "implicit"
	// TLSNone never encrypts (smtp://…?tls=none), for a local test server.
	TLSNone TLSMode = "none"
)

// Default ports for submission with STARTTLS and with implicit TLS.
const (
	DefaultSubmissionPort = 587
	DefaultSMTPSPort      = 465
)

// SMTPConfig is where and how to send mail.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string // empty means no authentication
	Password string
	TLS      TLSMode
	// InsecureSkipVerify accepts any server certificate, for test servers.
	InsecureSkipVerify bool
	// DKIM, when set, signs every message sent (not part of the URL).
	DKIM *DKIM
}

// String returns the configuration as a URL with the password hidden, safe
// to log or show.
func (c SMTPConfig) String() string {
	u := url.URL{Scheme: "smtp", Host: c.Host + ":" + strconv.Itoa(c.Port)}
	if c.TLS == TLSImplicit {
		u.Scheme = "smtps"
	}
	if c.Username != "" {
		if c.Password != "" {
			u.User = url.UserPassword(c.Username, "xxxxx")
		} else {
			u.User = url.User(c.Username)
		}
	}
	q := url.Values{}
	if c.TLS == TLSNone || c.TLS == TLSStartTLS {
		q.Set("tls", string(c.TLS))
	}
	if c.InsecureSkipVerify {
		q.Set("insecure", "1")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// errSMTPURLForm is the shape every SMTP URL error points to.
const errSMTPURLForm = "write it as smtp://user:password@host:port or smtps://user:password@host:port, " +
	"with special characters in the user or password percent-encoded"

// ParseSMTPURL reads an SMTP URL: smtp://user:pass@host:port uses STARTTLS
// when the server offers it (port 587 by default), smtps://… speaks TLS from
// the start (port 465 by default). User and password are optional and
// percent-decoded. The query may hold insecure=1 (accept any certificate)
// and tls=none (never encrypt) or tls=starttls (require STARTTLS). Errors
// never contain the password.
func ParseSMTPURL(s string) (SMTPConfig, error) {
	var c SMTPConfig
	s = strings.TrimSpace(s)
	if s == "" {
		return c, errors.New("mail: the SMTP URL is empty; " + errSMTPURLForm)
	}
	u, err := url.Parse(s)
	if err != nil {
		// url.Parse quotes the whole input, password included: say what
		// is wrong without repeating it.
		return c, errors.New("mail: the SMTP URL does not parse; " + errSMTPURLForm)
	}
	switch u.Scheme {
	case "smtp":
		c.TLS, c.Port = TLSOpportunistic, DefaultSubmissionPort
	case "smtps":
		c.TLS, c.Port = TLSImplicit, DefaultSMTPSPort
	case "":
		return c, errors.New("mail: the SMTP URL has no scheme; " + errSMTPURLForm)
	default:
		return c, fmt.Errorf("mail: the SMTP URL scheme must be smtp or smtps, not %q", u.Scheme)
	}
	if u.Opaque != "" {
		return c, errors.New("mail: the SMTP URL has no host; " + errSMTPURLForm)
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return c, errors.New("mail: the SMTP URL has no host; " + errSMTPURLForm)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return c, fmt.Errorf("mail: the SMTP URL port %q is not a number from 1 to 65535", p)
		}
		c.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return c, fmt.Errorf("mail: the SMTP URL must not have a path (%q)", u.Path)
	}
	if u.Fragment != "" {
		return c, errors.New("mail: the SMTP URL must not have a #fragment")
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
		if c.Username == "" && c.Password != "" {
			return c, errors.New("mail: the SMTP URL has a password but no user name")
		}
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return c, errors.New("mail: the SMTP URL query does not parse; use ?tls=none or ?insecure=1")
	}
	var unknown []string
	for k, vs := range q {
		v := ""
		if len(vs) > 0 {
			v = vs[len(vs)-1]
		}
		switch k {
		case "insecure":
			b, ok := parseBool(v)
			if !ok {
				return c, fmt.Errorf("mail: the SMTP URL option insecure must be 1 or 0, not %q", v)
			}
			c.InsecureSkipVerify = b
		case "tls":
			switch strings.ToLower(v) {
			case "none":
				if c.TLS == TLSImplicit {
					return c, errors.New("mail: tls=none contradicts smtps://; use smtp:// for a plain connection")
				}
				c.TLS = TLSNone
			case "starttls":
				if c.TLS == TLSImplicit {
					return c, errors.New("mail: tls=starttls contradicts smtps://; use smtp:// for STARTTLS")
				}
				c.TLS = TLSStartTLS
			case "", "auto":
			default:
				return c, fmt.Errorf("mail: the SMTP URL option tls must be none or starttls, not %q", v)
			}
		default:
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return c, fmt.Errorf("mail: the SMTP URL has unknown options %s; known are tls and insecure",
			strings.Join(unknown, ", "))
	}
	return c, nil
}

func parseBool(v string) (value, ok bool) {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on", "":
		return true, true
	case "0", "false", "no", "off":
		return false, true
	}
	return false, false
}
