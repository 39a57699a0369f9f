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
	// With tracking on: the stand-in's open token, then its click token
	// of each link, all in the HTML only.
	tracked []string
	links   int
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
	p := &IssueMail{svc: s, set: set, issueID: is.ID, token: tok, msg: m}
	if set.Newsletter.Tracking {
		links, err := IssueLinks(is.BodyHTML, set.BaseURL)
		if err != nil {
			return nil, err
		}
		if p.tracked, err = s.trackTokens(ctx, is.ID, placeholderSubscriber, len(links)); err != nil {
			return nil, err
		}
		p.links = len(links)
	}
	return p, nil
}

// trackTokens returns subscriber subID's open token in issue issueID, then
// their click token of each of its links links.
func (s *Service) trackTokens(ctx context.Context, issueID, subID int64, links int) ([]string, error) {
	out := make([]string, 0, links+1)
	tok, err := s.openToken(ctx, issueID, subID)
	if err != nil {
		return nil, fmt.Errorf("newsletter: open image: %w", err)
	}
	out = append(out, tok)
	for i := range links {
		if tok, err = s.clickToken(ctx, issueID, subID, i); err != nil {
			return nil, fmt.Errorf("newsletter: click link: %w", err)
		}
		out = append(out, tok)
	}
	return out, nil
}

// For returns the issue's message to subscriber id at address to, with
// their own unsubscribe link and List-Unsubscribe, and with tracking on
// their own open image and click links.
func (p *IssueMail) For(ctx context.Context, id int64, to string) (mail.Message, error) {
	tok, err := p.svc.unsubscribeToken(ctx, id, p.issueID)
	if err != nil {
		return mail.Message{}, fmt.Errorf("newsletter: unsubscribe link: %w", err)
	}
	m := p.msg
	m.To = to
	m.Text = strings.ReplaceAll(m.Text, p.token, tok)
	if p.tracked == nil {
		m.HTML = strings.ReplaceAll(m.HTML, p.token, tok)
	} else {
		own, err := p.svc.trackTokens(ctx, p.issueID, id, p.links)
		if err != nil {
			return mail.Message{}, err
		}
		pairs := make([]string, 0, 2*len(own)+2)
		pairs = append(pairs, p.token, tok)
		for i, t := range own {
			pairs = append(pairs, p.tracked[i], t)
		}
		m.HTML = strings.NewReplacer(pairs...).Replace(m.HTML)
	}
	m.Headers = maps.Clone(m.Headers)
	for k, v := range m.Headers {
		m.Headers[k] = strings.ReplaceAll(v, p.token, tok)
	}
	return m, nil
}
