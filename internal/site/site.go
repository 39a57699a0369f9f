// Package site holds the settings a running site reads on every request
// (title, base URL, time zone, permalink pattern…) and builds its URLs.
// Settings are cached per content version, so a change made by any
// instance or command is seen on the very next request.
package site

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// Setting names as stored by the admin.
const (
	KeyTitle        = "title"
	KeyDescription  = "description"
	KeyBaseURL      = "base_url"
	KeyTimeZone     = "timezone"
	KeyPermalink    = "permalink"
	KeyPostsPerPage = "posts_per_page"
	KeyFeedItems    = "feed_items"
	KeyFeedFullText = "feed_full_text"
	KeyMailFrom     = "mail_from"
	KeyLanguage     = "language"
	// KeyTypography: "1" curls quotes and turns dashes and ellipses in
	// Markdown posts as WordPress does (on by default, as on WordPress).
	KeyTypography = "typography"
)

// Settings is what pages need to know about the site.
type Settings struct {
	Title        string
	Description  string
	BaseURL      string // scheme://host[/prefix], no trailing slash
	TimeZone     string
	Loc          *time.Location
	Permalink    string
	PostsPerPage int
	FeedItems    int
	FeedFullText bool
	MailFrom     string
	Language     string
	// Typography curls quotes, dashes and ellipses in Markdown posts and
	// titles when they are shown (WordPress's wptexturize).
	Typography bool
	Discussion Discussion
	Newsletter Newsletter
}

// Defaults returns the settings of a new site.
func Defaults() Settings {
	return Settings{
		Title: "My Quire Site", Description: "Just another Quire site", BaseURL: "http://127.0.0.1:8080",
		TimeZone: "UTC", Loc: time.UTC, Permalink: blog.PermalinkDay, PostsPerPage: 10, FeedItems: 10,
		FeedFullText: true, Language: "en", Typography: true, Discussion: DefaultDiscussion(),
		Newsletter: DefaultNewsletter(),
	}
}

// Overrides are values fixed by flags or environment, which win over what
// the admin stored. Empty fields override nothing.
type Overrides struct {
	BaseURL  string
	MailFrom string
	// DefaultBaseURL is used when neither a flag nor the admin set one
	// (http:// and the listening address, say).
	DefaultBaseURL string
}

// Validate checks stored values as the settings form would and reports
// every problem.
func Validate(v map[string]string) error {
	fe := blog.FieldErrors{}
	if t, ok := v[KeyTitle]; ok && strings.TrimSpace(t) == "" {
		fe.Add(KeyTitle, "Enter a site title.")
	}
	if u, ok := v[KeyBaseURL]; ok && u != "" {
		if _, err := NormalizeBaseURL(u); err != nil {
			fe.Add(KeyBaseURL, err.Error())
		}
	}
	if tz, ok := v[KeyTimeZone]; ok {
		if _, err := time.LoadLocation(tz); err != nil || tz == "" {
			fe.Add(KeyTimeZone, "Choose a time zone such as Europe/Paris or America/New_York.")
		}
	}
	if p, ok := v[KeyPermalink]; ok && !blog.ValidPermalink(p) {
		fe.Add(KeyPermalink, "Choose one of the permalink patterns offered.")
	}
	for _, k := range []string{KeyPostsPerPage, KeyFeedItems} {
		if s, ok := v[k]; ok {
			if n, err := strconv.Atoi(s); err != nil || n < 1 || n > 100 {
				fe.Add(k, "Enter a number from 1 to 100.")
			}
		}
	}
	if m, ok := v[KeyMailFrom]; ok && m != "" && !blog.ValidEmail(m) {
		fe.Add(KeyMailFrom, "Enter a valid email address, like news@example.com.")
	}
	validateDiscussion(fe, v)
	validateNewsletter(fe, v)
	return fe.Err()
}

// NormalizeBaseURL checks a base URL and strips its trailing slash.
func NormalizeBaseURL(s string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("the base URL must look like https://example.com")
	}
	if p := strings.TrimRight(u.Path, "/") + "/"; p != "/" && (strings.Contains(p, "//") || strings.Contains(p, "/./") || strings.Contains(p, "/../")) {
		return "", fmt.Errorf("the base URL's path must be plain, like https://example.com/blog")
	}
	return strings.TrimRight(u.String(), "/"), nil
}

func apply(s *Settings, v map[string]string) {
	if x := v[KeyTitle]; x != "" {
		s.Title = x
	}
	if x, ok := v[KeyDescription]; ok {
		s.Description = x
	}
	if x, err := NormalizeBaseURL(v[KeyBaseURL]); err == nil {
		s.BaseURL = x
	}
	if x := v[KeyTimeZone]; x != "" {
		if loc, err := time.LoadLocation(x); err == nil {
			s.TimeZone, s.Loc = x, loc
		}
	}
	if x := v[KeyPermalink]; blog.ValidPermalink(x) {
		s.Permalink = x
	}
	if n, err := strconv.Atoi(v[KeyPostsPerPage]); err == nil && n > 0 && n <= 100 {
		s.PostsPerPage = n
	}
	if n, err := strconv.Atoi(v[KeyFeedItems]); err == nil && n > 0 && n <= 100 {
		s.FeedItems = n
	}
	if x, ok := v[KeyFeedFullText]; ok {
		s.FeedFullText = x == "1" || x == "true"
	}
	if x := v[KeyMailFrom]; x != "" {
		s.MailFrom = x
	}
	if x, ok := v[KeyTypography]; ok {
		s.Typography = x == "1" || x == "true"
	}
	if x := v[KeyLanguage]; x != "" {
		s.Language = x
	}
	applyDiscussion(&s.Discussion, v)
	applyNewsletter(&s.Newsletter, v)
}

// Site serves the current settings, re-reading them only when the content
// version changed.
type Site struct {
	store     *store.Store
	overrides Overrides

	mu      sync.Mutex
	version int64
	// postsVersion is the store's PostsVersion the settings were read at:
	// a change to comments alone moves the content version but keeps them.
	postsVersion int64
	settings     *Settings
	secret       []byte // master key, loaded on first use
}

// New returns a Site reading from st, with flag/environment overrides.
func New(st *store.Store, o Overrides) *Site { return &Site{store: st, overrides: o} }

// Current returns the settings in force and the content version they belong
// to. It costs one small query when nothing changed.
func (s *Site) Current(ctx context.Context) (*Settings, int64, error) {
	v, err := s.store.ContentVersion(ctx)
	if err != nil {
		return nil, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.settings != nil && s.version == v {
		return s.settings, v, nil
	}
	// Read before the settings, so they are never older than the number
	// they are kept under.
	pv, err := s.store.PostsVersion(ctx)
	if err != nil {
		return nil, 0, err
	}
	if s.settings != nil && s.postsVersion == pv {
		s.version = v
		return s.settings, v, nil
	}
	stored, err := s.store.Settings(ctx)
	if err != nil {
		return nil, 0, err
	}
	set := Defaults()
	if s.overrides.DefaultBaseURL != "" {
		set.BaseURL = strings.TrimRight(s.overrides.DefaultBaseURL, "/")
	}
	apply(&set, stored)
	if s.overrides.BaseURL != "" {
		set.BaseURL = strings.TrimRight(s.overrides.BaseURL, "/")
	}
	if s.overrides.MailFrom != "" {
		set.MailFrom = s.overrides.MailFrom
	}
	if set.MailFrom == "" {
		host := "localhost"
		if u, err := url.Parse(set.BaseURL); err == nil && u.Hostname() != "" && strings.Contains(u.Hostname(), ".") {
			host = u.Hostname()
		}
		set.MailFrom = "quire@" + host
	}
	s.settings, s.version, s.postsVersion = &set, v, pv
	return &set, v, nil
}

// Overridden reports which settings are fixed by flags or environment, so
// the admin can say so beside the field.
func (s *Site) Overridden() map[string]bool {
	return map[string]bool{KeyBaseURL: s.overrides.BaseURL != "", KeyMailFrom: s.overrides.MailFrom != ""}
}
