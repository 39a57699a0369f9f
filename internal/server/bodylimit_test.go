package server_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/admin"
	"github.com/quirehq/quire/internal/auth"
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/server"
	"github.com/quirehq/quire/internal/session"
	"github.com/quirehq/quire/internal/web"
)

// endless is a request body of n bytes, made as it is read, that counts
// what was read of it.
type endless struct {
	prefix string
	n, off int64
	read   int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.off >= e.n {
		return 0, io.EOF
	}
	k := min(int64(len(p)), e.n-e.off)
	for i := range k {
		if at := e.off + i; at < int64(len(e.prefix)) {
			p[i] = e.prefix[at]
		} else {
			p[i] = 'a'
		}
	}
	e.off += k
	e.read += k
	return int(k), nil
}

// TestBodiesBoundedByRoute sends, to each kind of route, a body one byte
// over its limit: declared, it is answered 413 unread; sent in chunks, it
// is read no further than the limit and answered 413 (the upload form
// reads its own body, within the same limit, and says so on its page; a
// visitor not logged in is sent to the login page unread).
func TestBodiesBoundedByRoute(t *testing.T) {
	e := newEnv(t)
	routes := []struct {
		path  string
		limit int64
		own   bool
	}{
		{"/admin/login", server.DefaultBodyLimit, false},
		{"/admin/lost-password", server.DefaultBodyLimit, false},
		{"/admin/reset/some-token", server.DefaultBodyLimit, false},
		{"/admin/comments/", server.DefaultBodyLimit, false},
		{"/admin/settings/discussion", 1 << 20, false},
		{"/comments/moderate/1/approve", server.DefaultBodyLimit, false},
		{"/admin/posts/new", admin.MaxPostBody, false},
		{"/admin/posts/12", admin.MaxPostBody, false},
		{"/admin/comments/3/reply", admin.MaxCommentBody, false},
		{"/wp-comments-post.php", web.MaxCommentBody, false},
		{"/admin/media/", admin.MaxUploadBody, true},
	}
	for _, rt := range routes {
		for _, ct := range []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz"} {
			for _, chunked := range []bool{false, true} {
				body := &endless{prefix: "email=", n: rt.limit + 1}
				if strings.HasPrefix(ct, "multipart") {
					body.prefix = "--xyz\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n"
				}
				req := httptest.NewRequest("POST", rt.path, body)
				req.Header.Set("Content-Type", ct)
				req.ContentLength = body.n
				if chunked {
					req.ContentLength = -1
				}
				resp := e.do(req)
				if (!rt.own || !chunked) && resp.StatusCode != http.StatusRequestEntityTooLarge {
					t.Errorf("%s (%s, chunked %v): status %d, want 413", rt.path, ct, chunked, resp.StatusCode)
				}
				if !chunked && body.read != 0 {
					t.Errorf("%s (%s): %d bytes of a body declared too large were read", rt.path, ct, body.read)
				}
				if body.read > rt.limit+1 {
					t.Errorf("%s (%s, chunked %v): %d bytes read, limit %d", rt.path, ct, chunked, body.read, rt.limit)
				}
			}
		}
	}
}

// TestTooLargePage: a browser is told, on a page, what was too large and
// what to do.
func TestTooLargePage(t *testing.T) {
	e := newEnv(t)
	req := httptest.NewRequest("POST", "/admin/login", strings.NewReader("email=x&password="+strings.Repeat("a", 70<<10)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp := e.do(req)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(string(b), "larger than this form takes (at most 64 KiB)") || !strings.Contains(string(b), "<h1>") {
		t.Errorf("status %d, %s:\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
}

// TestFormsOfSensibleSizeStillWork: login works with a multipart form as
// with an urlencoded one, and the editor takes a post far larger than the
// default limit.
func TestFormsOfSensibleSizeStillWork(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	hash, err := auth.HashPassword("pass-word-1234")
	if err != nil {
		t.Fatal(err)
	}
	u := &blog.User{Email: "olive@example.com", Name: "Olive", Role: blog.RoleOwner, PasswordHash: hash}
	if err := e.st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("email", "olive@example.com")
	mw.WriteField("password", "pass-word-1234")
	mw.Close()
	req := httptest.NewRequest("POST", "/admin/login", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp := e.do(req)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/" {
		t.Fatalf("multipart login: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookie := ""
	for _, c := range resp.Cookies() {
		if c.Name == session.CookieName {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		t.Fatalf("no session cookie after the multipart login: %v", resp.Header["Set-Cookie"])
	}

	body := "title=Long&action=draft&body=" + strings.Repeat("word+", 200<<10/5)
	req = httptest.NewRequest("POST", "/admin/posts/new", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", cookie)
	resp = e.do(req)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/posts/") {
		t.Fatalf("a 200 KiB post: status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Logged in, the editor and the upload form read a body sent in
	// chunks only to their limits, and say it was too large.
	for path, limit := range map[string]int64{"/admin/posts/new": admin.MaxPostBody, "/admin/media/": admin.MaxUploadBody} {
		body := &endless{prefix: "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n\r\n", n: limit + 1}
		req = httptest.NewRequest("POST", path, body)
		req.Header.Set("Content-Type", "multipart/form-data; boundary=xyz")
		req.Header.Set("Cookie", cookie)
		req.ContentLength = -1
		resp = e.do(req)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || body.read > limit+1 {
			t.Errorf("%s: status %d (%s) after reading %d bytes (limit %d), want 413", path, resp.StatusCode, resp.Header.Get("Location"), body.read, limit)
		}
	}
}
