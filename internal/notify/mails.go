package notify

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/mail"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

//go:embed templates
var files embed.FS

var (
	mailText = texttemplate.Must(texttemplate.New("").ParseFS(files, "templates/mail/*.txt"))
	mailHTML = htmltemplate.Must(htmltemplate.New("").Funcs(htmltemplate.FuncMap{"paragraphs": paragraphs}).
			ParseFS(files, "templates/mail/*.html"))
)

// PendingPath is the admin's list of comments waiting for approval.
const PendingPath = "/admin/comments/?status=pending"

// paragraphs splits a reader's plain text into paragraphs of lines, for
// an HTML body that keeps their breaks and escapes everything.
func paragraphs(text string) [][]string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	var out [][]string
	for _, para := range strings.Split(text, "\n\n") {
		var lines []string
		for _, l := range strings.Split(strings.Trim(para, "\n"), "\n") {
			lines = append(lines, strings.TrimRight(l, " \t"))
		}
		if strings.TrimSpace(strings.Join(lines, "")) != "" {
			out = append(out, lines)
		}
	}
	return out
}

// render fills the text and HTML templates called name with data.
func render(name string, data any) (text, html string, err error) {
	var tb, hb bytes.Buffer
	if err := mailText.ExecuteTemplate(&tb, name+".txt", data); err != nil {
		return "", "", fmt.Errorf("notify: %s mail: %w", name, err)
	}
	if err := mailHTML.ExecuteTemplate(&hb, name+".html", data); err != nil {
		return "", "", fmt.Errorf("notify: %s mail: %w", name, err)
	}
	return tb.String(), hb.String(), nil
}

// Composers returns the builders of this package's mails, by
// jobs.MailJob.Mail, for the queue that sends them.
func (n *Notifier) Composers() map[string]jobs.Composer {
	return map[string]jobs.Composer{
		MailModeration: n.composeModeration,
		MailFollowUp:   n.composeFollowUp,
		MailConfirm:    n.composeConfirm,
	}
}

// composeModeration builds the mail telling moderator j.UserID of comment
// j.CommentID, unless the comment left the status it was stored with
// before the job ran (someone moderated it already), or is gone.
func (n *Notifier) composeModeration(ctx context.Context, j jobs.MailJob) (mail.Message, error) {
	c, err := n.Store.Comment(ctx, j.CommentID)
	if errors.Is(err, blog.ErrNotFound) {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: %w", err)
	}
	if string(c.Status) != j.Status {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	to, err := n.Store.User(ctx, j.UserID)
	if errors.Is(err, blog.ErrNotFound) || (err == nil && to.Email == "") {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: %w", err)
	}
	post, err := n.Store.Post(ctx, c.PostID)
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: %w", err)
	}
	set, _, err := n.Site.Current(ctx)
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: settings: %w", err)
	}
	return n.authorMail(ctx, set, post, c, to)
}

// composeFollowUp builds the mail telling subscription j.SubscriptionID of
// comment j.CommentID, while the comment is approved, its post public and
// the subscription active.
func (n *Notifier) composeFollowUp(ctx context.Context, j jobs.MailJob) (mail.Message, error) {
	c, err := n.Store.Comment(ctx, j.CommentID)
	if errors.Is(err, blog.ErrNotFound) {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: %w", err)
	}
	if c.Status != blog.CommentApproved {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	post, err := n.Store.Post(ctx, c.PostID)
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: %w", err)
	}
	if !post.IsPublic(n.now()) {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	sub, err := n.Store.ActiveCommentSubscription(ctx, j.SubscriptionID)
	if errors.Is(err, blog.ErrNotFound) {
		return mail.Message{}, jobs.ErrNothingToSend // unsubscribed since
	}
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: %w", err)
	}
	if sub.PostID != post.ID || sub.Email == blog.NormalizeEmail(c.AuthorEmail) {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	set, _, err := n.Site.Current(ctx)
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: settings: %w", err)
	}
	return followUpMail(set, post, c, sub)
}

// composeConfirm builds the mail asking the address of subscription
// j.SubscriptionID to confirm, while it is unconfirmed and the address
// wants follow-ups.
func (n *Notifier) composeConfirm(ctx context.Context, j jobs.MailJob) (mail.Message, error) {
	sub, err := n.Store.CommentSubscriptionByID(ctx, j.SubscriptionID)
	if errors.Is(err, blog.ErrNotFound) {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: %w", err)
	}
	if !sub.ConfirmedAt.IsZero() {
		return mail.Message{}, jobs.ErrNothingToSend
	}
	rec, err := n.Store.CommentSubscriber(ctx, sub.Email)
	switch {
	case err == nil && !rec.UnsubscribedAllAt.IsZero():
		return mail.Message{}, jobs.ErrNothingToSend
	case err != nil && !errors.Is(err, blog.ErrNotFound):
		return mail.Message{}, fmt.Errorf("notify: %w", err)
	}
	post, err := n.Store.Post(ctx, sub.PostID)
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: %w", err)
	}
	set, _, err := n.Site.Current(ctx)
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: settings: %w", err)
	}
	return confirmMail(set, post, sub)
}

// authorMail tells the moderator to of comment c on post. Its links act
// only while c keeps the status it has now.
func (n *Notifier) authorMail(ctx context.Context, set *site.Settings, post *blog.Post, c *blog.Comment, to *blog.User) (mail.Message, error) {
	held := c.Status == blog.CommentPending
	subject := "[" + set.Title + "] New comment on your post “" + post.Title + "”"
	if to.ID != post.AuthorID {
		subject = "[" + set.Title + "] New comment on “" + post.Title + "”"
	}
	actions := []string{"spam", "trash"}
	labels := map[string]string{"approve": "Approve it", "spam": "Mark it as spam", "trash": "Move it to the trash"}
	if held {
		subject = "[" + set.Title + "] Please moderate: “" + post.Title + "”"
		actions = []string{"approve", "spam", "trash"}
	}
	data := struct {
		Subject, SiteTitle, PostTitle, PostURL, Permalink, Date, PendingURL string
		Held                                                                bool
		C                                                                   *blog.Comment
		Actions                                                             []actionLink
		Waiting                                                             int
	}{
		Subject: oneLine(subject), SiteTitle: set.Title, PostTitle: post.Title, PostURL: set.PostURL(post),
		Permalink: commentURL(set, post, c), Date: c.CreatedAt.In(set.Loc).Format("January 2, 2006 at 3:04 pm"),
		PendingURL: set.Abs(PendingPath), Held: held, C: c,
	}
	for _, a := range actions {
		p, err := n.actionPath(ctx, c.ID, a, c.Status)
		if err != nil {
			return mail.Message{}, err
		}
		data.Actions = append(data.Actions, actionLink{Label: labels[a], URL: set.Abs(p)})
	}
	if held && to.CanEditOthers() {
		counts, err := n.Store.CommentStatusCounts(ctx)
		if err != nil {
			return mail.Message{}, fmt.Errorf("notify: %w", err)
		}
		data.Waiting = counts[blog.CommentPending]
	}
	text, html, err := render("author", data)
	if err != nil {
		return mail.Message{}, err
	}
	return mail.Message{To: to.Email, Subject: data.Subject, Text: text, HTML: html}, nil
}

// followUpMail tells subscriber sub of approved comment c on post. It names
// the commenter but never their address, nor anyone else's.
func followUpMail(set *site.Settings, post *blog.Post, c *blog.Comment, sub *store.CommentSubscription) (mail.Message, error) {
	unsub := set.Abs("/comments/unsubscribe/" + sub.Token)
	data := struct {
		Subject, SiteTitle, PostTitle, PostURL, Link, UnsubscribeURL, UnsubscribeAllURL string
		C                                                                               *blog.Comment
	}{
		Subject:   oneLine("[" + set.Title + "] New comment on “" + post.Title + "”"),
		SiteTitle: set.Title, PostTitle: post.Title, PostURL: set.PostURL(post), Link: commentURL(set, post, c),
		UnsubscribeURL: unsub, UnsubscribeAllURL: set.Abs("/comments/unsubscribe-all/" + sub.Token),
		// Only what the thread shows already: the name and the text.
		C: &blog.Comment{ID: c.ID, AuthorName: c.AuthorName, Content: c.Content},
	}
	text, html, err := render("followup", data)
	if err != nil {
		return mail.Message{}, err
	}
	return mail.Message{To: sub.Email, Subject: data.Subject, Text: text, HTML: html,
		Headers: map[string]string{
			"List-Unsubscribe":      "<" + unsub + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		}}, nil
}

// confirmMail asks the address of sub to confirm follow-ups (double
// opt-in).
func confirmMail(set *site.Settings, post *blog.Post, sub *store.CommentSubscription) (mail.Message, error) {
	data := struct{ Subject, SiteTitle, Home, PostTitle, PostURL, ConfirmURL string }{
		Subject:   oneLine("[" + set.Title + "] Confirm follow-up comments on “" + post.Title + "”"),
		SiteTitle: set.Title, Home: set.Abs("/"), PostTitle: post.Title, PostURL: set.PostURL(post),
		ConfirmURL: set.Abs("/comments/confirm/" + sub.Token),
	}
	text, html, err := render("confirm", data)
	if err != nil {
		return mail.Message{}, err
	}
	return mail.Message{To: sub.Email, Subject: data.Subject, Text: text, HTML: html}, nil
}

// commentURL is the address of comment c in post's thread.
func commentURL(set *site.Settings, post *blog.Post, c *blog.Comment) string {
	return set.PostURL(post) + "#comment-" + strconv.FormatInt(c.ID, 10)
}
