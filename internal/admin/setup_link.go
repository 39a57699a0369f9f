package admin

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/store"
)

// setupTTL is how long a printed setup link works.
const setupTTL = 24 * time.Hour

// SetupLink returns the one-time link that lets the owner create their
// account, or "" when the site has an owner. Each call issues a new token
// and makes any earlier link useless.
func SetupLink(ctx context.Context, st *store.Store, baseURL string) (string, error) {
	done, err := st.HasOwner(ctx)
	if err != nil {
		return "", fmt.Errorf("admin: setup link: %w", err)
	}
	if done {
		return "", nil
	}
	tok, err := st.IssueToken(ctx, store.TokenSetup, 0, setupTTL)
	if err != nil {
		return "", fmt.Errorf("admin: setup link: %w", err)
	}
	return strings.TrimRight(baseURL, "/") + "/admin/setup/" + tok, nil
}
