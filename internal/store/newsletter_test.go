package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/store/storetest"
)

func addSubscriber(t *testing.T, s *store.Store, email string, status blog.SubscriberStatus, at time.Time) *blog.Subscriber {
	t.Helper()
	sub := &blog.Subscriber{Email: email, Status: status, Source: blog.SourceAdmin, CreatedAt: at}
	created, err := s.AddSubscriber(context.Background(), sub, blog.SubscriberEvent{Kind: blog.EventAdded})
	if err != nil || !created {
		t.Fatalf("add %s: created %v, %v", email, created, err)
	}
	return sub
}

func TestSubscribersAddChangeAndHistory(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

	sub := &blog.Subscriber{Email: " Ann@Example.COM ", Name: " Ann ", Source: blog.SourceBox, CreatedAt: now}
	created, err := s.AddSubscriber(ctx, sub, blog.SubscriberEvent{Kind: blog.EventSignup, Detail: "the box on /"})
	if err != nil || !created {
		t.Fatalf("add: created %v, %v", created, err)
	}
	if sub.ID == 0 || sub.Email != "ann@example.com" || sub.Name != "Ann" || sub.Status != blog.SubscriberPending ||
		!sub.ConsentAt.IsZero() || !sub.CreatedAt.Equal(now) || !sub.StatusAt.Equal(now) || sub.Source != blog.SourceBox {
		t.Errorf("added = %+v", sub)
	}
	// The same address again changes nothing and says so.
	again := &blog.Subscriber{Email: "ann@example.com", Name: "Someone else", Status: blog.SubscriberActive, CreatedAt: now.Add(time.Hour)}
	created, err = s.AddSubscriber(ctx, again, blog.SubscriberEvent{Kind: blog.EventSignup})
	if err != nil || created || again.ID != sub.ID || again.Name != "Ann" || again.Status != blog.SubscriberPending {
		t.Errorf("second add: created %v, %+v, %v", created, again, err)
	}
	byMail, err := s.SubscriberByEmail(ctx, "ANN@example.com")
	if err != nil || byMail.ID != sub.ID {
		t.Errorf("by email: %+v, %v", byMail, err)
	}
	if _, err := s.SubscriberByEmail(ctx, "nobody@example.com"); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("unknown address: %v", err)
	}
	if _, err := s.Subscriber(ctx, 999); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("unknown id: %v", err)
	}

	// Confirming: only from pending, consent recorded.
	confirmAt := now.Add(2 * time.Hour)
	got, changed, err := s.ChangeSubscriber(ctx, sub.ID, store.SubscriberChange{Status: blog.SubscriberActive,
		From: []blog.SubscriberStatus{blog.SubscriberPending}, ConsentAt: confirmAt, ConsentSource: "confirmed by link",
		Event: blog.SubscriberEvent{Kind: blog.EventConfirmed}, Now: confirmAt})
	if err != nil || !changed || got.Status != blog.SubscriberActive || !got.ConsentAt.Equal(confirmAt) ||
		got.ConsentSource != "confirmed by link" || !got.StatusAt.Equal(confirmAt) {
		t.Fatalf("confirm: changed %v, %+v, %v", changed, got, err)
	}
	// A second confirmation is no change and writes no event.
	got, changed, err = s.ChangeSubscriber(ctx, sub.ID, store.SubscriberChange{Status: blog.SubscriberActive,
		From: []blog.SubscriberStatus{blog.SubscriberPending}, ConsentAt: confirmAt.Add(time.Hour),
		Event: blog.SubscriberEvent{Kind: blog.EventConfirmed}, Now: confirmAt.Add(time.Hour)})
	if err != nil || changed || !got.ConsentAt.Equal(confirmAt) {
		t.Errorf("confirm twice: changed %v, %+v, %v", changed, got, err)
	}

	// Bounces: counted, then bounced at the limit; becoming active clears them.
	for i := 1; i <= 2; i++ {
		got, err = s.AddSubscriberBounce(ctx, sub.ID, 2, blog.SubscriberEvent{Kind: blog.EventBounced, Detail: "550 no such user",
			At: confirmAt.Add(time.Duration(i) * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		want := blog.SubscriberActive
		if i == 2 {
			want = blog.SubscriberBounced
		}
		if got.Bounces != i || got.Status != want {
			t.Errorf("after bounce %d: %d bounces, %s; want %s", i, got.Bounces, got.Status, want)
		}
	}
	got, changed, err = s.ChangeSubscriber(ctx, sub.ID, store.SubscriberChange{Status: blog.SubscriberActive,
		Event: blog.SubscriberEvent{Kind: blog.EventStatus, Detail: "set by the admin"}, Now: confirmAt.Add(5 * time.Hour)})
	if err != nil || !changed || got.Bounces != 0 {
		t.Errorf("reactivated: %+v, %v", got, err)
	}
	// Unsubscribing from an issue's link records the issue.
	is := &blog.Issue{Subject: "Tip 1", Body: "Hello", BodyHTML: "<p>Hello</p>"}
	if err := s.CreateIssue(ctx, is); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ChangeSubscriber(ctx, sub.ID, store.SubscriberChange{Status: blog.SubscriberUnsubscribed,
		Event: blog.SubscriberEvent{Kind: blog.EventUnsubscribed, IssueID: is.ID}, Now: confirmAt.Add(6 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	evs, err := s.SubscriberEvents(ctx, sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range evs {
		kinds = append(kinds, string(ev.Kind))
	}
	want := "[signup confirmed bounced bounced status unsubscribed]"
	if fmt.Sprint(kinds) != want {
		t.Errorf("history = %v, want %s", kinds, want)
	}
	if evs[0].Detail != "the box on /" || !evs[0].At.Equal(now) || evs[len(evs)-1].IssueID != is.ID {
		t.Errorf("history details: first %+v, last %+v", evs[0], evs[len(evs)-1])
	}
	last, err := s.LastSubscriberEvent(ctx, sub.ID, blog.EventBounced)
	if err != nil || last.Detail != "550 no such user" {
		t.Errorf("last bounce: %+v, %v", last, err)
	}
	if _, err := s.LastSubscriberEvent(ctx, sub.ID, blog.EventComplained); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("no complaint: %v", err)
	}
	if st, err := s.SubscriberStatus(ctx, sub.ID); err != nil || st != blog.SubscriberUnsubscribed {
		t.Errorf("status = %s, %v", st, err)
	}

	// The admin's edit; an address taken by someone else is a conflict.
	other := addSubscriber(t, s, "bob@example.com", blog.SubscriberActive, now)
	if !other.ConsentAt.Equal(now) {
		t.Errorf("an active subscriber added without a consent time consented when added: %+v", other)
	}
	if _, err := s.UpdateSubscriber(ctx, other.ID, "Ann@example.com", "Bob", blog.SubscriberEvent{Kind: blog.EventEdited}); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("taken address: %v", err)
	}
	ed, err := s.UpdateSubscriber(ctx, other.ID, "Robert@Example.com", "Robert", blog.SubscriberEvent{Kind: blog.EventEdited})
	if err != nil || ed.Email != "robert@example.com" || ed.Name != "Robert" {
		t.Errorf("edit: %+v, %v", ed, err)
	}

	// Erasing takes the history and deliveries with it.
	if _, err := s.CreateDeliveries(ctx, is.ID, "example.com", now); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSubscriber(ctx, other.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSubscriber(ctx, other.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("erase twice: %v", err)
	}
	if evs, _ := s.SubscriberEvents(ctx, other.ID); len(evs) != 0 {
		t.Errorf("history after erase: %v", evs)
	}
	if ds, _ := s.Deliveries(ctx, is.ID, store.DeliveryFilter{}); len(ds) != 0 {
		t.Errorf("deliveries after erase: %v", ds)
	}
}

func TestSubscribersListSearchAndCounts(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	statuses := []blog.SubscriberStatus{blog.SubscriberActive, blog.SubscriberPending, blog.SubscriberActive,
		blog.SubscriberUnsubscribed, blog.SubscriberBounced, blog.SubscriberComplained}
	for i, st := range statuses {
		addSubscriber(t, s, fmt.Sprintf("reader%d@example.com", i), st, now)
	}
	named := &blog.Subscriber{Email: "x_y@example.org", Name: "Zoë 100%", Status: blog.SubscriberActive}
	if _, err := s.AddSubscriber(ctx, named, blog.SubscriberEvent{}); err != nil {
		t.Fatal(err)
	}
	counts, err := s.SubscriberCounts(ctx)
	if err != nil || counts[blog.SubscriberActive] != 3 || counts[blog.SubscriberPending] != 1 || counts[blog.SubscriberComplained] != 1 {
		t.Errorf("counts = %v, %v", counts, err)
	}
	list, total, err := s.Subscribers(ctx, blog.SubscriberFilter{Status: blog.SubscriberActive, Limit: 2})
	if err != nil || total != 3 || len(list) != 2 || list[0].Email != "x_y@example.org" {
		t.Errorf("active page 1: %d of %d, %v", len(list), total, err)
	}
	for q, want := range map[string]int{"READER": 6, "zoë": 1, "100%": 1, "x_y": 1, "_": 1, "%": 1, "nobody": 0} {
		_, n, err := s.Subscribers(ctx, blog.SubscriberFilter{Search: q})
		if err != nil || n != want {
			t.Errorf("search %q: %d, want %d (%v)", q, n, want, err)
		}
	}
	var seen []string
	if err := s.EachSubscriber(ctx, blog.SubscriberFilter{Status: blog.SubscriberActive}, func(sub *blog.Subscriber) error {
		seen = append(seen, sub.Email)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(seen) != "[reader0@example.com reader2@example.com x_y@example.org]" {
		t.Errorf("each active = %v", seen)
	}
}

func TestIssuesQueueAndStatus(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	mk := func(subject string, st blog.IssueStatus) *blog.Issue {
		t.Helper()
		is := &blog.Issue{Subject: subject, Preheader: "pre", Body: "Body of " + subject, BodyHTML: "<p>Body</p>", Status: st, CreatedAt: now}
		if err := s.CreateIssue(ctx, is); err != nil {
			t.Fatal(err)
		}
		return is
	}
	a, b, c := mk("A", blog.IssueQueued), mk("B", blog.IssueQueued), mk("C", blog.IssueQueued)
	draft := mk("Draft", "")
	if draft.Status != blog.IssueDraft || draft.Kind != blog.IssueWritten || a.QueuePos != 1 || c.QueuePos != 3 {
		t.Errorf("created: draft %+v, a at %d, c at %d", draft, a.QueuePos, c.QueuePos)
	}
	order := func() string {
		t.Helper()
		q, err := s.TipQueue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, is := range q {
			out = append(out, is.Subject)
		}
		return fmt.Sprint(out)
	}
	if got := order(); got != "[A B C]" {
		t.Errorf("queue = %s", got)
	}
	if err := s.MoveInTipQueue(ctx, c.ID, -1); err != nil {
		t.Fatal(err)
	}
	if got := order(); got != "[A C B]" {
		t.Errorf("after moving C up: %s", got)
	}
	if err := s.MoveInTipQueue(ctx, a.ID, 10); err != nil {
		t.Fatal(err)
	}
	if got := order(); got != "[C B A]" {
		t.Errorf("after moving A past the end: %s", got)
	}
	if err := s.MoveInTipQueue(ctx, draft.ID, 1); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("moving a draft: %v", err)
	}
	if err := s.ReorderTipQueue(ctx, []int64{b.ID, draft.ID, 999}); err != nil {
		t.Fatal(err)
	}
	if got := order(); got != "[B C A]" {
		t.Errorf("after reorder: %s", got)
	}
	// Queuing the draft puts it last.
	if _, err := s.SetIssueStatus(ctx, draft.ID, []blog.IssueStatus{blog.IssueDraft}, blog.IssueQueued, now); err != nil {
		t.Fatal(err)
	}
	if got := order(); got != "[B C A Draft]" {
		t.Errorf("after queuing the draft: %s", got)
	}
	// Scheduling takes it out of the queue.
	at := now.Add(48 * time.Hour)
	sch, err := s.SetIssueStatus(ctx, c.ID, []blog.IssueStatus{blog.IssueQueued, blog.IssueDraft}, blog.IssueScheduled, at)
	if err != nil || !sch.ScheduledAt.Equal(at) || sch.QueuePos != 0 {
		t.Fatalf("schedule: %+v, %v", sch, err)
	}
	if due, _ := s.DueIssues(ctx, at.Add(-time.Second)); len(due) != 0 {
		t.Errorf("due before its time: %v", due)
	}
	if due, _ := s.DueIssues(ctx, at); len(due) != 1 || due[0].ID != c.ID {
		t.Errorf("due at its time: %v", due)
	}
	// Sending, then sent; the text cannot change once it is going out.
	ver0, _ := s.ContentVersion(ctx)
	sending, err := s.SetIssueStatus(ctx, c.ID, []blog.IssueStatus{blog.IssueScheduled}, blog.IssueSending, at)
	if err != nil || !sending.StartedAt.Equal(at) {
		t.Fatalf("sending: %+v, %v", sending, err)
	}
	if _, err := s.SetIssueStatus(ctx, c.ID, []blog.IssueStatus{blog.IssueScheduled}, blog.IssueSending, at); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("starting twice: %v", err)
	}
	sending.Subject = "Changed"
	if err := s.UpdateIssue(ctx, sending); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("editing a sending issue: %v", err)
	}
	if err := s.DeleteIssue(ctx, c.ID); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("deleting a sending issue: %v", err)
	}
	sent, err := s.SetIssueStatus(ctx, c.ID, []blog.IssueStatus{blog.IssueSending}, blog.IssueSent, at.Add(time.Minute))
	if err != nil || !sent.SentAt.Equal(at.Add(time.Minute)) || !sent.StartedAt.Equal(at) {
		t.Fatalf("sent: %+v, %v", sent, err)
	}
	if ver1, _ := s.ContentVersion(ctx); ver1 == ver0 {
		t.Error("the content version did not change when an issue was sent (the archive would not show it)")
	}
	last, err := s.LastSentIssue(ctx)
	if err != nil || last.ID != c.ID {
		t.Errorf("last sent: %+v, %v", last, err)
	}
	list, total, err := s.Issues(ctx, store.IssueFilter{Statuses: []blog.IssueStatus{blog.IssueSent}})
	if err != nil || total != 1 || len(list) != 1 || list[0].Subject != "C" {
		t.Errorf("sent issues: %v, %d, %v", list, total, err)
	}
	// An editable issue's text changes.
	b.Subject, b.Body = "B2", "New body"
	if err := s.UpdateIssue(ctx, b); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Issue(ctx, b.ID); got.Subject != "B2" || got.Body != "New body" || got.QueuePos == 0 {
		t.Errorf("updated: %+v", got)
	}
	if err := s.DeleteIssue(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Issue(ctx, b.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("deleted issue: %v", err)
	}
}

func TestIssueOfAPostAtMostOnce(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	p := newPost("Mailed")
	if _, err := s.SavePost(ctx, p); err != nil {
		t.Fatal(err)
	}
	is := &blog.Issue{Kind: blog.IssuePost, PostID: p.ID, Subject: "Mailed", Body: "x", BodyHTML: "<p>x</p>", Status: blog.IssueSending}
	if err := s.CreateIssue(ctx, is); err != nil {
		t.Fatal(err)
	}
	again := &blog.Issue{Kind: blog.IssuePost, PostID: p.ID, Subject: "Mailed", Body: "x", BodyHTML: "<p>x</p>"}
	if err := s.CreateIssue(ctx, again); !errors.Is(err, blog.ErrConflict) {
		t.Errorf("second issue of the post: %v", err)
	}
	got, err := s.IssueByPost(ctx, p.ID)
	if err != nil || got.ID != is.ID || got.Kind != blog.IssuePost {
		t.Errorf("by post: %+v, %v", got, err)
	}
	// Deleting the post keeps the issue (it may have gone out).
	if err := s.DeletePost(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Issue(ctx, is.ID); err != nil || got.PostID != 0 {
		t.Errorf("issue of a deleted post: %+v, %v", got, err)
	}
}

func TestDeliveries(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var active []*blog.Subscriber
	for i := 0; i < 3; i++ {
		active = append(active, addSubscriber(t, s, fmt.Sprintf("a%d@example.com", i), blog.SubscriberActive, now))
	}
	pending := addSubscriber(t, s, "p@example.com", blog.SubscriberPending, now)
	addSubscriber(t, s, "u@example.com", blog.SubscriberUnsubscribed, now)
	is := &blog.Issue{Subject: "Tip", Body: "x", BodyHTML: "<p>x</p>", Status: blog.IssueSending}
	if err := s.CreateIssue(ctx, is); err != nil {
		t.Fatal(err)
	}
	n, err := s.CreateDeliveries(ctx, is.ID, "example.com", now)
	if err != nil || n != 3 {
		t.Fatalf("created %d deliveries, %v; want 3 (active only)", n, err)
	}
	if n, err := s.CreateDeliveries(ctx, is.ID, "example.com", now); err != nil || n != 0 {
		t.Errorf("again: %d, %v", n, err)
	}
	d, err := s.Delivery(ctx, is.ID, active[1].ID)
	if err != nil || d.State != blog.DeliveryQueued || d.MessageID != blog.DeliveryMessageID(is.ID, active[1].ID, "example.com") {
		t.Fatalf("delivery = %+v, %v", d, err)
	}
	if _, err := s.Delivery(ctx, is.ID, pending.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Errorf("a pending subscriber's delivery: %v", err)
	}
	// One added by hand (whoever it is: the sender checks the status).
	if ok, err := s.AddDelivery(ctx, is.ID, pending.ID, "example.com", now); err != nil || !ok {
		t.Errorf("add one: %v, %v", ok, err)
	}
	if ok, _ := s.AddDelivery(ctx, is.ID, pending.ID, "example.com", now); ok {
		t.Error("the same delivery added twice")
	}

	// sending before, sent after; compare-and-set.
	ok, err := s.SetDeliveryState(ctx, is.ID, active[0].ID, []blog.DeliveryState{blog.DeliveryQueued}, blog.DeliverySending, "", now.Add(time.Second))
	if err != nil || !ok {
		t.Fatalf("to sending: %v, %v", ok, err)
	}
	if ok, _ := s.SetDeliveryState(ctx, is.ID, active[0].ID, []blog.DeliveryState{blog.DeliveryQueued}, blog.DeliverySending, "", now); ok {
		t.Error("a delivery claimed twice")
	}
	if ok, _ := s.SetDeliveryState(ctx, is.ID, active[0].ID, []blog.DeliveryState{blog.DeliverySending}, blog.DeliverySent, "", now.Add(2*time.Second)); !ok {
		t.Error("to sent")
	}
	s.SetDeliveryState(ctx, is.ID, active[1].ID, nil, blog.DeliverySending, "", now)
	s.SetDeliveryState(ctx, is.ID, active[1].ID, nil, blog.DeliveryBounced, "550 5.1.1 no such user", now)
	s.SetDeliveryState(ctx, is.ID, pending.ID, nil, blog.DeliveryFailed, "not active", now)
	d, _ = s.Delivery(ctx, is.ID, active[0].ID)
	if d.State != blog.DeliverySent || d.Attempts != 1 || !d.SendingAt.Equal(now.Add(time.Second)) || !d.SentAt.Equal(now.Add(2*time.Second)) {
		t.Errorf("sent delivery = %+v", d)
	}
	d, _ = s.Delivery(ctx, is.ID, active[1].ID)
	if d.State != blog.DeliveryBounced || d.Error != "550 5.1.1 no such user" {
		t.Errorf("bounced delivery = %+v", d)
	}
	queued, err := s.Deliveries(ctx, is.ID, store.DeliveryFilter{States: []blog.DeliveryState{blog.DeliveryQueued}})
	if err != nil || len(queued) != 1 || queued[0].SubscriberID != active[2].ID {
		t.Errorf("queued = %+v, %v", queued, err)
	}
	page, _ := s.Deliveries(ctx, is.ID, store.DeliveryFilter{AfterSubscriberID: active[0].ID, Limit: 1})
	if len(page) != 1 || page[0].SubscriberID != active[1].ID {
		t.Errorf("page after the first = %+v", page)
	}
	if _, _, err := s.ChangeSubscriber(ctx, active[2].ID, store.SubscriberChange{Status: blog.SubscriberUnsubscribed,
		Event: blog.SubscriberEvent{Kind: blog.EventUnsubscribed, IssueID: is.ID}}); err != nil {
		t.Fatal(err)
	}
	c, err := s.DeliveryCounts(ctx, is.ID)
	want := blog.DeliveryCounts{Recipients: 4, Queued: 1, Sent: 1, Failed: 1, Bounced: 1, Unsubscribed: 1}
	if err != nil || c != want {
		t.Errorf("counts = %+v, want %+v (%v)", c, want, err)
	}
}
