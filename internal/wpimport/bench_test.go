package wpimport_test

import (
	"bytes"
	"context"
	"os/exec"
	"testing"

	"github.com/quirehq/quire/internal/store/storetest"
	"github.com/quirehq/quire/internal/wpimport"
)

// BenchmarkImport imports a generated export of 1,000 posts and 10,000
// comments (a tenth of the measured size: scripts/bench-import.sh runs
// the whole one through the command).
func BenchmarkImport(b *testing.B) {
	out, err := exec.Command("go", "run", "./wxrgen", "-posts", "1000", "-comments", "10000").Output()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	for b.Loop() {
		st := storetest.New(b)
		if _, err := wpimport.Import(context.Background(), wpimport.Options{Store: st}, bytes.NewReader(out)); err != nil {
			b.Fatal(err)
		}
	}
}
