package comments_test

import (
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/comments"
	"github.com/quirehq/quire/internal/markup"
)

// countRenders makes f's service count the comments it renders.
func countRenders(f *fixture) *int {
	n := new(int)
	f.svc.Render = func(s string) string {
		*n++
		return markup.RenderComment(s)
	}
	return n
}

// TestRefusedCommentsAreNotRendered: every refusal, cheap or from the
// database, comes before the text is rendered; only a stored comment is.
func TestRefusedCommentsAreNotRendered(t *testing.T) {
	long := strings.Repeat("A long and perfectly ordinary sentence. ", (blog.MaxCommentBytes-100)/40)
	tests := []struct {
		name    string
		prepare func(f *fixture, r *comments.Request)
	}{
		{"honeypot", func(f *fixture, r *comments.Request) { r.Honeypot = "x" }},
		{"invalid field", func(f *fixture, r *comments.Request) { r.Input.AuthorEmail = "nobody" }},
		{"nested quotes", func(f *fixture, r *comments.Request) { r.Input.Content = strings.Repeat(">", blog.MaxCommentBytes) }},
		{"stale token", func(f *fixture, r *comments.Request) { r.Token = "" }},
		{"too fast", func(f *fixture, r *comments.Request) { r.Token = f.tokenAt(f.post, base.Add(-time.Second)) }},
		{"bad parent", func(f *fixture, r *comments.Request) { r.Input.ParentID = 424242 }},
		{"duplicate", func(f *fixture, r *comments.Request) {
			r.Input.Content = f.approved(f.post, r.Input.AuthorName, r.Input.AuthorEmail).Content
		}},
		{"flood", func(f *fixture, r *comments.Request) {
			c := f.approved(f.post, "Someone", "someone@example.com")
			f.setCreated(c, base.Add(-time.Second), r.IP)
			r.Input.Content = long
		}},
		{"rate", func(f *fixture, r *comments.Request) {
			for i := 0; i < comments.RateMax; i++ {
				f.now = base.Add(time.Duration(i) * comments.FloodInterval)
				x := f.request()
				x.IP = "192.0.2.1"
				if _, err := f.svc.Submit(f.ctx, x); err != nil {
					f.t.Fatal(err)
				}
			}
			f.now = base.Add(comments.RateMax * comments.FloodInterval)
			r.IP = "192.0.2.1"
			r.Token = f.tokenAt(f.post, f.now.Add(-time.Minute))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			r := f.request()
			tt.prepare(f, &r)
			renders := countRenders(f)
			c, err := f.svc.Submit(f.ctx, r)
			if err == nil {
				t.Fatalf("Submit stored comment %d (%s), want a refusal", c.ID, c.Status)
			}
			if *renders != 0 {
				t.Errorf("refused (%v) after rendering the text %d times", err, *renders)
			}
		})
	}

	f := newFixture(t, nil)
	renders := countRenders(f)
	c, err := f.svc.Submit(f.ctx, f.request())
	if err != nil {
		t.Fatal(err)
	}
	if *renders != 1 || c.ContentHTML == "" {
		t.Errorf("a stored comment was rendered %d times (HTML %q), want once", *renders, c.ContentHTML)
	}
}

// TestOneTokenManyHeavyComments is the abuse of issue 7: one client, one
// reusable time token, sending 64 KiB comments as fast as it may. None of
// them is rendered: nested quotes are refused beside the field, and
// ordinary text is stopped by the flood check first.
func TestOneTokenManyHeavyComments(t *testing.T) {
	f := newFixture(t, nil)
	renders := countRenders(f)
	r := f.request()
	if _, err := f.svc.Submit(f.ctx, r); err != nil {
		t.Fatal(err)
	}
	*renders = 0
	for i := range 20 {
		f.now = base.Add(time.Duration(i) * 500 * time.Millisecond)
		x := r
		x.Input.Content = strings.Repeat(">", blog.MaxCommentBytes-30) + strings.Repeat("x", i+1)
		_, err := f.svc.Submit(f.ctx, x)
		fe, ok := blog.AsValidation(err)
		if !ok || !strings.Contains(fe["comment"], "Quotes and lists are nested more than 16 deep") {
			t.Fatalf("nested quotes: %v, want a message beside the comment", err)
		}
		x.Input.Content = strings.Repeat("Words, words, words. ", blog.MaxCommentBytes/22) + strings.Repeat("x", i+1)
		if _, err := f.svc.Submit(f.ctx, x); err == nil {
			t.Fatal("a second comment within the flood interval was taken")
		} else if ref, ok := comments.AsRefusal(err); !ok || ref.Kind != comments.RefusedFlood {
			t.Fatalf("ordinary text: %v, want a flood refusal", err)
		}
	}
	if *renders != 0 {
		t.Errorf("%d refused comments were rendered, want none", *renders)
	}
}
