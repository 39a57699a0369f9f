package publish

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/newsletter"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// handedSender stands for the delivery engine: it records the issues
// started, and refuses to be called outside the post's transaction.
type handedSender struct{ issues []int64 }

func (h *handedSender) Enqueue(ctx context.Context, tx *store.Store, id int64) error {
	if tx.Tx() == nil {
		return errors.New("started outside the transaction that stores the post")
	}
	h.issues = append(h.issues, id)
	return nil
}

func TestEmailFrontMatterMailsThePostOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sender := &handedSender{}
	mail := &newsletter.Service{Store: e.st, Site: site.New(e.st, site.Overrides{}), Sender: sender, Now: func() time.Time { return now }}
	publish := func(paths ...string) ([]Result, error) {
		o := e.options()
		o.Mail = mail
		return Files(ctx, o, paths)
	}
	f := e.write("tip.md", "---\ntitle: Weekly tip\nslug: weekly-tip\ndate: 2024-02-01\nexcerpt: Ask one question.\nemail: true\n---\nAsk.\n")
	rs, err := publish(f)
	if err != nil || rs[0].Email != "sending" {
		t.Fatalf("first publish: %+v, %v", rs, err)
	}
	is, err := e.st.IssueByPost(ctx, e.post("weekly-tip").ID)
	if err != nil || is.Kind != blog.IssuePost || is.Subject != "Weekly tip" || is.Preheader != "Ask one question." || is.Status != blog.IssueSending {
		t.Fatalf("issue: %+v, %v", is, err)
	}
	// Published again, changed or not: never a second time.
	e.write("tip.md", "---\ntitle: Weekly tip\nslug: weekly-tip\ndate: 2024-02-01\nemail: true\n---\nAsk again.\n")
	for i := 0; i < 2; i++ {
		if rs, err = publish(f); err != nil || rs[0].Email != "already" {
			t.Fatalf("again: %+v, %v", rs, err)
		}
	}
	if len(sender.issues) != 1 {
		t.Errorf("started %d times", len(sender.issues))
	}
	// A post scheduled for later: its issue waits for it.
	later := e.write("later.md", "---\ntitle: Later\ndate: 2024-04-01\nemail: true\n---\nSoon.\n")
	if rs, err = publish(later); err != nil || rs[0].Email != "waits" {
		t.Fatalf("scheduled: %+v, %v", rs, err)
	}
	// No key: nothing; a page: refused with its line.
	plain := e.write("plain.md", "---\ntitle: Plain\n---\nx\n")
	if rs, err = publish(plain); err != nil || rs[0].Email != "" {
		t.Errorf("no key: %+v, %v", rs, err)
	}
	page := e.write("about.md", "---\ntitle: About\ntype: page\nemail: true\n---\nx\n")
	if _, err = publish(page); err == nil || !strings.Contains(err.Error(), "about.md:4: only posts are sent by email") {
		t.Errorf("a page with email: %v", err)
	}
	bad := e.write("bad.md", "---\ntitle: Bad\nemail: sometimes\n---\nx\n")
	if _, err = publish(bad); err == nil || !strings.Contains(err.Error(), "bad.md:3: email must be true or false") {
		t.Errorf("email: sometimes: %v", err)
	}
	// Without a sending engine a public post's email is held, and the
	// post is published all the same.
	mail.Sender = nil
	held := e.write("held.md", "---\ntitle: Held\ndate: 2024-02-02\nemail: true\n---\nx\n")
	if rs, err = publish(held); err != nil || rs[0].Email != "held" {
		t.Errorf("no engine: %+v, %v", rs, err)
	}
}
