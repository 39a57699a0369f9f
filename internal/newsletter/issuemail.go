package newsletter

import (
	"context"
	"fmt"
	"maps"
	"math"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/site"
)

// placeholderSubscriber is the subscriber ID an IssueMail is rendered for:
// no real subscriber has it, so its unsubscribe token is found only where
// IssueMessage put it.
const placeholderSubscriber = math.MaxInt64

// IssueMail is an issue rendered once (IssueMessage, for a stand-in
// subscriber), from which the delivery engine makes each subscriber's
// message by putting their own unsubscribe token where the stand-in's is:
// the text, the HTML and the list headers are otherwise the same for
// everyone.
type IssueMail struct {
	svc     *Service
	set     *site.Settings
	issueID int64
	token   string // the stand-in's unsubscribe token
	msg     mail.Message
}

// PrepareIssue renders issue is once for every subscriber, with settings
// set.
func (s *Service) PrepareIssue(ctx context.Context, set *site.Settings, is *blog.Issue) (*IssueMail, error) {
	m, err := s.IssueMessage(ctx, set, is, &blog.Subscriber{ID: placeholderSubscriber})
	if err != nil {
		return nil, err
	}
	tok, err := s.unsubscribeToken(ctx, placeholderSubscriber, is.ID)
	if err != nil {
		return nil, fmt.Errorf("newsletter: unsubscribe link: %w", err)
	}
	return &IssueMail{svc: s, set: set, issueID: is.ID, token: tok, msg: m}, nil
}

// For returns the issue's message to subscriber id at address to, with
// their own unsubscribe link and List-Unsubscribe.
func (p *IssueMail) For(ctx context.Context, id int64, to string) (mail.Message, error) {
	tok, err := p.svc.unsubscribeToken(ctx, id, p.issueID)
	if err != nil {
		return mail.Message{}, fmt.Errorf("newsletter: unsubscribe link: %w", err)
	}
	m := p.msg
	m.To = to
	m.Text = strings.ReplaceAll(m.Text, p.token, tok)
	m.HTML = strings.ReplaceAll(m.HTML, p.token, tok)
	m.Headers = maps.Clone(m.Headers)
	for k, v := range m.Headers {
		m.Headers[k] = strings.ReplaceAll(v, p.token, tok)
	}
	return m, nil
}
