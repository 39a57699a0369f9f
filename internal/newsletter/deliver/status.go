package deliver

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// Progress is how an issue's sending stands, for the admin.
type Progress struct {
	Issue  *blog.Issue
	Counts blog.DeliveryCounts
	// Settled is how many deliveries are sent, bounced or failed, of
	// Counts.Recipients.
	Settled int
	// Batches, and how many are done and being sent now.
	Batches, BatchesDone, BatchesRunning int
	// FailingSince is when the SMTP server began failing this issue's
	// batches (zero: it is not), LastError what it said, and NextTry when
	// the first waiting batch tries again.
	FailingSince time.Time
	LastError    string
	NextTry      time.Time
}

// Status reads how issue issueID's sending stands.
func (e *Engine) Status(ctx context.Context, issueID int64) (*Progress, error) {
	is, err := e.Store.Issue(ctx, issueID)
	if err != nil {
		return nil, fmt.Errorf("deliver: %w", err)
	}
	p := &Progress{Issue: is}
	if p.Counts, err = e.Store.DeliveryCounts(ctx, issueID); err != nil {
		return nil, fmt.Errorf("deliver: %w", err)
	}
	p.Settled = p.Counts.Sent + p.Counts.Bounced + p.Counts.Failed
	batches, err := e.Store.NewsletterBatches(ctx, issueID)
	if err != nil {
		return nil, fmt.Errorf("deliver: %w", err)
	}
	p.Batches = len(batches)
	for _, b := range batches {
		switch b.State {
		case "done":
			p.BatchesDone++
			continue
		case "running":
			p.BatchesRunning++
		default:
			if p.NextTry.IsZero() || b.NextAt.Before(p.NextTry) {
				p.NextTry = b.NextAt
			}
		}
		if !b.FailingSince.IsZero() && (p.FailingSince.IsZero() || b.FailingSince.Before(p.FailingSince)) {
			p.FailingSince, p.LastError = b.FailingSince, b.Error
		}
	}
	return p, nil
}

// Summary says in a line how the sending stands, in loc: "Sending: 120 of
// 2,000 sent; the SMTP server has been failing since 09:02 (…); next try
// at 09:10."
func (p *Progress) Summary(loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	s := ""
	switch p.Issue.Status {
	case blog.IssueSending:
		s = "Sending: " + group(p.Settled) + " of " + group(p.Counts.Recipients) + " done (" + group(p.Counts.Sent) + " sent"
	case blog.IssueSent:
		s = "Sent to " + group(p.Counts.Sent) + " of " + group(p.Counts.Recipients) + " (" + group(p.Counts.Sent) + " accepted"
	default:
		return "Not sent yet."
	}
	if p.Counts.Bounced > 0 {
		s += ", " + group(p.Counts.Bounced) + " bounced"
	}
	if p.Counts.Failed > 0 {
		s += ", " + group(p.Counts.Failed) + " not sent"
	}
	s += ")."
	if !p.FailingSince.IsZero() {
		s += " The SMTP server has been failing since " + p.FailingSince.In(loc).Format("2 Jan 15:04 MST") + " (" + p.LastError + ")"
		if !p.NextTry.IsZero() {
			s += "; next try at " + p.NextTry.In(loc).Format("15:04:05")
		}
		s += ". Nothing is lost: the rest goes out once it answers."
	}
	return s
}

// group writes n with thousands separators.
func group(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
