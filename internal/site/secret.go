package site

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// secretSetting names the stored master key of the site. It is made at
// random on first use; every instance reads the same one.
const secretSetting = "site_secret"

// Key returns a signing key for one purpose ("comment-token",
// "moderation-hash", "avatar"…), derived from the site's master secret, so
// that a signature made for one purpose is worthless for another.
func (s *Site) Key(ctx context.Context, purpose string) ([]byte, error) {
	s.mu.Lock()
	master := s.secret
	s.mu.Unlock()
	if master == nil {
		fresh := make([]byte, 32)
		if _, err := rand.Read(fresh); err != nil {
			return nil, fmt.Errorf("site: make secret: %w", err)
		}
		v, err := s.store.EnsureSetting(ctx, secretSetting, hex.EncodeToString(fresh))
		if err != nil {
			return nil, fmt.Errorf("site: secret: %w", err)
		}
		if master, err = hex.DecodeString(v); err != nil || len(master) < 16 {
			return nil, fmt.Errorf("site: the stored %s is not a usable key", secretSetting)
		}
		s.mu.Lock()
		s.secret = master
		s.mu.Unlock()
	}
	m := hmac.New(sha256.New, master)
	m.Write([]byte(purpose))
	return m.Sum(nil), nil
}
