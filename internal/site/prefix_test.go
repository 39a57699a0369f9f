package site

import (
	"net/http/httptest"
	"testing"
)

func TestPrefixPathOrigin(t *testing.T) {
	for _, tc := range []struct {
		base, prefix, path, origin, cookie string
	}{
		{"https://example.com", "", "/admin/", "https://example.com", "/"},
		{"https://example.com/blog", "/blog", "/blog/admin/", "https://example.com", "/blog/"},
		{"https://example.com/blog/", "/blog", "/blog/admin/", "https://example.com", "/blog/"},
		{"http://127.0.0.1:8080/a/b", "/a/b", "/a/b/admin/", "http://127.0.0.1:8080", "/a/b/"},
		{"https://example.com/caf%C3%A9", "/caf%C3%A9", "/caf%C3%A9/admin/", "https://example.com", "/caf%C3%A9/"},
	} {
		s := &Settings{BaseURL: tc.base}
		if got := s.Prefix(); got != tc.prefix {
			t.Errorf("%s: Prefix %q, want %q", tc.base, got, tc.prefix)
		}
		if got := s.Path("/admin/"); got != tc.path {
			t.Errorf("%s: Path %q, want %q", tc.base, got, tc.path)
		}
		if got := s.Origin(); got != tc.origin {
			t.Errorf("%s: Origin %q, want %q", tc.base, got, tc.origin)
		}
		if got := s.CookiePath(""); got != tc.cookie {
			t.Errorf("%s: CookiePath %q, want %q", tc.base, got, tc.cookie)
		}
	}
	r := httptest.NewRequest("GET", "/admin/", nil)
	if got := PathFor(r, "/admin/"); got != "/admin/" {
		t.Errorf("PathFor without a prefix: %q", got)
	}
	r = r.WithContext(WithPrefix(r.Context(), "/blog"))
	if got := PathFor(r, "/admin/"); got != "/blog/admin/" {
		t.Errorf("PathFor under /blog: %q", got)
	}
}

func TestNormalizeBaseURLPaths(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.com/":       "https://example.com",
		"https://example.com/blog/":  "https://example.com/blog",
		"https://example.com/a/b":    "https://example.com/a/b",
		"https://example.com//blog":  "",
		"https://example.com/a/../b": "",
		"https://example.com/./blog": "",
	} {
		got, err := NormalizeBaseURL(in)
		if want == "" {
			if err == nil {
				t.Errorf("%s: accepted as %q", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", in, got, err, want)
		}
	}
}
