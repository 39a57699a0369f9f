package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

// engine stands for the delivery engine: handed an issue inside the
// transaction that starts it, it writes the deliveries there, as the real
// one does, and remembers the issue.
type engine struct {
	mu     sync.Mutex
	issues []int64
}

func (g *engine) Enqueue(ctx context.Context, tx *store.Store, issueID int64) error {
	if tx.Tx() == nil {
		panic("Enqueue outside a transaction")
	}
	if _, err := tx.CreateDeliveries(ctx, issueID, "example.com", time.Now()); err != nil {
		return err
	}
	g.mu.Lock()
	g.issues = append(g.issues, issueID)
	g.mu.Unlock()
	return nil
}

func (g *engine) handed() []int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]int64(nil), g.issues...)
}

// newNewsEnv is a site with a sending engine.
func newNewsEnv(t *testing.T) (*env, *engine) {
	t.Helper()
	g := &engine{}
	e := &env{t: t, st: storetest.New(t), passwords: auth.NewHasher(0, time.Minute), sender: g}
	if err := e.st.SaveSettings(context.Background(), map[string]string{site.KeyTitle: "Sales Coach",
		site.KeyTimeZone: "America/Chicago", site.KeyNewsletterAddress: "1 Main Street"}); err != nil {
		t.Fatal(err)
	}
	e.start()
	return e, g
}

// addSubscribers puts n active subscribers on the list.
func (e *env) addSubscribers(n int, status blog.SubscriberStatus) {
	e.t.Helper()
	for i := 0; i < n; i++ {
		sub := &blog.Subscriber{Email: "reader" + strconv.Itoa(i) + "-" + string(status) + "@example.net", Status: status,
			Source: blog.SourceImport, CreatedAt: time.Now()}
		if _, err := e.st.AddSubscriber(context.Background(), sub, blog.SubscriberEvent{Kind: blog.EventImported}); err != nil {
			e.t.Fatal(err)
		}
	}
}

var issueIDPath = regexp.MustCompile(`^/admin/newsletter/(\d+)$`)

// newIssue writes an issue through the editor and returns its ID.
func (c *client) newIssue(subject string) int64 {
	c.e.t.Helper()
	r := c.post("/admin/newsletter/new", url.Values{"subject": {subject}, "preheader": {"A short one"},
		"body": {"Ask **one** question.\n\n[Read more](/about/)"}, "action": {"save"}})
	m := issueIDPath.FindStringSubmatch(r.location)
	if r.status != http.StatusSeeOther || m == nil {
		c.e.t.Fatalf("new issue: %d %s\n%s", r.status, r.location, r.body)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func (e *env) issue(id int64) *blog.Issue {
	e.t.Helper()
	is, err := e.st.Issue(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return is
}

func TestIssueEditorReportsEveryFieldAndKeepsText(t *testing.T) {
	e, _ := newNewsEnv(t)
	c, _ := e.owner()
	long := strings.Repeat("p", 251)
	r := c.post("/admin/newsletter/new", url.Values{"subject": {"  "}, "preheader": {long}, "body": {"  "},
		"action": {"schedule"}, "date": {"2020-13-01"}, "time": {"9"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Enter a subject.", "The preheader is longer than 250 characters.", "Write the issue&#39;s text.",
		`id="err-scheduled_at"`, `value="`+long+`"`, `value="2020-13-01"`)
	if _, total, _ := e.st.Issues(context.Background(), store.IssueFilter{}); total != 0 {
		t.Errorf("an invalid issue was saved: %d", total)
	}
	// Text kept on a valid issue whose schedule is in the past; nothing saved.
	r = c.post("/admin/newsletter/new", url.Values{"subject": {"Tip <one>"}, "body": {"Typed & kept"},
		"action": {"schedule"}, "date": {"2001-01-01"}, "time": {"09:00"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Choose a time in the future", `value="Tip &lt;one&gt;"`, "Typed &amp; kept")
	// An author may not use the newsletter.
	e.addUser(blog.RoleAuthor, "Arthur", "arthur@example.com", "arthur-password-1")
	a := e.loginAs("arthur@example.com", "arthur-password-1")
	if r := a.get("/admin/newsletter/"); r.status != http.StatusForbidden {
		t.Errorf("an author opened the newsletter: %d", r.status)
	}
}

func TestIssueWrittenPreviewedTestedQueuedScheduledSent(t *testing.T) {
	e, g := newNewsEnv(t)
	c, owner := e.owner()
	e.addSubscribers(3, blog.SubscriberActive)
	e.addSubscribers(2, blog.SubscriberPending)
	ctx := context.Background()

	id := c.newIssue("Ask one question")
	page := "/admin/newsletter/" + strconv.FormatInt(id, 10)
	r := c.get(page)
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, `value="Ask one question"`, "Active subscribers, who would receive it now: 3.", "Send now…")

	// The preview: the text part, and the HTML in a sandboxed frame of
	// its own, which only the admin's pages may frame.
	r = c.get(page + "/preview")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, `<iframe class="mail-preview" src="`+page+`/mail.html" sandbox=""`, "Ask **one** question.", "1 Main Street",
		"/newsletter/unsubscribe/preview")
	r = c.get(page + "/mail.html")
	mustStatus(t, r, http.StatusOK)
	if csp := r.header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox;") || !strings.Contains(csp, "frame-ancestors 'self'") ||
		r.header.Get("X-Frame-Options") != "SAMEORIGIN" {
		t.Errorf("mail.html headers: %v", r.header)
	}
	mustContain(t, r, "<strong", "one</strong>")

	// A test to myself: a mail job, marked as a test.
	r = c.post(page, url.Values{"subject": {"Ask one question"}, "body": {"Ask **one** question."}, "action": {"test"}})
	mustStatus(t, r, http.StatusSeeOther)
	msgs := e.app.WaitMail(1)
	if m := msgs[len(msgs)-1]; m.To != owner.Email || m.Subject != "[Test] Ask one question" {
		t.Errorf("test mail: to %s, subject %q", m.To, m.Subject)
	}

	// The tip queue: two tips, reordered with buttons.
	second := c.newIssue("Second tip")
	for _, q := range []int64{id, second} {
		r = c.post("/admin/newsletter/"+strconv.FormatInt(q, 10), url.Values{"subject": {e.issue(q).Subject}, "body": {"Text."}, "action": {"queue"}})
		mustStatus(t, r, http.StatusSeeOther)
	}
	r = c.post("/admin/newsletter/"+strconv.FormatInt(second, 10)+"/move", url.Values{"dir": {"up"}})
	mustStatus(t, r, http.StatusSeeOther)
	queue, _ := e.st.TipQueue(ctx)
	if len(queue) != 2 || queue[0].ID != second || queue[1].ID != id {
		t.Fatalf("queue after moving up: %+v", queue)
	}
	r = c.get("/admin/newsletter/")
	mustContain(t, r, "Next weekly send:", "the next tip in the queue, “Second tip”", "Move down<span class=\"visually-hidden\">: Second tip")
	if r := c.get("/admin/"); !strings.Contains(r.body, "the next tip in the queue, “Second tip”") {
		t.Errorf("the dashboard does not say what goes next:\n%s", r.body)
	}

	// Scheduled in the site's time zone.
	r = c.post(page, url.Values{"subject": {"Ask one question"}, "body": {"Text."}, "action": {"schedule"},
		"date": {"2099-03-10"}, "time": {"09:30"}})
	mustStatus(t, r, http.StatusSeeOther)
	chicago, _ := time.LoadLocation("America/Chicago")
	if is := e.issue(id); is.Status != blog.IssueScheduled || !is.ScheduledAt.Equal(time.Date(2099, 3, 10, 9, 30, 0, 0, chicago)) {
		t.Errorf("scheduled: %s at %v", is.Status, is.ScheduledAt)
	}

	// Send now asks first, then hands the issue to the engine.
	r = c.post(page, url.Values{"subject": {"Ask one question"}, "body": {"Final text."}, "action": {"send"}})
	if r.status != http.StatusSeeOther || r.location != page+"/send" {
		t.Fatalf("send: %d %s", r.status, r.location)
	}
	if len(g.handed()) != 0 {
		t.Fatal("sent before confirming")
	}
	r = c.get(page + "/send")
	mustContain(t, r, "Send “Ask one question” to 3 active subscribers now?")
	r = c.post(page+"/send", nil)
	mustStatus(t, r, http.StatusSeeOther)
	if got := g.handed(); len(got) != 1 || got[0] != id {
		t.Fatalf("handed %v", got)
	}
	r = c.get(page)
	mustContain(t, r, "Sending: the issue is going out to 3 subscribers.", "<td>3</td><td>3</td><td>0</td>")
	if is := e.issue(id); is.Body != "Final text." || is.Status != blog.IssueSending {
		t.Errorf("sent issue: %+v", is)
	}
	// Once out, it cannot change, go out again, or be deleted.
	r = c.post(page, url.Values{"subject": {"Changed"}, "body": {"x"}, "action": {"save"}})
	mustStatus(t, r, http.StatusSeeOther)
	c.post(page+"/send", nil)
	c.post(page+"/delete", url.Values{"confirm": {"1"}})
	if is := e.issue(id); is.Subject != "Ask one question" || len(g.handed()) != 1 {
		t.Errorf("changed after sending: %+v, handed %v", is, g.handed())
	}
	r = c.get("/admin/newsletter/?status=sending")
	mustContain(t, r, "Ask one question", "Sending")

	// A draft is deleted after asking.
	r = c.post("/admin/newsletter/"+strconv.FormatInt(second, 10)+"/delete", nil)
	mustContain(t, r, "Delete “Second tip”?")
	r = c.post("/admin/newsletter/"+strconv.FormatInt(second, 10)+"/delete", url.Values{"confirm": {"1"}})
	mustStatus(t, r, http.StatusSeeOther)
	if _, err := e.st.Issue(ctx, second); err == nil {
		t.Error("the draft was not deleted")
	}
}

func TestNewsletterSettings(t *testing.T) {
	e, _ := newNewsEnv(t)
	c, _ := e.owner()
	r := c.get("/admin/newsletter/settings")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Empty: “Yes! I want the weekly tip from Sales Coach”", `<option value="2" selected>Tuesday</option>`, `value="09:00"`)
	bad := url.Values{"newsletter_weekly": {"1"}, "newsletter_weekday": {"2"}, "newsletter_time": {"25:00"},
		"newsletter_timezone": {"Mars/Olympus"}, "newsletter_reply_to": {"not an address"}, "newsletter_rate": {"-1"},
		"newsletter_connections": {"4"}, "newsletter_bounce_limit": {"1"}, "newsletter_signups_ip": {"10"},
		"newsletter_confirms_day": {"3"}, "newsletter_webhook_secret": {"short"}, "newsletter_heading": {"Get the tip"}}
	r = c.post("/admin/newsletter/settings", bad)
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Enter a time of day like 09:00", "Choose a time zone such as America/Chicago", "Enter a valid email address",
		"Enter a number from 0 to 100000", "Use at least 16 characters", `value="Mars/Olympus"`, `value="Get the tip"`)
	good := url.Values{}
	for k, v := range bad {
		good[k] = v
	}
	good.Set("newsletter_time", "07:30")
	good.Set("newsletter_timezone", "Europe/London")
	good.Set("newsletter_weekday", "5")
	good.Set("newsletter_reply_to", "tips@example.com")
	good.Set("newsletter_rate", "50")
	good.Set("newsletter_webhook_secret", "0123456789abcdef0123")
	r = c.post("/admin/newsletter/settings", good)
	mustStatus(t, r, http.StatusSeeOther)
	set, _, err := e.site.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := set.Newsletter
	if n.Time != "07:30" || n.Zone != "Europe/London" || n.Weekday != time.Friday || n.ReplyTo != "tips@example.com" ||
		n.RatePerSecond != 50 || n.Heading != "Get the tip" || n.Archive || !n.Weekly {
		t.Errorf("saved: %+v", n)
	}
	if r := c.get("/admin/newsletter/"); !strings.Contains(r.body, "at 07:30 (Europe/London)") || !strings.Contains(r.body, "Friday") {
		t.Errorf("the next send does not follow the settings:\n%s", r.body)
	}
	// Only the owner.
	e.addUser(blog.RoleEditor, "Edie", "edie@example.com", "edie-password-1")
	ed := e.loginAs("edie@example.com", "edie-password-1")
	if r := ed.get("/admin/newsletter/settings"); r.status != http.StatusForbidden {
		t.Errorf("an editor opened the newsletter settings: %d", r.status)
	}
	if r := ed.get("/admin/newsletter/"); r.status != http.StatusOK || strings.Contains(r.body, "/admin/subscribers/") {
		t.Errorf("an editor's newsletter page: %d", r.status)
	}
}
