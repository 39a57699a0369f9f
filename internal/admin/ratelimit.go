package admin

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// limit is a number of attempts allowed per window, shared by all instances
// through the database.
type limit struct {
	prefix string
	max    int
	window time.Duration
}

// Limits on login and password-reset attempts, per client IP and per account.
var (
	loginPerIP      = limit{"login-ip:", 10, 15 * time.Minute}
	loginPerAccount = limit{"login-acct:", 5, 15 * time.Minute}
	resetPerIP      = limit{"reset-ip:", 5, time.Hour}
	resetPerAccount = limit{"reset-acct:", 3, time.Hour}
)

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
