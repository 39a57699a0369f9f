package admin_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store/storetest"
)

// downSMTP fails every message as an SMTP server that cannot be reached.
type downSMTP struct{}

func (downSMTP) Send(ctx context.Context, m mail.Message) error {
	return &mail.SendError{To: m.To, Transport: true, Err: errors.New("dial tcp 127.0.0.1:2525: connection refused")}
}

// testClock is a clock a test moves.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// TestNewsletterShowsTheEngineState: the newsletter's page says what the
// engine's weekly slot will send and what the last one did (and why
// nothing went); an issue's page says how its sending stands, the SMTP
// server failing since when and the next try, as the engine reports it.
func TestNewsletterShowsTheEngineState(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)} // a Monday
	e := &env{t: t, st: storetest.New(t), passwords: auth.NewHasher(0, time.Minute), bulk: downSMTP{}, now: clk.Now}
	ctx := context.Background()
	if err := e.st.SaveSettings(ctx, map[string]string{site.KeyTitle: "Sales Coach", site.KeyTimeZone: "UTC",
		site.KeyNewsletterWeekly: "1", site.KeyNewsletterWeekday: "2", site.KeyNewsletterTime: "09:00",
		site.KeyNewsletterTimeZone: "America/Chicago"}); err != nil {
		t.Fatal(err)
	}
	e.start()
	if e.app.App.Delivery == nil {
		t.Fatal("no delivery engine")
	}
	c, _ := e.owner()

	r := c.get("/admin/newsletter/")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Next weekly send: Tuesday 3 March 2026 at 09:00 (America/Chicago): nothing, as things stand: no one has confirmed a subscription yet.")

	// The slot passes with no one to send to: the page says so, and why.
	clk.Set(time.Date(2026, 3, 3, 15, 0, 30, 0, time.UTC)) // 09:00:30 in Chicago
	if err := e.app.App.Delivery.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	r = c.get("/admin/newsletter/")
	mustContain(t, r, "Last weekly send, Tuesday 3 March 2026 at 09:00: nothing was sent. No one had confirmed a subscription yet",
		"Next weekly send: Tuesday 10 March 2026 at 09:00 (America/Chicago)")
	if r := c.get("/admin/"); r.status != http.StatusOK {
		t.Errorf("dashboard: %d", r.status)
	} else {
		mustContain(t, r, "Next weekly send: Tuesday 10 March 2026", "Last weekly send, Tuesday 3 March 2026 at 09:00: nothing was sent.")
	}

	// With subscribers and a queued tip, the next slot sends that tip.
	e.addSubscribers(3, blog.SubscriberActive)
	tip := c.newIssue("Ask one question")
	page := "/admin/newsletter/" + strconv.FormatInt(tip, 10)
	mustStatus(t, c.post(page, map[string][]string{"subject": {"Ask one question"}, "body": {"Text."}, "action": {"queue"}}), http.StatusSeeOther)
	mustContain(t, c.get("/admin/newsletter/"), "Tuesday 10 March 2026 at 09:00 (America/Chicago): the next tip in the queue, “Ask one question”.")

	// Sent now over an SMTP server that cannot be reached: the issue's
	// page says so, since when, and when the next try is.
	mustStatus(t, c.post(page+"/send", nil), http.StatusSeeOther)
	e.app.StartQueue()
	deadline := time.Now().Add(30 * time.Second)
	for {
		p, err := e.app.App.Delivery.Status(ctx, tip)
		if err != nil {
			t.Fatal(err)
		}
		if !p.FailingSince.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the engine never saw the server failing: %+v", p)
		}
		time.Sleep(20 * time.Millisecond)
	}
	r = c.get(page)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Sending: 0 of 3 done (0 sent).", "The SMTP server has been failing since 3 Mar 15:00 UTC",
		"connection refused", "; next try at ", "Nothing is lost", "<dt>Batches</dt><dd>0 of 1 done")
}
