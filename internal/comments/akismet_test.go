package comments_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// fakeAkismet is an Akismet-compatible service on loopback answering with
// reply (status 200 unless status is set) and keeping the forms it got.
type fakeAkismet struct {
	mu     sync.Mutex
	forms  []url.Values
	paths  []string
	reply  string
	status int
}

func (a *fakeAkismet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	a.mu.Lock()
	a.forms = append(a.forms, r.PostForm)
	a.paths = append(a.paths, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type"))
	a.mu.Unlock()
	if a.status != 0 {
		w.WriteHeader(a.status)
	}
	w.Write([]byte(a.reply))
}

func (a *fakeAkismet) calls() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.forms)
}

func akismetFixture(t *testing.T, fake *fakeAkismet, extra map[string]string) *fixture {
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	settings := map[string]string{site.KeyAkismetKey: "k3y", site.KeyAkismetURL: srv.URL,
		site.KeyCommentPreviouslyOK: "0", site.KeyBaseURL: "https://blog.example", site.KeyLanguage: "en-GB"}
	for k, v := range extra {
		settings[k] = v
	}
	f := newFixture(t, settings)
	f.svc.HTTP = srv.Client()
	return f
}

func TestAkismetVerdicts(t *testing.T) {
	tests := []struct {
		name     string
		reply    string
		status   int
		settings map[string]string
		want     blog.CommentStatus
	}{
		{"spam", "true", 0, nil, blog.CommentSpam},
		{"ham", "false", 0, nil, blog.CommentApproved},
		{"ham with newline", "false\n", 0, nil, blog.CommentApproved},
		{"spam wins over holding", "true", 0, map[string]string{site.KeyCommentModeration: "1"}, blog.CommentSpam},
		{"ham keeps the hold", "false", 0, map[string]string{site.KeyCommentModeration: "1"}, blog.CommentPending},
		{"invalid key answer held", "invalid", 0, nil, blog.CommentPending},
		{"server error held", "true", http.StatusInternalServerError, nil, blog.CommentPending},
		{"empty answer held", "", 0, nil, blog.CommentPending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeAkismet{reply: tt.reply, status: tt.status}
			f := akismetFixture(t, fake, tt.settings)
			r := f.request()
			r.Input.AuthorURL = "https://me.example"
			c, err := f.svc.Submit(f.ctx, r)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != tt.want {
				t.Errorf("status %s, want %s", c.Status, tt.want)
			}
			if fake.calls() != 1 {
				t.Fatalf("%d calls to the service", fake.calls())
			}
			got := fake.forms[0]
			want := map[string]string{
				"api_key": "k3y", "blog": "https://blog.example/", "user_ip": r.IP, "user_agent": r.UserAgent,
				"referrer": r.Referer, "permalink": "https://blog.example/2024/03/03/discussed/", "comment_type": "comment",
				"comment_author": "Reader", "comment_author_email": r.Input.AuthorEmail,
				"comment_author_url": "https://me.example", "comment_content": r.Input.Content, "blog_lang": "en-GB",
				"blog_charset": "UTF-8",
			}
			for k, v := range want {
				if got.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, got.Get(k), v)
				}
			}
			if fake.paths[0] != "POST /1.1/comment-check application/x-www-form-urlencoded" {
				t.Errorf("request %q", fake.paths[0])
			}
		})
	}
}

func TestAkismetNotAskedWhenDecided(t *testing.T) {
	fake := &fakeAkismet{reply: "true"}
	f := akismetFixture(t, fake, map[string]string{site.KeyDisallowedKeys: "forbidden"})
	r := f.request()
	r.Input.Content = "forbidden words"
	if c, err := f.svc.Submit(f.ctx, r); err != nil || c.Status != blog.CommentTrash {
		t.Fatalf("disallowed: %+v %v", c, err)
	}
	r = f.request()
	r.User = f.owner
	if c, err := f.svc.Submit(f.ctx, r); err != nil || c.Status != blog.CommentApproved {
		t.Fatalf("owner: %+v %v", c, err)
	}
	if n := fake.calls(); n != 0 {
		t.Errorf("service asked %d times", n)
	}
	// No key, no call.
	f.settings(map[string]string{site.KeyAkismetKey: ""})
	if c, err := f.svc.Submit(f.ctx, f.request()); err != nil || c.Status != blog.CommentApproved {
		t.Fatalf("no key: %+v %v", c, err)
	}
	if n := fake.calls(); n != 0 {
		t.Errorf("service asked %d times without a key", n)
	}
}

func TestAkismetUnreachableHolds(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close() // nothing listens there any more
	f := newFixture(t, map[string]string{site.KeyAkismetKey: "k", site.KeyAkismetURL: addr, site.KeyCommentPreviouslyOK: "0"})
	f.svc.HTTP = &http.Client{Timeout: 10 * time.Second}
	c, err := f.svc.Submit(f.ctx, f.request())
	if err != nil || c.Status != blog.CommentPending {
		t.Fatalf("unreachable service: %+v %v", c, err)
	}
	if _, err := f.st.Comment(f.ctx, c.ID); err != nil {
		t.Errorf("comment lost: %v", err)
	}
}

// doerFunc is a Doer made of a function.
type doerFunc func(*http.Request) (*http.Response, error)

func (d doerFunc) Do(r *http.Request) (*http.Response, error) { return d(r) }

func TestAkismetBoundedAndErrorHolds(t *testing.T) {
	f := newFixture(t, map[string]string{site.KeyAkismetKey: "k", site.KeyCommentPreviouslyOK: "0"})
	var left time.Duration
	var hasDeadline bool
	f.svc.HTTP = doerFunc(func(r *http.Request) (*http.Response, error) {
		var deadline time.Time
		deadline, hasDeadline = r.Context().Deadline()
		left = time.Until(deadline)
		return nil, errors.New("connection reset by peer")
	})
	c, err := f.svc.Submit(f.ctx, f.request())
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != blog.CommentPending {
		t.Errorf("status %s, want pending", c.Status)
	}
	if !hasDeadline || left > 5*time.Second {
		t.Errorf("spam check without a 5 s limit: %v %v", hasDeadline, left)
	}
}
