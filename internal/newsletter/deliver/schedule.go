package deliver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Outcomes of a weekly slot (store.NewsletterSlot.Outcome).
const (
	SlotIssue         = "issue"          // the tip queue's first issue went out
	SlotDigest        = "digest"         // a digest of the posts since the last issue went out
	SlotNothing       = "nothing"        // no tip queued and no new post: nothing was sent
	SlotNoSubscribers = "no-subscribers" // no one to send to: the queue was kept
)

// digestPosts is the most posts a digest lists.
const digestPosts = 20

// errSlotTaken means another process claimed the slot first.
var errSlotTaken = errors.New("deliver: the weekly slot was handled by another process")

// lastSlot returns the latest weekly slot at or before now.
func lastSlot(n *site.Newsletter, now time.Time, loc *time.Location) time.Time {
	s := n.NextSend(now.Add(-8*24*time.Hour), loc)
	for {
		next := n.NextSend(s, loc)
		if next.After(now) {
			return s
		}
		s = next
	}
}

// weekly sends what the weekly slot calls for, once per slot whatever the
// number of instances: the slot's row is inserted first in the
// transaction that starts the issue, and only the transaction whose insert
// wins goes on.
func (e *Engine) weekly(ctx context.Context) error {
	set, _, err := e.Site.Current(ctx)
	if err != nil {
		return fmt.Errorf("deliver: settings: %w", err)
	}
	n := set.Newsletter
	if !n.Weekly {
		return nil
	}
	now := e.Now()
	slot := lastSlot(&n, now, n.Location(set.Loc))
	if now.Sub(slot) > e.SlotGrace {
		return nil // long past: the site was not running then
	}
	if _, err := e.Store.NewsletterSlotAt(ctx, slot); err == nil {
		return nil
	} else if !errors.Is(err, blog.ErrNotFound) {
		return fmt.Errorf("deliver: %w", err)
	}
	var rec store.NewsletterSlot
	err = e.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.LockNewsletter(ctx); err != nil {
			return err
		}
		rec = store.NewsletterSlot{Slot: slot, ClaimedAt: now, Outcome: SlotNothing}
		ok, err := tx.ClaimNewsletterSlot(ctx, rec)
		if err != nil {
			return err
		}
		if !ok {
			return errSlotTaken
		}
		if rec, err = e.sendSlot(ctx, tx, set, slot, now); err != nil {
			return err
		}
		return tx.UpdateNewsletterSlot(ctx, rec)
	})
	if errors.Is(err, errSlotTaken) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("deliver: weekly slot %s: %w", slot.Format(time.RFC3339), err)
	}
	e.Logger.InfoContext(ctx, "newsletter: weekly slot", "slot", slot, "outcome", rec.Outcome, "issue", rec.IssueID, "detail", rec.Detail)
	return nil
}

// sendSlot starts, in tx, what slot sends: the tip queue's first issue,
// else a digest of the posts published since the last issue, else nothing.
func (e *Engine) sendSlot(ctx context.Context, tx *store.Store, set *site.Settings, slot, now time.Time) (store.NewsletterSlot, error) {
	rec := store.NewsletterSlot{Slot: slot, ClaimedAt: now}
	counts, err := tx.SubscriberCounts(ctx)
	if err != nil {
		return rec, err
	}
	if counts[blog.SubscriberActive] == 0 {
		rec.Outcome, rec.Detail = SlotNoSubscribers, "No one had confirmed a subscription yet, so nothing was sent and the tip queue was kept."
		return rec, nil
	}
	queue, err := tx.TipQueue(ctx)
	if err != nil {
		return rec, err
	}
	if len(queue) > 0 {
		is := queue[0]
		if _, err := tx.SetIssueStatus(ctx, is.ID, []blog.IssueStatus{blog.IssueQueued}, blog.IssueSending, now); err != nil {
			return rec, err
		}
		if err := e.Enqueue(ctx, tx, is.ID); err != nil {
			return rec, err
		}
		rec.Outcome, rec.IssueID, rec.Detail = SlotIssue, is.ID, is.Subject
		return rec, nil
	}
	since, err := digestSince(ctx, tx, slot)
	if err != nil {
		return rec, err
	}
	posts, _, err := tx.ListPosts(ctx, blog.PostFilter{Type: blog.TypePost, Now: now, From: since, To: now.Add(time.Second), Limit: digestPosts})
	if err != nil {
		return rec, err
	}
	if len(posts) == 0 {
		rec.Outcome = SlotNothing
		rec.Detail = "The tip queue was empty and no post was published since " + since.In(set.Loc).Format("Monday 2 January 2006") +
			", so nothing was sent."
		return rec, nil
	}
	is, err := Digest(set, posts, since)
	if err != nil {
		return rec, err
	}
	is.CreatedAt = now
	if err := tx.CreateIssue(ctx, is); err != nil {
		return rec, err
	}
	if _, err := tx.SetIssueStatus(ctx, is.ID, []blog.IssueStatus{blog.IssueDraft}, blog.IssueSending, now); err != nil {
		return rec, err
	}
	if err := e.Enqueue(ctx, tx, is.ID); err != nil {
		return rec, err
	}
	rec.Outcome, rec.IssueID, rec.Detail = SlotDigest, is.ID, is.Subject
	return rec, nil
}

// digestSince is when the posts of a digest at slot start: the start of
// the last issue sent, else a week before the slot.
func digestSince(ctx context.Context, st *store.Store, slot time.Time) (time.Time, error) {
	last, err := st.LastSentIssue(ctx)
	switch {
	case errors.Is(err, blog.ErrNotFound):
		return slot.AddDate(0, 0, -7), nil
	case err != nil:
		return time.Time{}, err
	case !last.StartedAt.IsZero():
		return last.StartedAt, nil
	}
	return slot.AddDate(0, 0, -7), nil
}

// Digest writes the digest issue of posts (newest first) published since
// since: each post's title linking to it, its excerpt and a link to read
// it. Links are site-relative; each message makes them absolute on the
// base URL of the process sending it.
func Digest(set *site.Settings, posts []blog.Post, since time.Time) (*blog.Issue, error) {
	var b strings.Builder
	b.WriteString("Here is what was published on " + mdEscape(set.Title) + " since " +
		since.In(set.Loc).Format("Monday 2 January") + ".\n")
	for i := range posts {
		p := &posts[i]
		path := set.PostPath(p)
		excerpt := strings.TrimSpace(p.Excerpt)
		if excerpt == "" {
			excerpt = markup.Summary(p.BodyHTML, 55)
		} else {
			excerpt = strings.Join(strings.Fields(excerpt), " ")
		}
		fmt.Fprintf(&b, "\n## [%s](%s)\n\n", mdEscape(p.Title), path)
		if excerpt != "" {
			b.WriteString(mdEscape(excerpt) + "\n\n")
		}
		fmt.Fprintf(&b, "[Read “%s”](%s)\n", mdEscape(p.Title), path)
	}
	subject := "New on " + set.Title + ": " + posts[0].Title
	if len(posts) > 1 {
		subject += fmt.Sprintf(" and %d more", len(posts)-1)
	}
	if r := []rune(strings.Join(strings.Fields(subject), " ")); len(r) > blog.MaxIssueSubject {
		subject = string(r[:blog.MaxIssueSubject-1]) + "…"
	}
	is := &blog.Issue{Kind: blog.IssueDigest, Subject: strings.Join(strings.Fields(subject), " "),
		Preheader: fmt.Sprintf("%d new post%s this week", len(posts), plural(len(posts))), Body: b.String()}
	html, err := markup.Render(is.Body)
	if err != nil {
		return nil, fmt.Errorf("deliver: render digest: %w", err)
	}
	is.BodyHTML = html
	return is, nil
}

// mdEscape keeps text from being read as Markdown or HTML.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_[]<>#!|~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Plan is what the next weekly send will be, for the admin's dashboard.
type Plan struct {
	// Weekly is false when the weekly send is off (scheduled issues and
	// "send now" still go).
	Weekly bool
	// At is the next slot, in the send's time zone.
	At time.Time
	// What goes then as things stand: SlotIssue (Issue, the tip queue's
	// first), SlotDigest (Posts, published since Since), SlotNothing or
	// SlotNoSubscribers.
	What  string
	Issue *blog.Issue
	Posts []blog.Post
	Since time.Time
	// Queue is the tip queue in order; Scheduled the issues that go at
	// their own time, earliest first.
	Queue     []blog.Issue
	Scheduled []blog.Issue
	// Subscribers is how many are active now.
	Subscribers int
	// Last is the latest slot handled and what it sent (nil: none yet),
	// so the dashboard can say "nothing was sent on …" and why.
	Last *store.NewsletterSlot
}

// NextSend describes what the weekly schedule will send next and when, as
// of now.
func (e *Engine) NextSend(ctx context.Context, now time.Time) (*Plan, error) {
	e.init()
	set, _, err := e.Site.Current(ctx)
	if err != nil {
		return nil, fmt.Errorf("deliver: settings: %w", err)
	}
	n := set.Newsletter
	loc := n.Location(set.Loc)
	p := &Plan{Weekly: n.Weekly, At: n.NextSend(now, loc)}
	if slot := lastSlot(&n, now, loc); now.Sub(slot) <= e.SlotGrace {
		if _, err := e.Store.NewsletterSlotAt(ctx, slot); errors.Is(err, blog.ErrNotFound) {
			p.At = slot // due, and about to go
		}
	}
	if p.Last, err = e.Store.LastNewsletterSlot(ctx); errors.Is(err, blog.ErrNotFound) {
		p.Last = nil
	} else if err != nil {
		return nil, fmt.Errorf("deliver: %w", err)
	}
	counts, err := e.Store.SubscriberCounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("deliver: %w", err)
	}
	p.Subscribers = counts[blog.SubscriberActive]
	if p.Queue, err = e.Store.TipQueue(ctx); err != nil {
		return nil, fmt.Errorf("deliver: %w", err)
	}
	if p.Scheduled, _, err = e.Store.Issues(ctx, store.IssueFilter{Statuses: []blog.IssueStatus{blog.IssueScheduled}}); err != nil {
		return nil, fmt.Errorf("deliver: %w", err)
	}
	slices.SortStableFunc(p.Scheduled, func(a, b blog.Issue) int { return a.ScheduledAt.Compare(b.ScheduledAt) })
	switch {
	case p.Subscribers == 0:
		p.What = SlotNoSubscribers
	case len(p.Queue) > 0:
		p.What, p.Issue = SlotIssue, &p.Queue[0]
	default:
		if p.Since, err = digestSince(ctx, e.Store, p.At); err != nil {
			return nil, fmt.Errorf("deliver: %w", err)
		}
		if p.Posts, _, err = e.Store.ListPosts(ctx, blog.PostFilter{Type: blog.TypePost, Now: now, From: p.Since,
			To: now.Add(time.Second), Limit: digestPosts}); err != nil {
			return nil, fmt.Errorf("deliver: %w", err)
		}
		p.What = SlotNothing
		if len(p.Posts) > 0 {
			p.What = SlotDigest
		}
	}
	return p, nil
}
