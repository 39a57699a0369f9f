package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// addSubscription stores a follow-up subscription (and subscriber record)
// for email on postID, as the follow-up feature would.
func (e *env) addSubscription(postID int64, email, token string, confirmed bool) {
	e.t.Helper()
	conf := "NULL"
	if confirmed {
		conf = "1700000100"
	}
	db := e.st.DB()
	if _, err := db.Exec(fmt.Sprintf(`INSERT INTO comment_subscriptions (post_id, email, token, confirmed_at, created_at)
		VALUES (%d, '%s', '%s', %s, 1700000000)`, postID, email, token, conf)); err != nil {
		e.t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf(`INSERT INTO comment_subscribers (email, confirmed_at) VALUES ('%s', %s)
		ON CONFLICT (email) DO NOTHING`, email, conf)); err != nil {
		e.t.Fatal(err)
	}
}

func TestPrivacyFindAndExport(t *testing.T) {
	e, _ := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("Private matters", owner.ID)
	other := e.addPost("Second post", owner.ID)
	mine := e.addComment(p, 0, blog.CommentApproved, "Ann", "ann@example.com", "192.0.2.1", "My first words.")
	e.addComment(other, 0, blog.CommentSpam, "Ann", "ann@example.com", "192.0.2.1", "Held words.")
	e.addComment(p, 0, blog.CommentApproved, "Bob", "bob@example.com", "192.0.2.2", "Not Ann's words.")
	e.addSubscription(p.ID, "ann@example.com", "tok-ann-1", true)
	e.addSubscription(p.ID, "bob@example.com", "tok-bob-1", false)

	mustContain(t, c.get("/admin/privacy"), `name="email"`, "Find personal data")
	r := c.post("/admin/privacy", url.Values{"email": {"not an address"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-email"`, `value="not an address"`)

	r = c.post("/admin/privacy", url.Values{"email": {" ANN@example.com "}})
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Held for ann@example.com", "Comments (2)", "Private matters", "Second post", "192.0.2.1",
		"Follow-up subscriptions (1)", "Export as JSON", "Erase (anonymize comments)")
	if strings.Contains(r.body, "bob@example.com") || strings.Contains(r.body, "Not Ann") {
		t.Error("another person's data shown")
	}
	mustContain(t, c.post("/admin/privacy", url.Values{"email": {"nobody@example.com"}}), "Nothing is held for this address.")

	r = c.post("/admin/privacy/export", url.Values{"email": {"ann@example.com"}})
	mustStatus(t, r, http.StatusOK)
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".json") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var doc struct {
		Email    string `json:"email"`
		Comments []struct {
			ID          int64  `json:"id"`
			PostTitle   string `json:"post_title"`
			PostURL     string `json:"post_url"`
			AuthorEmail string `json:"author_email"`
			AuthorIP    string `json:"author_ip"`
			Status      string `json:"status"`
			Content     string `json:"content"`
			Date        string `json:"date"`
		} `json:"comments"`
		Subs []struct {
			PostTitle string `json:"post_title"`
			Confirmed bool   `json:"confirmed"`
		} `json:"comment_subscriptions"`
		Subscriber *struct {
			ConfirmedAt string `json:"confirmed_at"`
		} `json:"comment_subscriber"`
	}
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, r.body)
	}
	if doc.Email != "ann@example.com" || len(doc.Comments) != 2 || len(doc.Subs) != 1 || !doc.Subs[0].Confirmed ||
		doc.Subscriber == nil || doc.Subscriber.ConfirmedAt == "" {
		t.Fatalf("export %+v", doc)
	}
	var first = doc.Comments[len(doc.Comments)-1]
	if first.ID != mine.ID || first.Content != "My first words." || first.AuthorIP != "192.0.2.1" ||
		first.AuthorEmail != "ann@example.com" || !strings.HasSuffix(first.Date, "Z") || !strings.Contains(first.PostURL, "/private-matters/") {
		t.Errorf("exported comment %+v", first)
	}
	if strings.Contains(r.body, "tok-ann-1") || strings.Contains(r.body, "bob@example.com") {
		t.Error("export holds a token or another person's data")
	}
}

func TestPrivacyEraseAnonymizes(t *testing.T) {
	e, _ := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("Erased", owner.ID)
	a := e.addComment(p, 0, blog.CommentApproved, "Ann", "ann@example.com", "192.0.2.1", "Words that stay.")
	b := e.addComment(p, 0, blog.CommentApproved, "Bob", "bob@example.com", "192.0.2.2", "Bob stays whole.")
	e.addSubscription(p.ID, "ann@example.com", "tok-ann-1", true)
	e.addSubscription(p.ID, "bob@example.com", "tok-bob-1", true)

	// The first POST only asks to confirm.
	r := c.post("/admin/privacy/erase", url.Values{"email": {"ann@example.com"}, "mode": {"anonymize"}})
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Anonymize the comments of ann@example.com?", `name="confirm" value="1"`, "Yes, anonymize")
	if e.comment(a.ID).AuthorEmail != "ann@example.com" {
		t.Fatal("erased before confirmation")
	}
	mustStatus(t, c.post("/admin/privacy/erase", url.Values{"email": {"ann@example.com"}, "mode": {"shred"}}), http.StatusUnprocessableEntity)

	r = c.post("/admin/privacy/erase", url.Values{"email": {"ann@example.com"}, "mode": {"anonymize"}, "confirm": {"1"}})
	mustStatus(t, r, http.StatusSeeOther)
	mustContain(t, c.get(r.location), "1 comment anonymized, 2 follow-up records removed.")
	got := e.comment(a.ID)
	if got.AuthorName != "Anonymous" || got.AuthorEmail != "" || got.AuthorIP != "" || got.AuthorURL != "" ||
		got.UserAgent != "" || got.Content != "Words that stay." || got.Status != blog.CommentApproved {
		t.Errorf("after erase %+v", got)
	}
	if e.comment(b.ID).AuthorEmail != "bob@example.com" {
		t.Error("another person's comment erased")
	}
	subs, sub, err := e.st.PrivacySubscriptions(context.Background(), "ann@example.com")
	if err != nil || len(subs) != 0 || sub != nil {
		t.Errorf("subscriptions left: %v %v %v", subs, sub, err)
	}
	if subs, _, _ := e.st.PrivacySubscriptions(context.Background(), "bob@example.com"); len(subs) != 1 {
		t.Error("another person's subscription removed")
	}
}

func TestPrivacyEraseDeletes(t *testing.T) {
	e, _ := newCommentEnv(t)
	c, owner := e.owner()
	p := e.addPost("Deleted", owner.ID)
	a := e.addComment(p, 0, blog.CommentApproved, "Ann", "ann@example.com", "192.0.2.1", "Gone soon.")
	reply := e.addComment(p, a.ID, blog.CommentApproved, "Bob", "bob@example.com", "192.0.2.2", "Reply stays.")
	e.addComment(p, 0, blog.CommentTrash, "Ann", "ann@example.com", "192.0.2.1", "Trashed, gone too.")

	r := c.post("/admin/privacy/erase", url.Values{"email": {"ann@example.com"}, "mode": {"delete"}})
	mustContain(t, r, "2 comments will be deleted for good", "Yes, delete")
	r = c.post("/admin/privacy/erase", url.Values{"email": {"ann@example.com"}, "mode": {"delete"}, "confirm": {"1"}})
	mustStatus(t, r, http.StatusSeeOther)
	if list, n, _ := e.st.ListComments(context.Background(), store.CommentFilter{}); n != 1 || list[0].ID != reply.ID || list[0].ParentID != 0 {
		t.Errorf("left %d comments: %+v", n, list)
	}
}
