package linkback

import (
	"errors"
	"fmt"
)

// Pingback 1.0's fault codes, which also classify every refusal of the
// other two protocols.
const (
	faultGeneric        = 0  // any other problem
	faultSourceMissing  = 16 // the source does not exist (or cannot be fetched)
	faultNoLink         = 17 // the source does not link to the target
	faultTargetMissing  = 32 // the target does not exist
	faultTargetUnusable = 33 // the target is not a post taking linkbacks
	faultRegistered     = 48 // the linkback is registered already
	faultAccessDenied   = 49 // the sender is refused (too many requests)
	faultUpstream       = 50 // the source's server failed, or the fetch budget is spent
)

// refusal is why a linkback was not taken: a Pingback fault code and a
// plain reason fit to send back.
type refusal struct {
	code   int
	msg    string
	detail string // for the log only: what a fetch found
}

func (r *refusal) Error() string { return fmt.Sprintf("linkback: refused (%d): %s", r.code, r.msg) }

func refuse(code int, msg string) *refusal { return &refusal{code: code, msg: msg} }

// asRefusal returns the refusal in err, if any.
func asRefusal(err error) (*refusal, bool) {
	var r *refusal
	ok := errors.As(err, &r)
	return r, ok
}

// Refusals every endpoint may answer.
var (
	errRate = refuse(faultAccessDenied,
		"Too many requests from your address. Please wait a few minutes and try again.")
	errBudget = refuse(faultUpstream,
		"The source's site was asked too often in the last minute. Please try again in a minute.")
)
