package admin_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/media"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

func settingsForm(over map[string]string) url.Values {
	v := url.Values{
		"title": {"Sales Tips"}, "description": {"Weekly"}, "base_url": {"https://tips.example/"},
		"timezone": {"Europe/Paris"}, "permalink": {blog.PermalinkSlug}, "posts_per_page": {"7"},
		"feed_items": {"15"}, "feed_full_text": {"0"}, "mail_from": {"tips@tips.example"},
	}
	for k, x := range over {
		v.Set(k, x)
	}
	return v
}

func TestSettingsValidateAndSave(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	r := c.get("/admin/settings")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "/2011/01/04/what-business-are-you-in/", "/what-business-are-you-in/")

	r = c.post("/admin/settings", settingsForm(map[string]string{"title": "", "timezone": "Mars/Olympus", "posts_per_page": "0", "description": "Kept text"}))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-title"`, `id="err-timezone"`, `id="err-posts_per_page"`, `value="Mars/Olympus"`, `value="Kept text"`)

	r = c.post("/admin/settings", settingsForm(nil))
	mustStatus(t, r, http.StatusSeeOther)
	set, _, err := e.site.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if set.Title != "Sales Tips" || set.TimeZone != "Europe/Paris" || set.BaseURL != "https://tips.example" ||
		set.Permalink != blog.PermalinkSlug || set.PostsPerPage != 7 || set.FeedItems != 15 || set.FeedFullText || set.MailFrom != "tips@tips.example" {
		t.Fatalf("settings in force: %+v", set)
	}
}

func TestSettingsOverriddenAreReadOnly(t *testing.T) {
	e := newEnvWith(t, site.Overrides{BaseURL: "https://fixed.example"})
	c, _ := e.owner()
	r := c.get("/admin/settings")
	mustContain(t, r, `value="https://fixed.example" readonly`, "--base-url")
	mustStatus(t, c.post("/admin/settings", settingsForm(map[string]string{"base_url": "not a url"})), http.StatusSeeOther)
	stored, _ := e.st.Settings(context.Background())
	if _, ok := stored[site.KeyBaseURL]; ok {
		t.Fatalf("an overridden setting was stored: %v", stored)
	}
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (c *client) upload(name string, data []byte, alt string) response {
	c.e.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.e.t.Fatal(err)
	}
	fw.Write(data)
	mw.WriteField("alt", alt)
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+"/admin/media/", &b)
	if err != nil {
		c.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(req)
}

func TestMediaUploadAltAndFeatured(t *testing.T) {
	if _, _, err := media.Process("x.png", pngBytes(t, 4, 4)); err != nil && strings.Contains(err.Error(), "not written yet") {
		t.Skip("media.Process is not written yet")
	}
	e := newEnv(t)
	c, _ := e.owner()
	ctx := context.Background()

	r := c.upload("notes.txt", []byte("just text"), "")
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-file"`, "not an image")

	r = c.upload("Sunrise Photo.png", pngBytes(t, 1000, 500), "A red sunrise")
	mustStatus(t, r, http.StatusSeeOther)
	ms, err := e.st.ListMedia(ctx, 10, 0)
	if err != nil || len(ms) != 1 {
		t.Fatalf("media %+v, %v", ms, err)
	}
	m := ms[0]
	if m.Width != 1000 || m.Alt != "A red sunrise" || m.AuthorID == 0 {
		t.Fatalf("stored %+v", m)
	}
	r = c.get("/admin/media/")
	mustContain(t, r, fmt.Sprintf(`/media/%d/`, m.ID), `alt="A red sunrise"`)

	mustStatus(t, c.post(fmt.Sprintf("/admin/media/%d", m.ID), url.Values{"alt": {"  Dawn   over the sea "}}), http.StatusSeeOther)
	got, _ := e.st.Media(ctx, m.ID)
	if got.Alt != "Dawn over the sea" {
		t.Fatalf("alt %q", got.Alt)
	}

	// The editor offers it as the featured image and saves the choice.
	mustContain(t, c.get("/admin/posts/new"), fmt.Sprintf(`name="featured" value="%d"`, m.ID))
	r = c.post("/admin/posts/new", postForm("title", "With image", "body", "x", "featured", fmt.Sprint(m.ID), "action", "draft"))
	id := postIDFrom(t, r)
	if p, _ := e.st.Post(ctx, id); p.FeaturedID != m.ID {
		t.Fatalf("featured %d, want %d", p.FeaturedID, m.ID)
	}
	r = c.post("/admin/posts/new", postForm("title", "Bad image", "body", "x", "featured", "9999", "action", "draft"))
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-featured"`)

	mustStatus(t, c.post(fmt.Sprintf("/admin/media/%d/delete", m.ID), nil), http.StatusSeeOther)
	if _, err := e.st.Media(ctx, m.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestOutboxAndTestEmail(t *testing.T) {
	e := newEnv(t)
	c, u := e.owner()
	ctx := context.Background()
	msg := &store.OutboxMessage{To: "reader@example.com", Subject: "Confirm your subscription",
		Text: "Click https://x.example/confirm/abc", HTML: `<p>Hi</p><script>alert("admin")</script>`}
	if err := e.st.AddToOutbox(ctx, msg); err != nil {
		t.Fatal(err)
	}
	r := c.get("/admin/outbox/")
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Confirm your subscription", "reader@example.com", `value="`+u.Email+`"`)

	r = c.get(fmt.Sprintf("/admin/outbox/%d", msg.ID))
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "Click https://x.example/confirm/abc", "&lt;script&gt;alert(&#34;admin&#34;)&lt;/script&gt;")
	if strings.Contains(r.body, `<script>alert("admin")`) {
		t.Fatal("the outbox renders a message's HTML live in the admin")
	}
	r = c.get(fmt.Sprintf("/admin/outbox/%d/html", msg.ID))
	mustStatus(t, r, http.StatusOK)
	if csp := r.header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("HTML view CSP %q", csp)
	}

	r = c.post("/admin/outbox/test", url.Values{"to": {""}})
	mustStatus(t, r, http.StatusOK)
	mustContain(t, r, "The test email was sent to "+u.Email)
	// Sent directly, before any job could run: the queue is not started.
	if sent := e.mail.Messages(); len(sent) != 1 || sent[0].To != u.Email {
		t.Fatalf("test mail %+v", sent)
	}
	if jobs := e.mailJobs(); len(jobs) != 0 {
		t.Fatalf("the test email went through the queue, not directly: %v", jobs)
	}
	e.mail.SetErr(errRelay)
	r = c.post("/admin/outbox/test", url.Values{"to": {"someone@example.net"}})
	mustStatus(t, r, http.StatusBadGateway)
	mustContain(t, r, "550 5.7.1 Relaying denied for test@example.net")
}

func TestTermsAndUsers(t *testing.T) {
	e := newEnv(t)
	c, owner := e.owner()
	ctx := context.Background()

	r := c.post("/admin/categories/", url.Values{"name": {""}, "description": {"typed"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-name"`, "typed")
	mustStatus(t, c.post("/admin/categories/", url.Values{"name": {"Selling"}}), http.StatusSeeOther)
	cats, _ := e.st.Terms(ctx, blog.Category)
	if len(cats) != 1 {
		t.Fatalf("categories %+v", cats)
	}
	mustStatus(t, c.post("/admin/categories/", url.Values{"name": {"Cold calls"}, "parent": {fmt.Sprint(cats[0].ID)}}), http.StatusSeeOther)
	child, err := e.st.TermByPath(ctx, blog.Category, "selling/cold-calls")
	if err != nil {
		t.Fatal(err)
	}
	mustStatus(t, c.get(fmt.Sprintf("/admin/terms/%d", child.ID)), http.StatusOK)
	mustStatus(t, c.post(fmt.Sprintf("/admin/terms/%d", child.ID), url.Values{"name": {"Cold Calling"}, "slug": {"Cold Calling"}, "parent": {"0"}}), http.StatusSeeOther)
	if got, _ := e.st.Term(ctx, child.ID); got.Slug != "cold-calling" || got.ParentID != 0 {
		t.Fatalf("edited term %+v", got)
	}
	// A loop of categories is refused beside the parent field.
	mustStatus(t, c.post(fmt.Sprintf("/admin/terms/%d", child.ID), url.Values{"name": {"Cold Calling"}, "parent": {fmt.Sprint(child.ID)}}), http.StatusUnprocessableEntity)
	mustStatus(t, c.post("/admin/tags/", url.Values{"name": {"Follow-up"}}), http.StatusSeeOther)
	mustStatus(t, c.post(fmt.Sprintf("/admin/terms/%d/delete", child.ID), nil), http.StatusSeeOther)
	if _, err := e.st.Term(ctx, child.ID); !errors.Is(err, blog.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}

	r = c.post("/admin/users/", url.Values{"name": {"Ed"}, "email": {"bad"}, "role": {"editor"}, "password": {"short"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-email"`, `id="err-password"`, `value="Ed"`)
	mustStatus(t, c.post("/admin/users/", url.Values{"name": {"Ed"}, "email": {"ed@example.com"}, "role": {"editor"}, "password": {"ed-password-12"}}), http.StatusSeeOther)
	ed, err := e.st.UserByEmail(ctx, "ed@example.com")
	if err != nil || ed.Role != blog.RoleEditor {
		t.Fatalf("ed %+v, %v", ed, err)
	}
	mustStatus(t, c.post(fmt.Sprintf("/admin/users/%d/role", ed.ID), url.Values{"role": {"author"}}), http.StatusSeeOther)
	if ed, _ = e.st.User(ctx, ed.ID); ed.Role != blog.RoleAuthor {
		t.Fatalf("role %s", ed.Role)
	}
	// The only owner stays an owner.
	c.post(fmt.Sprintf("/admin/users/%d/role", owner.ID), url.Values{"role": {"author"}})
	if o, _ := e.st.User(ctx, owner.ID); o.Role != blog.RoleOwner {
		t.Fatal("the last owner was demoted")
	}

	// Each user changes their own profile; a new password needs the current one.
	edc := e.loginAs("ed@example.com", "ed-password-12")
	r = edc.post("/admin/profile", url.Values{"name": {"Ed E."}, "email": {"ed@example.com"}, "new_password": {"brand-new-pass"}, "new_password2": {"brand-new-pass"}})
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-current_password"`, `value="Ed E."`)
	r = edc.post("/admin/profile", url.Values{"name": {"Ed E."}, "email": {"ed@example.com"}, "current_password": {"ed-password-12"},
		"new_password": {"brand-new-pass"}, "new_password2": {"brand-new-pass"}})
	mustStatus(t, r, http.StatusSeeOther)
	e.loginAs("ed@example.com", "brand-new-pass")
	mustStatus(t, edc.get("/admin/profile"), http.StatusOK)
}
