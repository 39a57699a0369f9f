package admin_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
)

// importCSV uploads data as the subscribers import.
func (c *client) importCSV(data string) response {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", "list.csv")
	if err != nil {
		c.e.t.Fatal(err)
	}
	fw.Write([]byte(data))
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+"/admin/subscribers/import", &b)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(req)
}

func (e *env) subscriber(email string) *blog.Subscriber {
	e.t.Helper()
	sub, err := e.st.SubscriberByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatalf("subscriber %s: %v", email, err)
	}
	return sub
}

func TestSubscribersImportAllOrNothingAndExport(t *testing.T) {
	e, _ := newNewsEnv(t)
	c, _ := e.owner()
	ctx := context.Background()

	// A bad row: its line and why, and nothing imported.
	r := c.importCSV("email,name,status,consent_date\nann@example.com,Ann,active,2024-01-31\nnot-an-address,Bob,,\n" +
		"cy@example.com,Cy,sleeping,\ndee@example.com,Dee,active,2999-01-01\n")
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Nothing was imported: the file has 3 bad rows", "Line 3: email:", "Line 4: status &#34;sleeping&#34;",
		"Line 5: consent_date 2999-01-01 is in the future")
	if counts, _ := e.st.SubscriberCounts(ctx); len(counts) != 0 {
		t.Fatalf("a refused import wrote %v", counts)
	}
	if r := c.importCSV("name\nAnn\n"); !strings.Contains(r.body, "Line 1: the header row has no email column") {
		t.Errorf("no email column: %d\n%s", r.status, r.body)
	}
	if r := c.post("/admin/subscribers/import", nil); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Choose a CSV file") {
		t.Errorf("no file: %d", r.status)
	}

	// A good file: consented rows are sent nothing, pending ones a
	// confirmation; kept statuses stay.
	r = c.importCSV("email,name,status,consent_date\nann@example.com,Ann,active,2024-01-31\nbob@example.com,Bob,,\n" +
		"cy@example.com,Cy,unsubscribed,\n")
	mustStatus(t, r, http.StatusSeeOther)
	r = c.get("/admin/subscribers/")
	mustContain(t, r, "Imported: 3 new subscribers (1 sent a confirmation mail).", "ann@example.com", "bob@example.com")
	if e.subscriber("ann@example.com").Status != blog.SubscriberActive || e.subscriber("bob@example.com").Status != blog.SubscriberPending ||
		e.subscriber("cy@example.com").Status != blog.SubscriberUnsubscribed {
		t.Error("statuses not as imported")
	}
	msgs := e.app.SentMail()
	if len(msgs) != 1 || msgs[0].To != "bob@example.com" {
		t.Errorf("mail after the import: %+v", msgs)
	}
	// Again: nothing changes.
	r = c.importCSV("email\nann@example.com\n")
	if r = c.get("/admin/subscribers/"); !strings.Contains(r.body, "1 address already on the list left as they were") {
		t.Errorf("import again:\n%s", r.body)
	}

	// Export: CSV with the import's columns, the list's filter applied.
	r = c.get("/admin/subscribers/export?status=active")
	mustStatus(t, r, http.StatusOK)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export headers: %v", r.header)
	}
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != 2 || strings.Join(rows[0][:4], ",") != "email,name,status,consent_date" ||
		rows[1][0] != "ann@example.com" || rows[1][3] != "2024-01-31T00:00:00Z" {
		t.Errorf("export: %v %v", rows, err)
	}
}

func TestSubscribersListAddShowAndErase(t *testing.T) {
	e, _ := newNewsEnv(t)
	c, _ := e.owner()
	ctx := context.Background()
	e.addSubscribers(60, blog.SubscriberActive)
	e.addSubscribers(2, blog.SubscriberBounced)

	r := c.get("/admin/subscribers/")
	mustContain(t, r, "All <span class=\"count\">(62)</span>", "Bounced <span class=\"count\">(2)</span>", "Page 1 of 2")
	r = c.get("/admin/subscribers/?status=bounced")
	mustContain(t, r, "reader0-bounced@example.net", "reader1-bounced@example.net")
	if strings.Contains(r.body, "-active@") {
		t.Error("the bounced filter shows active subscribers")
	}
	r = c.get("/admin/subscribers/?q=reader17-")
	mustContain(t, r, "reader17-active@example.net", `value="reader17-"`)
	if strings.Contains(r.body, "reader18-") {
		t.Error("search shows others")
	}

	// Add by hand: problems beside their fields, the typed text kept.
	r = c.post("/admin/subscribers/", url.Values{"email": {"not an address"}, "name": {"Ann <b>"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, "Please enter a valid email address", "Enter a name without line breaks", `value="not an address"`)
	r = c.post("/admin/subscribers/", url.Values{"email": {"Ann@Example.com"}, "name": {"Ann"}, "confirmed": {"1"}})
	mustStatus(t, r, http.StatusSeeOther)
	ann := e.subscriber("ann@example.com")
	if ann.Status != blog.SubscriberActive || ann.Source != blog.SourceAdmin {
		t.Errorf("added as confirmed: %+v", ann)
	}
	r = c.post("/admin/subscribers/", url.Values{"email": {"ann@example.com"}})
	mustContain(t, r, "This address is on the list already (active).")
	r = c.post("/admin/subscribers/", url.Values{"email": {"bob@example.com"}})
	mustStatus(t, r, http.StatusSeeOther)
	if e.subscriber("bob@example.com").Status != blog.SubscriberPending {
		t.Error("added to confirm: not pending")
	}

	// One person's page: history; status set by hand.
	page := "/admin/subscribers/" + strconv.FormatInt(ann.ID, 10)
	r = c.get(page)
	mustContain(t, r, "added by hand as having consented", "Change the status")
	r = c.post(page+"/status", url.Values{"status": {"unsubscribed"}})
	mustStatus(t, r, http.StatusSeeOther)
	if r = c.get(page); !strings.Contains(r.body, "set to unsubscribed by the admin") {
		t.Errorf("history lacks the change:\n%s", r.body)
	}
	if r := c.post(page+"/status", url.Values{"status": {"royalty"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown status: %d", r.status)
	}

	// Erase: asks, then removes them and anonymizes their comments
	// through the privacy tools.
	p := e.addPost("Discussed", 0)
	cm := e.addComment(p, 0, blog.CommentApproved, "Ann", "ann@example.com", "192.0.2.1", "Good point.")
	r = c.post(page+"/erase", url.Values{"mode": {"anonymize"}})
	mustContain(t, r, "Erase ann@example.com?", "their 1 comments are kept but made anonymous")
	if _, err := e.st.Subscriber(ctx, ann.ID); err != nil {
		t.Fatal("erased before confirming")
	}
	r = c.post(page+"/erase", url.Values{"mode": {"anonymize"}, "confirm": {"1"}})
	mustStatus(t, r, http.StatusSeeOther)
	if _, err := e.st.Subscriber(ctx, ann.ID); err == nil {
		t.Error("the subscriber is still there")
	}
	if got := e.comment(cm.ID); got.AuthorEmail != "" || got.AuthorName != "Anonymous" || got.Content != "Good point." {
		t.Errorf("the comment after erasing: %+v", got)
	}

	// The privacy page finds a newsletter subscriber and erases it too.
	bob := e.subscriber("bob@example.com")
	r = c.post("/admin/privacy", url.Values{"email": {"bob@example.com"}})
	mustContain(t, r, "/admin/subscribers/"+strconv.FormatInt(bob.ID, 10), "pending since")
	r = c.post("/admin/privacy/erase", url.Values{"email": {"bob@example.com"}, "mode": {"delete"}, "confirm": {"1"}})
	mustStatus(t, r, http.StatusSeeOther)
	if _, err := e.st.Subscriber(ctx, bob.ID); err == nil {
		t.Error("the privacy erase left the newsletter subscriber")
	}

	// Only the owner sees subscribers.
	e.addUser(blog.RoleEditor, "Edie", "edie@example.com", "edie-password-1")
	ed := e.loginAs("edie@example.com", "edie-password-1")
	for _, path := range []string{"/admin/subscribers/", "/admin/subscribers/export", page} {
		if r := ed.get(path); r.status != http.StatusForbidden {
			t.Errorf("an editor opened %s: %d", path, r.status)
		}
	}
}
