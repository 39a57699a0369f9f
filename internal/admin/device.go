package admin

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// The known-device cookie marks a browser that has logged in to an account
// before: "USERID.DEVICEID.SIGNATURE", signed with a key derived from the
// site secret over the user, the device ID and the user's session epoch
// (so a password change or "Log out everywhere else" voids every copy).
// It is a cookie rather than a remembered address because addresses
// change (phones, home lines) and are shared (offices, cafés, carrier
// NAT): an attacker on the owner's network would borrow an address's
// standing, never a cookie's. It grants nothing by itself; it only keeps
// the browser out of the account-wide budget of new-browser logins that
// strangers can exhaust (see the limits in ratelimit.go).
const (
	deviceCookie    = "quire_device"
	deviceCookieAge = 365 * 24 * time.Hour
	devicePath      = "/admin/"
)

// knownDevice returns the device ID of the request's known-device cookie
// when it is a valid one for u, else "".
func (h *Handler) knownDevice(r *http.Request, u *blog.User) (string, error) {
	if u == nil {
		return "", nil
	}
	ck, err := r.Cookie(deviceCookie)
	if err != nil {
		return "", nil
	}
	parts := strings.Split(ck.Value, ".")
	if len(parts) != 3 || parts[0] != strconv.FormatInt(u.ID, 10) || len(parts[1]) < 16 || len(parts[1]) > 64 {
		return "", nil
	}
	want, err := h.deviceSignature(r.Context(), u, parts[1])
	if err != nil {
		return "", err
	}
	if !hmac.Equal([]byte(want), []byte(parts[2])) {
		return "", nil
	}
	return parts[1], nil
}

// rememberDevice gives the browser the known-device cookie of u, keeping
// its device ID when it has one already.
func (h *Handler) rememberDevice(w http.ResponseWriter, r *http.Request, set *site.Settings, u *blog.User, id string) error {
	if id == "" {
		id = store.NewToken()
	}
	sig, err := h.deviceSignature(r.Context(), u, id)
	if err != nil {
		return err
	}
	set.SetCookie(w, r, &http.Cookie{Name: deviceCookie, Value: strconv.FormatInt(u.ID, 10) + "." + id + "." + sig,
		Path: devicePath, MaxAge: int(deviceCookieAge / time.Second)})
	return nil
}

func (h *Handler) deviceSignature(ctx context.Context, u *blog.User, id string) (string, error) {
	key, err := h.Site.Key(ctx, "known-device")
	if err != nil {
		return "", fmt.Errorf("admin: device key: %w", err)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "known-device\x00%d\x00%s\x00%d", u.ID, id, u.SessionEpoch)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}
