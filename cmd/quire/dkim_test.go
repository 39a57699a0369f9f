package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeDKIMFlags: --dkim-key and --dkim-selector go together, with
// --smtp-url, and a key that is not one is a usage error naming the flag.
func TestServeDKIMFlags(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(bad, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--dkim-key", bad}, "go together"},
		{[]string{"--dkim-selector", "s1"}, "go together"},
		{[]string{"--dkim-key", bad, "--dkim-selector", "s1"}, "--smtp-url"},
		{[]string{"--dkim-key", bad, "--dkim-selector", "s1", "--smtp-url", "smtp://127.0.0.1:2525"}, "--dkim-key"},
	} {
		r := quire(t, nil, "", append([]string{"serve", "--data", dir}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: %+v, want exit 2 mentioning %q", c.args, r, c.want)
		}
	}
}
