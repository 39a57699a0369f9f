package deliver_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

const secret = "s3cret-webhook-token-0123456789"

func (f *fixture) webhook(auth, body string) (int, string) {
	f.t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/newsletter/webhook", strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestWebhook: the relay's bounce and complaint reports, behind a bearer
// secret; every bad request is refused with a reason and changes nothing.
func TestWebhook(t *testing.T) {
	ctx := context.Background()
	t.Run("off without a secret", func(t *testing.T) {
		f := newFixture(t, fixtureOpts{})
		if code, _ := f.webhook("Bearer anything", `{"email":"a@example.org","type":"bounce","hard":true}`); code != http.StatusNotFound {
			t.Errorf("no secret set: %d, want 404", code)
		}
	})
	f := newFixture(t, fixtureOpts{settings: map[string]string{site.KeyNewsletterWebhook: secret}})
	subs := f.subscribers(4)
	is := f.send("Reported later")
	f.waitIssue(is.ID)
	good := "Bearer " + secret
	big := `{"email":"` + subs[0].Email + `","type":"bounce","hard":true,"pad":"` + strings.Repeat("x", 9000) + `"}`
	for _, c := range []struct {
		name, auth, body string
		code             int
		want             string
	}{
		{"no token", "", `{"email":"r000@example.org","type":"bounce","hard":true}`, 401, "bearer"},
		{"wrong token", "Bearer " + secret + "x", `{"email":"r000@example.org","type":"bounce","hard":true}`, 401, "bearer"},
		{"basic auth", "Basic " + secret, `{"email":"r000@example.org","type":"bounce","hard":true}`, 401, "bearer"},
		{"not JSON", good, `email=r000@example.org`, 400, "one JSON object"},
		{"two objects", good, `{"email":"r000@example.org","type":"bounce"} {}`, 400, "one JSON object"},
		{"bad fields", good, `{"email":"nobody","type":"spam"}`, 400, "email is not an email address; type must be"},
		{"too big", good, big, 413, "8 KiB"},
	} {
		code, body := f.webhook(c.auth, c.body)
		if code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want %d mentioning %q", c.name, code, body, c.code, c.want)
		}
	}
	for _, s := range subs {
		if cur, _ := f.st.Subscriber(ctx, s.ID); cur.Status != blog.SubscriberActive || cur.Bounces != 0 {
			t.Fatalf("a refused report changed %s: %+v", s.Email, cur)
		}
	}

	// A hard bounce: the last message is bounced, the subscriber too (limit 1).
	if code, body := f.webhook(good, `{"email":"R000@Example.org","type":"bounce","hard":true}`); code != 200 || !strings.Contains(body, `"status":"bounced"`) {
		t.Errorf("hard bounce: %d %s", code, body)
	}
	if d, _ := f.st.Delivery(ctx, is.ID, subs[0].ID); d.State != blog.DeliveryBounced {
		t.Errorf("the bounced message's delivery: %+v", d)
	}
	// A soft bounce is noted, not counted.
	if code, body := f.webhook(good, `{"email":"r001@example.org","type":"bounce","hard":false}`); code != 200 || !strings.Contains(body, `"status":"active"`) {
		t.Errorf("soft bounce: %d %s", code, body)
	}
	// A complaint: nothing more goes to them.
	if code, body := f.webhook(good, `{"email":"r002@example.org","type":"complaint"}`); code != 200 || !strings.Contains(body, `"status":"complained"`) {
		t.Errorf("complaint: %d %s", code, body)
	}
	// An address not on the list: nothing to do, nothing to retry.
	if code, body := f.webhook(good, `{"email":"stranger@example.org","type":"complaint"}`); code != 200 || !strings.Contains(body, `"known":false`) {
		t.Errorf("unknown address: %d %s", code, body)
	}
	for i, want := range []blog.SubscriberStatus{blog.SubscriberBounced, blog.SubscriberActive, blog.SubscriberComplained, blog.SubscriberActive} {
		if cur, _ := f.st.Subscriber(ctx, subs[i].ID); cur.Status != want {
			t.Errorf("%s is %s, want %s", subs[i].Email, cur.Status, want)
		}
	}
	evs, _ := f.st.SubscriberEvents(ctx, subs[2].ID)
	if last := evs[len(evs)-1]; last.Kind != blog.EventComplained || last.IssueID != is.ID {
		t.Errorf("complaint in history: %+v", last)
	}
	next := f.send("Next week")
	f.waitIssue(next.ID)
	if c, _ := f.st.DeliveryCounts(ctx, next.ID); c.Recipients != 2 {
		t.Errorf("the next issue went to %d, want the 2 still active", c.Recipients)
	}
}
