package linkback_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// TestLinkbackModeration checks that received linkbacks go through the
// comment rules that apply to them: disallowed words to the trash,
// moderation words and manual approval held, a host approved before
// trusted, and an Akismet-compatible service's verdict; mail goes only
// for what is approved or held.
func TestLinkbackModeration(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	set := func(kv ...string) {
		t.Helper()
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		if err := e.st.SaveSettings(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	status := func(source string) blog.CommentStatus {
		t.Helper()
		c, err := e.st.LinkbackBySource(ctx, e.post.ID, source)
		if err != nil {
			t.Fatal(err)
		}
		return c.Status
	}
	n := 0
	ping := func(title string) string {
		t.Helper()
		n++
		src := e.src.set("/m"+strconv.Itoa(n), linking(title, target))
		if _, f := e.ping("198.51.100."+strconv.Itoa(n), src, target); f != nil {
			t.Fatalf("ping %q: %v", title, f)
		}
		return src
	}

	set(site.KeyDisallowedKeys, "casino\n")
	if s := status(ping("Best Casino Bonuses")); s != blog.CommentTrash {
		t.Errorf("disallowed word: %s", s)
	}
	set(site.KeyDisallowedKeys, "", site.KeyModerationKeys, "motivation\n")
	first := ping("Sales Motivation")
	if s := status(first); s != blog.CommentPending {
		t.Errorf("moderation word: %s", s)
	}
	set(site.KeyModerationKeys, "")
	if s := status(ping("New host, held")); s != blog.CommentPending {
		t.Errorf("a new host: %s", s)
	}
	if _, err := e.st.SetCommentStatus(ctx, blog.CommentApproved, mustID(t, e, first)); err != nil {
		t.Fatal(err)
	}
	if s := status(ping("Same host, trusted")); s != blog.CommentApproved {
		t.Errorf("a host approved before: %s", s)
	}
	set(site.KeyCommentModeration, "1")
	if s := status(ping("Manual approval")); s != blog.CommentPending {
		t.Errorf("manual approval: %s", s)
	}

	// An Akismet-compatible service says spam.
	var mu sync.Mutex
	var asked url.Values
	akismet := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		asked, _ = url.ParseQuery(string(b))
		mu.Unlock()
		io.WriteString(w, "true")
	}))
	defer akismet.Close()
	set(site.KeyCommentModeration, "0", site.KeyAkismetKey, "k3y", site.KeyAkismetURL, akismet.URL)
	if s := status(ping("Spammy")); s != blog.CommentSpam {
		t.Errorf("akismet: %s", s)
	}
	mu.Lock()
	if asked.Get("comment_type") != "pingback" || asked.Get("comment_author") != "Spammy" {
		t.Errorf("akismet asked %v", asked)
	}
	mu.Unlock()

	// Mail: one moderators' message for each held or approved linkback,
	// none for trash or spam (nor for the held one approved since).
	if msgs := e.app.SentMail(); len(msgs) != 3 {
		for _, m := range msgs {
			t.Logf("%s: %s", m.To, m.Subject)
		}
		t.Errorf("%d messages", len(msgs))
	}
}

func mustID(t *testing.T, e *env, source string) int64 {
	t.Helper()
	c, err := e.st.LinkbackBySource(context.Background(), e.post.ID, source)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}
