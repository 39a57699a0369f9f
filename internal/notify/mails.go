package notify

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"

	"github.com/quirehq/quire/internal/blog"
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

type actionLink struct{ Label, URL string }

// authorMail tells the moderator to of comment c on post.
func (n *Notifier) authorMail(ctx context.Context, set *site.Settings, post *blog.Post, c *blog.Comment, to *blog.User) (mail.Message, error) {
	held := c.Status == blog.CommentPending
	subject := "[" + set.Title + "] New comment on your post “" + post.Title + "”"
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
		p, err := n.actionPath(ctx, c.ID, a)
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
	return mail.Message{To: to.Email, Subject: data.Subject, Text: text, HTML: html,
		Key: "comment-author:" + strconv.FormatInt(c.ID, 10) + ":" + string(c.Status)}, nil
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
		Key: "comment-followup:" + strconv.FormatInt(c.ID, 10) + ":" + strconv.FormatInt(sub.ID, 10),
		Headers: map[string]string{
			"List-Unsubscribe":      "<" + unsub + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		}}, nil
}

// confirmMail asks the address of sub to confirm follow-ups (double
// opt-in).
func confirmMail(set *site.Settings, post *blog.Post, sub *store.CommentSubscription, key string) (mail.Message, error) {
	data := struct{ Subject, SiteTitle, Home, PostTitle, PostURL, ConfirmURL string }{
		Subject:   oneLine("[" + set.Title + "] Confirm follow-up comments on “" + post.Title + "”"),
		SiteTitle: set.Title, Home: set.Abs("/"), PostTitle: post.Title, PostURL: set.PostURL(post),
		ConfirmURL: set.Abs("/comments/confirm/" + sub.Token),
	}
	text, html, err := render("confirm", data)
	if err != nil {
		return mail.Message{}, err
	}
	return mail.Message{To: sub.Email, Subject: data.Subject, Text: text, HTML: html, Key: key}, nil
}

// commentURL is the address of comment c in post's thread.
func commentURL(set *site.Settings, post *blog.Post, c *blog.Comment) string {
	return set.PostURL(post) + "#comment-" + strconv.FormatInt(c.ID, 10)
}
