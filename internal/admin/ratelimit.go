package admin

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
)

// limit is a number of attempts allowed per window, shared by all instances
// through the database.
type limit struct {
	prefix string
	max    int
	window time.Duration
}

// Limits on login and password-reset attempts. Addresses are counted by
// clientip.Bucket (an IPv6 client by its /64), accounts by accountKey.
//
// No limit counts an account's attempts from everywhere together for
// everyone: that would let anyone lock the owner out with a few wrong
// passwords. An address is limited on its own and at each account; a
// browser that has logged in to an account before (knownDevice) is limited
// on its own at that account and never held back by strangers' failures;
// only logins from new browsers share an account-wide budget, large enough
// for a person and small enough to slow guessing from many addresses. The
// owner locked out of new browsers still gets in from a known one, or by
// the one-time link the lost-password page mails.
var (
	loginPerIP             = limit{"login-ip:", 10, 15 * time.Minute}
	loginPerAccountAddress = limit{"login-acct-ip:", 5, 15 * time.Minute}
	loginPerDevice         = limit{"login-device:", 5, 15 * time.Minute}
	loginPerAccountNew     = limit{"login-acct-new:", 20, time.Hour}
	resetPerIP             = limit{"reset-ip:", 5, time.Hour}
	resetPerAccount        = limit{"reset-acct:", 3, time.Hour}
	// passwordPerUser limits a logged-in user's tries at their current
	// password on the profile page: a stolen session is not a free oracle.
	passwordPerUser = limit{"profile-pw:", 10, 15 * time.Minute}
)

// accountKey names an account (by the email typed, whether or not an
// account has it) in rate-limit buckets, by a keyed hash: the rate table
// holds no address, and the answer is the same for unknown emails.
func (h *Handler) accountKey(ctx context.Context, email string) (string, error) {
	key, err := h.Site.Key(ctx, "login-rate")
	if err != nil {
		return "", fmt.Errorf("admin: rate key: %w", err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(blog.NormalizeEmail(email)))
	return hex.EncodeToString(m.Sum(nil)[:12]), nil
}

// allow records an attempt for key under l and, when over the limit, says
// how long to wait (0 when the attempt may go on).
func (h *Handler) allow(ctx context.Context, l limit, key string) (time.Duration, error) {
	ok, err := h.Store.Allow(ctx, l.prefix+key, l.max, l.window)
	if err != nil || ok {
		return 0, err
	}
	wait, err := h.Store.RateRetryAfter(ctx, l.prefix+key, l.max, l.window)
	if err != nil {
		return 0, err
	}
	if wait < time.Second {
		wait = time.Second
	}
	return wait, nil
}

// tooManyMessage says how long to wait, in whole minutes rounded up.
func tooManyMessage(wait time.Duration) string {
	mins := int((wait + time.Minute - 1) / time.Minute)
	unit := "minutes"
	if mins == 1 {
		unit = "minute"
	}
	return fmt.Sprintf("Too many attempts, try again in %d %s.", mins, unit)
}

// setRetryAfter adds the Retry-After header of a 429 answer.
func setRetryAfter(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
}

// busyMessage is shown when every password-hashing slot stayed busy.
const busyMessage = "The site is busy checking other passwords just now. Nothing was lost: please try again in a few seconds."

// hashBusy reports whether err says every password-hashing slot stayed
// busy; if so it sets the 503 answer's Retry-After header, and the caller
// shows its form again with busyMessage and http.StatusServiceUnavailable.
func hashBusy(w http.ResponseWriter, err error) bool {
	if !errors.Is(err, auth.ErrBusy) {
		return false
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(auth.RetryAfter/time.Second)))
	return true
}
