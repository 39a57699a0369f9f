package web_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"golang.org/x/net/html"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/comments"
	"github.com/quirehq/quire/internal/jobs"
)

// commentEnv is a reader site taking comments as serve wires it: the
// real comments service, notifier and sessions (for logged-in users).
type commentEnv struct {
	*env
	svc      *comments.Service
	sessions *scs.SessionManager
	ip       string
	made     int
}

func newCommentEnv(t testing.TB, settings map[string]string) *commentEnv {
	t.Helper()
	e := newEnv(t)
	if len(settings) > 0 {
		if err := e.st.SaveSettings(context.Background(), settings); err != nil {
			t.Fatal(err)
		}
	}
	return &commentEnv{env: e, svc: e.app.App.Comments, sessions: e.app.App.Sessions, ip: "192.0.2.10"}
}

// mailJobs lists the mail jobs written so far as "mail to-what", e.g.
// "comment_moderation 3" (the comment) or "comment_confirm s2" (the
// subscription).
func (ce *commentEnv) mailJobs() []string {
	ce.t.Helper()
	var out []string
	for _, j := range ce.app.Jobs(jobs.KindMail) {
		job, _ := j.Args["job"].(map[string]any)
		what := ""
		if id, ok := job["subscription_id"].(float64); ok {
			what = "s" + itoa(int64(id))
		} else if id, ok := job["comment_id"].(float64); ok {
			what = itoa(int64(id))
		}
		out = append(out, fmt.Sprint(job["mail"], " ", what))
	}
	return out
}

// comment stores a comment directly, as if moderated already; each is a
// minute after the one before.
func (ce *commentEnv) comment(p *blog.Post, parent int64, name, email, text string, status blog.CommentStatus) *blog.Comment {
	ce.t.Helper()
	ce.made++
	c := &blog.Comment{PostID: p.ID, ParentID: parent, Status: status, AuthorName: name, AuthorEmail: email,
		Content: text, ContentHTML: "<p>" + html.EscapeString(text) + "</p>",
		CreatedAt: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(ce.made) * time.Minute)}
	if err := ce.st.CreateComment(context.Background(), c); err != nil {
		ce.t.Fatal(err)
	}
	return c
}

var tokenRe = regexp.MustCompile(`name="comment_token" value="([^"]+)"`)

// token reads the comment form's time token from a page.
func (ce *commentEnv) token(path string) string {
	ce.t.Helper()
	r := ce.get(path)
	m := tokenRe.FindStringSubmatch(r.body)
	if m == nil {
		ce.t.Fatalf("%s: no comment token (status %d)", path, r.code)
	}
	return html.UnescapeString(m[1])
}

// form is a valid comment form for p with token; kv overrides fields.
func form(p *blog.Post, token string, kv ...string) url.Values {
	v := url.Values{
		"comment_post_ID": {itoa(p.ID)}, "comment_parent": {"0"}, "comment_token": {token},
		"author": {"Rita Reader"}, "email": {"rita@example.org"}, "url": {""},
		"comment": {"What a useful idea."}, "comment_hp": {""},
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "\x00" {
			v.Del(kv[i])
			continue
		}
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// send posts a comment form a minute after the page was read (long enough
// for the time token, and past flood control), from the env's IP address.
func (ce *commentEnv) send(v url.Values, cookies ...*http.Cookie) resp {
	ce.t.Helper()
	ce.now = ce.now.Add(time.Minute)
	req := httptest.NewRequest("POST", "/wp-comments-post.php", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = ce.ip + ":4321"
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return ce.do(req)
}

// getWith reads path with cookies.
func (ce *commentEnv) getWith(path string, cookies ...*http.Cookie) resp {
	ce.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return ce.do(req)
}

func (r resp) cookies() []*http.Cookie {
	return (&http.Response{Header: r.hdr}).Cookies()
}

func (r resp) cookie(name string) *http.Cookie {
	for _, c := range r.cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// count returns how many comments the post has in any status.
func (ce *commentEnv) count(p *blog.Post) int {
	ce.t.Helper()
	list, err := ce.st.PostComments(context.Background(), p.ID, blog.CommentApproved, blog.CommentPending, blog.CommentSpam, blog.CommentTrash)
	if err != nil {
		ce.t.Fatal(err)
	}
	return len(list)
}

// login starts an admin session for u and returns its cookie.
func (ce *commentEnv) login(u *blog.User) *http.Cookie {
	ce.t.Helper()
	ctx, err := ce.sessions.Load(context.Background(), "")
	if err != nil {
		ce.t.Fatal(err)
	}
	ce.sessions.Put(ctx, "uid", u.ID)
	tok, _, err := ce.sessions.Commit(ctx)
	if err != nil {
		ce.t.Fatal(err)
	}
	return &http.Cookie{Name: "quire_session", Value: tok}
}

// findID returns the element with id in a parsed page.
func findID(n *html.Node, id string) *html.Node {
	if n.Type == html.ElementNode {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == id {
				return n
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findID(c, id); f != nil {
			return f
		}
	}
	return nil
}

// nesting counts the <ol class="children"> around the element with id.
func nesting(t testing.TB, body, id string) int {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	n := findID(doc, id)
	if n == nil {
		t.Fatalf("no element #%s", id)
	}
	depth := 0
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "ol" {
			for _, a := range p.Attr {
				if a.Key == "class" && a.Val == "children" {
					depth++
				}
			}
		}
	}
	return depth
}

func decodeXML(t testing.TB, body string, v any) {
	t.Helper()
	if err := xml.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode: %v\n%.500s", err, body)
	}
}
