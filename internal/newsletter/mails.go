package newsletter

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strings"
	texttemplate "text/template"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/site"
)

//go:embed templates
var files embed.FS

var (
	mailText = texttemplate.Must(texttemplate.New("").ParseFS(files, "templates/mail/*.txt"))
	mailHTML = htmltemplate.Must(htmltemplate.New("").ParseFS(files, "templates/mail/*.html"))
)

// mailData is what the mail templates read.
type mailData struct {
	Lang, Subject, Preheader, SiteTitle, Home, ListName string
	ConfirmURL, UnsubscribeURL, Archive, PostURL        string
	// Welcome mails: the text, and its paragraphs of lines for HTML.
	Text       string
	Paragraphs [][]string
	// Issues: the body, its CSS inlined and links made absolute.
	Body htmltemplate.HTML
	// OpenURL is the open-tracking image's (tracking on, to a
	// subscriber); empty: none.
	OpenURL string
	Address []string
}

func newMailData(set *site.Settings, subject string) mailData {
	return mailData{Lang: set.Language, Subject: oneLine(subject), SiteTitle: set.Title, Home: set.Abs("/"),
		ListName: "the weekly tip from " + set.Title, Address: lines(set.Newsletter.PostalAddress)}
}

// render fills the text and HTML templates called name with d.
func renderMail(name string, d mailData) (text, html string, err error) {
	var tb, hb bytes.Buffer
	if err := mailText.ExecuteTemplate(&tb, name+".txt", d); err != nil {
		return "", "", fmt.Errorf("newsletter: %s mail: %w", name, err)
	}
	if err := mailHTML.ExecuteTemplate(&hb, name+".html", d); err != nil {
		return "", "", fmt.Errorf("newsletter: %s mail: %w", name, err)
	}
	return tb.String(), hb.String(), nil
}

// Composers returns the builders of this package's mails, by
// jobs.MailJob.Mail, for the queue that sends them.
func (s *Service) Composers() map[string]jobs.Composer {
	return map[string]jobs.Composer{
		MailConfirm: s.composeConfirm,
		MailWelcome: s.composeWelcome,
		MailTest:    s.composeTest,
	}
}

// composeConfirm builds the confirmation mail of subscriber j.SubscriberID
// while it is not active (confirmed since, or erased: nothing to send).
// Its link is signed now, good for ConfirmTTL.
func (s *Service) composeConfirm(ctx context.Context, j jobs.MailJob) (mail.Message, error) {
	sub, err := s.Store.Subscriber(ctx, j.SubscriberID)
	if errors.Is(err, blog.ErrNotFound) {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	if err != nil {
		return mail.Message{}, fmt.Errorf("newsletter: %w", err)
	}
	if sub.Status == blog.SubscriberActive {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		return mail.Message{}, fmt.Errorf("newsletter: settings: %w", err)
	}
	tok, err := s.confirmToken(ctx, sub.ID)
	if err != nil {
		return mail.Message{}, fmt.Errorf("newsletter: %w", err)
	}
	d := newMailData(set, "Confirm your subscription to the weekly tip from "+set.Title)
	d.ConfirmURL = set.Abs(ConfirmPath + tok)
	text, html, err := renderMail("confirm", d)
	if err != nil {
		return mail.Message{}, err
	}
	return mail.Message{To: sub.Email, Subject: d.Subject, Text: text, HTML: html}, nil
}

// composeWelcome builds the welcome mail of subscriber j.SubscriberID
// while it is active: nothing but the confirmation ever goes to an address
// that has not confirmed.
func (s *Service) composeWelcome(ctx context.Context, j jobs.MailJob) (mail.Message, error) {
	sub, err := s.Store.Subscriber(ctx, j.SubscriberID)
	if errors.Is(err, blog.ErrNotFound) {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	if err != nil {
		return mail.Message{}, fmt.Errorf("newsletter: %w", err)
	}
	if !sub.Receives() {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		return mail.Message{}, fmt.Errorf("newsletter: settings: %w", err)
	}
	d := newMailData(set, "Welcome to the weekly tip from "+set.Title)
	d.Text = set.Newsletter.WelcomeText(set.Title)
	d.Paragraphs = paragraphs(d.Text)
	if d.UnsubscribeURL, err = s.UnsubscribeURL(ctx, set, sub.ID, 0); err != nil {
		return mail.Message{}, err
	}
	if set.Newsletter.Archive {
		d.Archive = set.Abs(ArchivePath)
	}
	text, html, err := renderMail("welcome", d)
	if err != nil {
		return mail.Message{}, err
	}
	headers, err := s.ListHeaders(ctx, set, sub.ID, 0)
	if err != nil {
		return mail.Message{}, err
	}
	return mail.Message{To: sub.Email, Subject: d.Subject, Text: text, HTML: html, Headers: headers}, nil
}

// composeTest builds issue j.IssueID as a test, to user j.UserID or to
// j.To.
func (s *Service) composeTest(ctx context.Context, j jobs.MailJob) (mail.Message, error) {
	to := j.To
	if j.UserID != 0 {
		u, err := s.Store.User(ctx, j.UserID)
		if errors.Is(err, blog.ErrNotFound) {
			return mail.Message{}, jobs.ErrNothingToSend
		}
		if err != nil {
			return mail.Message{}, fmt.Errorf("newsletter: %w", err)
		}
		to = u.Email
	}
	if to == "" {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	is, err := s.Store.Issue(ctx, j.IssueID)
	if errors.Is(err, blog.ErrNotFound) {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	if err != nil {
		return mail.Message{}, fmt.Errorf("newsletter: %w", err)
	}
	set, _, err := s.Site.Current(ctx)
	if err != nil {
		return mail.Message{}, fmt.Errorf("newsletter: settings: %w", err)
	}
	m, err := s.IssueMessage(ctx, set, is, nil)
	if err != nil {
		return mail.Message{}, err
	}
	m.To, m.Subject = to, oneLine("[Test] "+m.Subject)
	return m, nil
}

// ArchivePath is the web archive of sent issues.
const ArchivePath = "/newsletter/"

// previewUnsubscribe stands for the unsubscribe link in previews and test
// mails, which go to no subscriber: it opens the "link does not work" page.
const previewUnsubscribe = UnsubscribePath + "preview"

// IssueMessage builds issue is as mailed to subscriber sub: the subject,
// multipart HTML (simple, responsive, its CSS inlined, no outside
// stylesheet or image but the author's own) and plain text, the visible
// unsubscribe link and the postal address, and the list headers
// (ListHeaders). A nil sub builds the preview and test version, whose
// unsubscribe link names no one and which carries no list headers. The
// delivery engine sets the Message-ID (blog.DeliveryMessageID).
func (s *Service) IssueMessage(ctx context.Context, set *site.Settings, is *blog.Issue, sub *blog.Subscriber) (mail.Message, error) {
	d := newMailData(set, is.Subject)
	d.Preheader = oneLine(is.Preheader)
	if set.Newsletter.Archive {
		d.Archive = set.Abs(ArchivePath)
	}
	if is.PostID != 0 {
		if p, err := s.Store.Post(ctx, is.PostID); err == nil && p.IsPublic(s.now()) {
			d.PostURL = set.PostURL(p)
		}
	}
	var body string
	var err error
	if sub != nil && set.Newsletter.Tracking {
		body, d.OpenURL, err = s.trackedBody(ctx, set, is, sub.ID)
	} else {
		body, err = InlineHTML(is.BodyHTML, set.BaseURL)
	}
	if err != nil {
		return mail.Message{}, err
	}
	d.Body = htmltemplate.HTML(body) // sanitised when stored (markup.Render), then only styled here
	d.Text = absoluteMarkdownLinks(strings.TrimSpace(is.Body), set.BaseURL)
	var headers map[string]string
	to := ""
	if sub != nil {
		to = sub.Email
		if d.UnsubscribeURL, err = s.UnsubscribeURL(ctx, set, sub.ID, is.ID); err != nil {
			return mail.Message{}, err
		}
		if headers, err = s.ListHeaders(ctx, set, sub.ID, is.ID); err != nil {
			return mail.Message{}, err
		}
	} else {
		d.UnsubscribeURL = set.Abs(previewUnsubscribe)
		if set.Newsletter.ReplyTo != "" {
			headers = map[string]string{"Reply-To": set.Newsletter.ReplyTo}
		}
	}
	text, html, err := renderMail("issue", d)
	if err != nil {
		return mail.Message{}, err
	}
	return mail.Message{To: to, Subject: d.Subject, Text: text, HTML: html, Headers: headers}, nil
}

// inlineStyles are the styles given to the elements of an issue's body,
// since mail programs ignore stylesheets.
var inlineStyles = map[atom.Atom]string{
	atom.P:          "margin:0 0 16px;",
	atom.H1:         "margin:24px 0 12px;font-size:24px;line-height:1.3;color:#111111;",
	atom.H2:         "margin:24px 0 12px;font-size:21px;line-height:1.3;color:#111111;",
	atom.H3:         "margin:20px 0 10px;font-size:19px;line-height:1.3;color:#111111;",
	atom.H4:         "margin:16px 0 8px;font-size:18px;color:#111111;",
	atom.A:          "color:#1a5fb4;text-decoration:underline;",
	atom.Img:        "max-width:100%;height:auto;border:0;",
	atom.Blockquote: "margin:0 0 16px;padding:0 0 0 16px;border-left:4px solid #d0d0d0;color:#4a4a4a;",
	atom.Ul:         "margin:0 0 16px;padding:0 0 0 24px;",
	atom.Ol:         "margin:0 0 16px;padding:0 0 0 24px;",
	atom.Li:         "margin:0 0 6px;",
	atom.Pre:        "margin:0 0 16px;padding:12px;background:#f5f5f5;overflow:auto;font-size:14px;white-space:pre-wrap;",
	atom.Code:       "font-family:Menlo,Consolas,monospace;font-size:15px;",
	atom.Hr:         "border:0;border-top:1px solid #e5e5e5;margin:24px 0;",
	atom.Table:      "border-collapse:collapse;margin:0 0 16px;",
	atom.Th:         "border:1px solid #d0d0d0;padding:6px;text-align:left;",
	atom.Td:         "border:1px solid #d0d0d0;padding:6px;",
}

// InlineHTML gives an issue's sanitised HTML the inline styles mail
// programs need and makes its site-relative links and images absolute on
// base, so they work from an inbox.
func InlineHTML(fragment, base string) (string, error) { return inlineHTML(fragment, base, nil) }

// inlineHTML is InlineHTML, handing each link to an http or https address
// (the first MaxTrackedLinks, numbered from 0 in document order) to track,
// when not nil, which returns the href to write instead.
func inlineHTML(fragment, base string, track func(i int, href string) (string, error)) (string, error) {
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(strings.ReplaceAll(fragment, blog.MoreTag, "")), ctx)
	if err != nil {
		return "", fmt.Errorf("newsletter: read issue body: %w", err)
	}
	links := 0
	var walkErr error
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if style, ok := inlineStyles[n.DataAtom]; ok {
				setAttr(n, "style", style+attr(n, "style"))
			}
			for _, k := range []string{"href", "src"} {
				if v := attr(n, k); strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//") {
					setAttr(n, k, base+v)
				}
			}
			if n.DataAtom == atom.Img {
				setAttr(n, "srcset", "") // relative candidates; the src is enough in mail
			}
			if href := attr(n, "href"); track != nil && n.DataAtom == atom.A && links < MaxTrackedLinks && trackable(href) {
				to, err := track(links, href)
				if err != nil && walkErr == nil {
					walkErr = err
				}
				setAttr(n, "href", to)
				links++
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	var b strings.Builder
	for _, n := range nodes {
		walk(n)
		if walkErr != nil {
			return "", walkErr
		}
		if err := html.Render(&b, n); err != nil {
			return "", fmt.Errorf("newsletter: write issue body: %w", err)
		}
	}
	return strings.ReplaceAll(b.String(), ` srcset=""`, ""), nil
}

// trackable reports whether a link goes through the click redirect: an
// absolute http or https address.
func trackable(href string) bool {
	h := strings.ToLower(href)
	return strings.HasPrefix(h, "https://") || strings.HasPrefix(h, "http://")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func setAttr(n *html.Node, key, val string) {
	for i := range n.Attr {
		if n.Attr[i].Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

var mdRelLink = regexp.MustCompile(`\]\(/`)

// absoluteMarkdownLinks makes the site-relative links of Markdown text
// absolute on base, for the plain-text part.
func absoluteMarkdownLinks(md, base string) string {
	return mdRelLink.ReplaceAllString(md, "]("+base+"/")
}

// paragraphs splits plain text into paragraphs of lines.
func paragraphs(text string) [][]string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	var out [][]string
	for _, para := range strings.Split(text, "\n\n") {
		var ls []string
		for _, l := range strings.Split(strings.Trim(para, "\n"), "\n") {
			ls = append(ls, strings.TrimRight(l, " \t"))
		}
		if strings.TrimSpace(strings.Join(ls, "")) != "" {
			out = append(out, ls)
		}
	}
	return out
}

// lines splits a postal address into its lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// oneLine keeps text fit for a subject line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
