package publish

import (
	"context"
	"strings"
	"testing"
)

// The "pings" key closes or opens a post to linkbacks; without it a new
// post takes the site's default and a post published again keeps what it
// had, as it keeps comments closed in the admin.
func TestPublishPingsKey(t *testing.T) {
	e := newEnv(t)
	closed := e.write("closed.md", "---\ntitle: Closed\npings: false\n---\nText.\n")
	open := e.write("open.md", "---\ntitle: Open\npings: open\n---\nText.\n")
	plain := e.write("plain.md", "---\ntitle: Plain\n---\nText.\n")
	e.mustPublish(closed, open, plain)
	if !e.post("closed").PingsClosed || e.post("open").PingsClosed || e.post("plain").PingsClosed {
		t.Errorf("pings closed: %v %v %v", e.post("closed").PingsClosed, e.post("open").PingsClosed, e.post("plain").PingsClosed)
	}
	if len(e.warnings) != 0 {
		t.Errorf("warnings: %v", e.warnings)
	}

	// The admin closes comments and pings on "plain": publishing its file
	// again changes neither.
	p := e.post("plain")
	p.CommentsClosed, p.PingsClosed = true, true
	if _, err := e.st.SavePost(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if rs := e.mustPublish(plain); rs[0].Action != Unchanged {
		t.Errorf("republished: %+v", rs)
	}
	if got := e.post("plain"); !got.CommentsClosed || !got.PingsClosed {
		t.Errorf("republishing reopened: comments closed %v, pings closed %v", got.CommentsClosed, got.PingsClosed)
	}
	// The key wins over what the post had.
	e.write("plain.md", "---\ntitle: Plain\npings: yes\n---\nText.\n")
	if rs := e.mustPublish(plain); rs[0].Action != Updated || e.post("plain").PingsClosed {
		t.Errorf("pings: yes on a closed post: %+v closed %v", rs, e.post("plain").PingsClosed)
	}

	// A site whose default is closed.
	e.settings.Discussion.PingsOpen = false
	e.mustPublish(e.write("new.md", "---\ntitle: New\n---\nText.\n"))
	if !e.post("new").PingsClosed {
		t.Error("a new post ignored the site's default")
	}

	bad := e.write("bad.md", "---\ntitle: Bad\npings: sometimes\n---\nText.\n")
	_, err := e.publish(bad)
	if err == nil || !strings.Contains(err.Error(), "bad.md:3: pings must be true or false") {
		t.Errorf("bad pings: %v", err)
	}
}
