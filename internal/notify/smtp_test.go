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

	"github.com/quirehq/quire/internal/blog"
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

// TestMailThroughQueueAndSMTP sends comment mail the way the server does:
// through the durable queue and a real SMTP conversation. The author's
// approve link works, the follow-ups' one-click headers arrive, and a
// second call sends nothing again.
func TestMailThroughQueueAndSMTP(t *testing.T) {
	srv := mailtest.Start(t)
	cfg, err := mail.ParseSMTPURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	f := newFixtureWith(t, mail.NewSMTP(cfg, func(context.Context) string { return "Sales Coach <coach@example.com>" }))
	a := f.confirmed("alice@example.org")
	f.confirmed("bob@example.org")
	c := f.comment(blog.CommentPending, "Carol", "carol@example.org", "Straight to the point.")
	if err := f.stored(c, false); err != nil {
		t.Fatal(err)
	}
	waitJobs(t, f.st)
	// The post's author and the site's owner are both told, once each.
	got := srv.Received()
	var writer *netmail.Message
	for _, m := range got {
		if strings.Contains(m.Header.Get("To"), "writer@example.com") {
			writer = m
		}
	}
	if len(got) != 2 || writer == nil {
		t.Fatalf("moderation mail: %d messages, want the writer's and the owner's", len(got))
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(writer.Header.Get("Subject"))
	if err != nil || subject != "[Sales Coach] Please moderate: “What Business Are You In?”" {
		t.Errorf("moderation mail subject %q, %v", subject, err)
	}
	approve := oneLink(t, textPart(t, writer), "/approve?")

	// The author presses the button of the approve page.
	u, _ := url.Parse(approve)
	r := f.do(http.MethodPost, f.local(approve), u.Query(), nil)
	if r.code != http.StatusOK {
		t.Fatalf("approve: %d\n%s", r.code, r.body)
	}
	waitJobs(t, f.st)
	// A retried request, or an approval seen twice.
	if err := f.approved(c); err != nil {
		t.Fatal(err)
	}
	waitJobs(t, f.st)

	got = srv.Received()[2:]
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
