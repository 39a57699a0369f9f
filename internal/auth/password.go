// Package auth hashes and checks account passwords with argon2id, stored in
// the PHC string format so the parameters travel with each hash.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Parameters for new hashes: 64 MiB of memory, two passes, one lane, as
// recommended for interactive logins.
const (
	memoryKiB = 64 * 1024
	passes    = 2
	lanes     = 1
	saltLen   = 16
	keyLen    = 32
)

// ErrMalformedHash is returned for a stored hash that is not an argon2id
// PHC string this package can read.
var ErrMalformedHash = errors.New("auth: malformed password hash")

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id hash of pw as a PHC string:
// $argon2id$v=19$m=65536,t=2,p=1$SALT$HASH.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, passes, memoryKiB, lanes, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memoryKiB, passes, lanes, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// params are the settings read back from a stored hash.
type params struct {
	memory  uint32
	passes  uint32
	lanes   uint8
	salt    []byte
	key     []byte
	version int
}

func parse(hash string) (*params, error) {
	parts := strings.Split(hash, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, key
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return nil, ErrMalformedHash
	}
	var p params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &p.version); err != nil || p.version != argon2.Version {
		return nil, ErrMalformedHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.passes, &p.lanes); err != nil {
		return nil, ErrMalformedHash
	}
	// Refuse parameters that would let a stored value exhaust the machine.
	if p.memory < 8 || p.memory > 1<<21 || p.passes < 1 || p.passes > 16 || p.lanes < 1 {
		return nil, ErrMalformedHash
	}
	var err error
	if p.salt, err = b64.DecodeString(parts[4]); err != nil || len(p.salt) < 8 {
		return nil, ErrMalformedHash
	}
	if p.key, err = b64.DecodeString(parts[5]); err != nil || len(p.key) < 16 || len(p.key) > 128 {
		return nil, ErrMalformedHash
	}
	return &p, nil
}

// CheckPassword reports whether pw matches hash, comparing in constant time.
// A malformed or empty hash never matches.
func CheckPassword(hash, pw string) bool {
	p, err := parse(hash)
	if err != nil {
		return false
	}
	key := argon2.IDKey([]byte(pw), p.salt, p.passes, p.memory, p.lanes, uint32(len(p.key)))
	return subtle.ConstantTimeCompare(key, p.key) == 1
}

// dummyHash is checked against when an account does not exist, so a login
// for an unknown email costs the same time as one for a known email.
const dummyHash = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$" +
	"YzNhZGRmZjM0ZDVlZjU5NDM3YjZiNGQ1ZGE1YWNlYmQ"

// BurnTime does the work of one password check and discards it, so callers
// can answer an unknown account as slowly as a known one.
func BurnTime(pw string) { CheckPassword(dummyHash, pw) }
