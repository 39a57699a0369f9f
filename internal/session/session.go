// Package session sets up the admin's sessions (scs, stored in the
// database so every instance shares them) and loads and saves them around
// each request, writing the session cookie with the site's cookie policy of
// that request.
package session

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// CookieName is the admin session cookie's name.
const CookieName = "quire_session"

// New returns the session manager of the admin, over the sessions table of
// st: sessions last 14 days at most, and end after 7 days unused.
func New(st *store.Store) *scs.SessionManager {
	sm := scs.New()
	sm.Store = st.Sessions()
	sm.Lifetime = 14 * 24 * time.Hour
	sm.IdleTimeout = 7 * 24 * time.Hour
	sm.Cookie.Name = CookieName
	// Secure, Path, HttpOnly and SameSite come from the site's cookie
	// policy on each request (Handler), not from here.
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	return sm
}

// Handler loads the session of each request and saves it before the
// response starts, as scs's LoadAndSave does, but writes the session cookie
// through the site's cookie policy (site.Settings.Cookie) for that
// request: Secure follows the base URL in effect, Path its prefix. Each
// saved session records a coarse description of the browser (Describe).
func Handler(sm *scs.SessionManager, s *site.Site, logger *slog.Logger, next http.Handler) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Cookie")
		var token string
		if c, err := r.Cookie(sm.Cookie.Name); err == nil {
			token = c.Value
		}
		ctx := store.WithSessionClient(r.Context(), Describe(r.UserAgent()))
		ctx, err := sm.Load(ctx, token)
		if err != nil {
			fail(w, r, logger, err)
			return
		}
		r = r.WithContext(ctx)
		sw := &writer{ResponseWriter: w}
		sw.save = func() bool { return save(sm, s, logger, w, r) }
		next.ServeHTTP(sw, r)
		if !sw.started {
			sw.save()
		}
	})
}

// save commits a changed session and writes its cookie, or expires the
// cookie of a destroyed one. It reports false when it answered with an
// error instead.
func save(sm *scs.SessionManager, s *site.Site, logger *slog.Logger, w http.ResponseWriter, r *http.Request) bool {
	ctx := r.Context()
	status := sm.Status(ctx)
	if status != scs.Modified && status != scs.Destroyed {
		return true
	}
	set, _, err := s.Current(ctx)
	if err != nil {
		fail(w, r, logger, err)
		return false
	}
	ck := &http.Cookie{Name: sm.Cookie.Name, Path: sm.Cookie.Path}
	if status == scs.Destroyed {
		ck.Expires, ck.MaxAge = time.Unix(1, 0), -1
	} else {
		token, expiry, err := sm.Commit(ctx)
		if err != nil {
			fail(w, r, logger, err)
			return false
		}
		ck.Value = token
		if sm.Cookie.Persist || sm.GetBool(ctx, "__rememberMe") {
			ck.Expires = time.Unix(expiry.Unix()+1, 0)
			ck.MaxAge = int(time.Until(expiry).Seconds() + 1)
		}
	}
	set.SetCookie(w, r, ck)
	w.Header().Add("Cache-Control", `no-cache="Set-Cookie"`)
	return true
}

// fail answers a request whose session could not be loaded or saved.
func fail(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	if store.IsUnavailable(err) {
		w.Header().Set("Retry-After", "30")
		http.Error(w, "The database cannot be reached just now. Nothing was saved; please try again in a minute.", http.StatusServiceUnavailable)
		return
	}
	logger.ErrorContext(context.WithoutCancel(r.Context()), "session: load or save failed", "path", r.URL.Path, "err", err)
	http.Error(w, "Something went wrong on our side. The error was logged; please try again.", http.StatusInternalServerError)
}

// writer saves the session just before the response starts, while its
// cookie can still be set. When saving fails it has answered with an error,
// and what the handler writes afterwards is dropped.
type writer struct {
	http.ResponseWriter
	save    func() bool
	started bool
	failed  bool
}

func (sw *writer) WriteHeader(code int) {
	if !sw.started {
		sw.started = true
		sw.failed = !sw.save()
	}
	if !sw.failed {
		sw.ResponseWriter.WriteHeader(code)
	}
}

func (sw *writer) Write(b []byte) (int, error) {
	if !sw.started {
		sw.WriteHeader(http.StatusOK)
	}
	if sw.failed {
		return len(b), nil
	}
	return sw.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the writer underneath.
func (sw *writer) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

// Describe returns a coarse description of a browser from its User-Agent,
// such as "Firefox on Linux", for the list of a user's sessions: enough to
// recognise one's own devices, nothing more.
func Describe(ua string) string {
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(ua, x) {
				return true
			}
		}
		return false
	}
	browser := "Unknown browser"
	switch {
	case has("Edg/", "EdgA/", "EdgiOS/"):
		browser = "Edge"
	case has("OPR/", "Opera"):
		browser = "Opera"
	case has("Firefox/", "FxiOS/"):
		browser = "Firefox"
	case has("Chrome/", "CriOS/", "Chromium/"):
		browser = "Chrome"
	case has("Safari/"):
		browser = "Safari"
	case strings.HasPrefix(ua, "curl/"):
		return "curl"
	case strings.HasPrefix(ua, "Go-http-client/"):
		return "Go program"
	}
	system := ""
	switch {
	case has("iPhone"):
		system = "iPhone"
	case has("iPad"):
		system = "iPad"
	case has("Android"):
		system = "Android"
	case has("Windows"):
		system = "Windows"
	case has("CrOS"):
		system = "ChromeOS"
	case has("Macintosh", "Mac OS X"):
		system = "macOS"
	case has("Linux"):
		system = "Linux"
	}
	if system == "" {
		return browser
	}
	return browser + " on " + system
}
