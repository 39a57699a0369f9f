package notify_test

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	netmail "net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/mail/mailtest"
)

// textPart returns the decoded text/plain part of m.
func textPart(t *testing.T, m *netmail.Message) string {
	t.Helper()
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart() // decodes quoted-printable parts
		if err != nil {
			t.Fatalf("no text part: %v", err)
		}
		if ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct == "text/plain" {
			b, err := io.ReadAll(p)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
}

// waitJobs waits until the queue has no send_mail job left to run.
func waitJobs(t *testing.T, f *fixture) {
	t.Helper()
	q := "SELECT count(*) FROM river_job WHERE kind = 'send_mail' AND state NOT IN ('completed', 'cancelled', 'discarded')"
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := f.st.DB().QueryRowContext(context.Background(), q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mail jobs still waiting", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestMailThroughQueueAndSMTP sends comment mail the way the server does:
// through the durable queue and a real SMTP conversation. The author's
// approve link works, the follow-ups' one-click headers arrive, and a
// second call sends nothing again.
func TestMailThroughQueueAndSMTP(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := jobs.Migrate(ctx, f.st); err != nil {
		t.Fatal(err)
	}
	srv := mailtest.Start(t)
	cfg, err := mail.ParseSMTPURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	q, err := jobs.New(jobs.Config{Store: f.st, Site: f.site,
		Mail:              mail.NewSMTP(cfg, func(context.Context) string { return "Sales Coach <coach@example.com>" }),
		FetchPollInterval: 20 * time.Millisecond, FetchCooldown: 5 * time.Millisecond,
		SafetyNetInterval: -1, CleanupInterval: -1, ForgetIPsInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = q.Stop(sctx)
	})
	f.n.Mail = q

	a := f.confirmed("alice@example.org")
	f.confirmed("bob@example.org")
	c := f.comment(blog.CommentPending, "Carol", "carol@example.org", "Straight to the point.")
	if err := f.n.CommentStored(ctx, c); err != nil {
		t.Fatal(err)
	}
	waitJobs(t, f)
	got := srv.Received()
	if len(got) != 1 || !strings.Contains(got[0].Header.Get("To"), "writer@example.com") {
		t.Fatalf("moderation mail: %d messages", len(got))
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(got[0].Header.Get("Subject"))
	if err != nil || subject != "[Sales Coach] Please moderate: “What Business Are You In?”" {
		t.Errorf("moderation mail subject %q, %v", subject, err)
	}
	approve := oneLink(t, textPart(t, got[0]), "/approve?")

	// The author presses the button of the approve page.
	u, _ := url.Parse(approve)
	r := f.do(http.MethodPost, f.local(approve), url.Values{"e": {u.Query().Get("e")}, "s": {u.Query().Get("s")}}, nil)
	if r.code != http.StatusOK {
		t.Fatalf("approve: %d\n%s", r.code, r.body)
	}
	waitJobs(t, f)
	// A retried request, or an approval seen twice.
	if err := f.n.CommentApproved(ctx, c); err != nil {
		t.Fatal(err)
	}
	waitJobs(t, f)

	got = srv.Received()[1:]
	if len(got) != 2 {
		t.Fatalf("follow-ups received: %d, want one each for alice and bob", len(got))
	}
	var alice *netmail.Message
	for _, m := range got {
		if strings.Contains(m.Header.Get("To"), "alice@example.org") {
			alice = m
		}
		if strings.Contains(m.Header.Get("To"), ",") {
			t.Errorf("a follow-up to several people: To %q", m.Header.Get("To"))
		}
	}
	if alice == nil {
		t.Fatal("nothing reached alice")
	}
	unsub := base + "/comments/unsubscribe/" + a.Token
	if h := alice.Header.Get("List-Unsubscribe"); h != "<"+unsub+">" {
		t.Errorf("List-Unsubscribe %q, want <%s>", h, unsub)
	}
	if h := alice.Header.Get("List-Unsubscribe-Post"); h != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", h)
	}

	// The header's address works as a one-click target.
	r = f.do(http.MethodPost, f.local(unsub), url.Values{"List-Unsubscribe": {"One-Click"}}, nil)
	if r.code != http.StatusOK {
		t.Errorf("one-click POST to the header's URL: %d", r.code)
	}
	if got := f.active(f.post.ID); len(got) != 1 || got[0] != "bob@example.org" {
		t.Errorf("active after alice's one-click: %v", got)
	}
}
