package admin

import "testing"

func TestLogoutNextIsLocalOnly(t *testing.T) {
	for s, want := range map[string]bool{
		"/2011/01/05/slug/": true, "/": true, "//evil.example/": false, "https://evil.example/": false,
		"/\\evil.example": false, "relative": false, "": false, "/a\r\nSet-Cookie: x": false,
	} {
		if got := localPath(s); got != want {
			t.Errorf("localPath(%q) = %v", s, got)
		}
	}
}
