package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/quirehq/quire/internal/safehttp"
)

// MastodonServers tells whether a host answers as a Mastodon-compatible
// server, so /share/mastodon redirects readers only to such servers. A
// host is asked once (its /api/v1/instance and /.well-known/nodeinfo, at
// the same time, through safehttp, for at most Timeout) and the answer is
// remembered for a day; a limited number of asks run at once, and the
// memory holds a limited number of hosts.
type MastodonServers struct {
	// HTTP is the outbound client; it must refuse private addresses in
	// production (safehttp's default).
	HTTP *safehttp.Client
	// Origin gives the scheme and authority asked for host; nil means
	// "https://" + host. Tests point it at a server on loopback.
	Origin func(host string) string
	Now    func() time.Time

	Timeout    time.Duration // per host; default 3 s
	TTL        time.Duration // how long a "yes" is remembered; default a day
	FailTTL    time.Duration // how long a "no" is remembered; default an hour
	MaxHosts   int           // hosts remembered at most; default 4096
	MaxPending int           // hosts asked at once at most; default 8

	mu      sync.Mutex
	known   map[string]mastodonAnswer
	pending map[string]*mastodonAsk
}

type mastodonAnswer struct {
	ok      bool
	expires time.Time
}

type mastodonAsk struct {
	done chan struct{}
	ok   bool
}

// NewMastodonServers returns a checker that asks through client.
func NewMastodonServers(client *safehttp.Client) *MastodonServers {
	return &MastodonServers{HTTP: client}
}

func (m *MastodonServers) defaults() {
	if m.Now == nil {
		m.Now = time.Now
	}
	if m.Timeout == 0 {
		m.Timeout = 3 * time.Second
	}
	if m.TTL == 0 {
		m.TTL = 24 * time.Hour
	}
	if m.FailTTL == 0 {
		m.FailTTL = time.Hour
	}
	if m.MaxHosts == 0 {
		m.MaxHosts = 4096
	}
	if m.MaxPending == 0 {
		m.MaxPending = 8
	}
	if m.known == nil {
		m.known = map[string]mastodonAnswer{}
		m.pending = map[string]*mastodonAsk{}
	}
}

// IsServer reports whether host (a plain, checked host name) answers as a
// Mastodon-compatible server. It waits for at most Timeout; when too many
// hosts are being asked already it answers false at once, without asking
// or remembering.
func (m *MastodonServers) IsServer(ctx context.Context, host string) bool {
	if m == nil || m.HTTP == nil {
		return false
	}
	m.mu.Lock()
	m.defaults()
	now := m.Now()
	if a, ok := m.known[host]; ok && now.Before(a.expires) {
		m.mu.Unlock()
		return a.ok
	}
	ask, asking := m.pending[host]
	if !asking {
		if len(m.pending) >= m.MaxPending {
			m.mu.Unlock()
			return false
		}
		ask = &mastodonAsk{done: make(chan struct{})}
		m.pending[host] = ask
		// The ask outlives a reader who leaves, so the answer is kept
		// for the next one.
		go m.ask(context.WithoutCancel(ctx), host, ask)
	}
	m.mu.Unlock()
	select {
	case <-ask.done:
		return ask.ok
	case <-ctx.Done():
		return false
	}
}

// ask asks host and records the answer.
func (m *MastodonServers) ask(ctx context.Context, host string, a *mastodonAsk) {
	ctx, cancel := context.WithTimeout(ctx, m.Timeout)
	defer cancel()
	origin := "https://" + host
	if m.Origin != nil {
		origin = m.Origin(host)
	}
	results := make(chan bool, 2)
	go func() { results <- m.get(ctx, origin+"/api/v1/instance", instanceAnswer) }()
	go func() { results <- m.get(ctx, origin+"/.well-known/nodeinfo", nodeinfoAnswer) }()
	ok := <-results || <-results
	cancel()

	m.mu.Lock()
	defer m.mu.Unlock()
	ttl := m.TTL
	if !ok {
		ttl = m.FailTTL
	}
	now := m.Now()
	if len(m.known) >= m.MaxHosts {
		for h, old := range m.known {
			if !now.Before(old.expires) {
				delete(m.known, h)
			}
		}
		for len(m.known) >= m.MaxHosts { // still full: forget the one expiring first
			var oldest string
			for h, a := range m.known {
				if oldest == "" || a.expires.Before(m.known[oldest].expires) {
					oldest = h
				}
			}
			delete(m.known, oldest)
		}
	}
	m.known[host] = mastodonAnswer{ok: ok, expires: now.Add(ttl)}
	delete(m.pending, host)
	a.ok = ok
	close(a.done)
}

// get fetches url and reports whether its JSON answer satisfies valid.
func (m *MastodonServers) get(ctx context.Context, url string, valid func([]byte) bool) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Quire (share on Mastodon)")
	resp, err := m.HTTP.Do(req)
	if err != nil {
		return false
	}
	body, err := m.HTTP.ReadBody(resp)
	if err != nil || resp.StatusCode != http.StatusOK {
		return false
	}
	return valid(body)
}

// instanceAnswer reports whether body is a Mastodon API instance document:
// a JSON object naming the server ("uri" in v1, "domain" in v2).
func instanceAnswer(body []byte) bool {
	var doc struct {
		URI    string `json:"uri"`
		Domain string `json:"domain"`
	}
	return json.Unmarshal(body, &doc) == nil && (doc.URI != "" || doc.Domain != "")
}

// nodeinfoAnswer reports whether body is a NodeInfo discovery document: a
// JSON object linking to at least one NodeInfo schema.
func nodeinfoAnswer(body []byte) bool {
	var doc struct {
		Links []struct {
			Rel  string `json:"rel"`
			Href string `json:"href"`
		} `json:"links"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return false
	}
	for _, l := range doc.Links {
		rel := strings.TrimPrefix(strings.TrimPrefix(l.Rel, "http://"), "https://")
		if strings.HasPrefix(rel, "nodeinfo.diaspora.software/ns/schema/") && l.Href != "" {
			return true
		}
	}
	return false
}
