package wpimport_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quirehq/quire/internal/store/storetest"
	"github.com/quirehq/quire/internal/wpimport"
)

func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// With --media, the attachments' files come from a copy of
// wp-content/uploads, and the posts point at Quire's copies (resized
// names included).
func TestMediaFromFolder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "uploads", "2011", "01"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "uploads", "2011", "01", "handshake.jpg"), jpegBytes(t, 640, 480), 0o644); err != nil {
		t.Fatal(err)
	}
	b := bytes.Replace(readFixture(t, "site.xml"), []byte("uploads/2011/01/handshake.jpg\" alt"),
		[]byte("uploads/2011/01/handshake-300x225.jpg\" alt"), 1)
	st := storetest.New(t)
	sum := importBytes(t, st, b, wpimport.Options{Media: wpimport.Dir(dir)})
	if c := sum.Counts[wpimport.KindAttachment]; c.Added != 1 {
		t.Errorf("attachments: %s (notes %q)", c, sum.Notes)
	}
	ms, err := st.ListMedia(ctx, 10, 0)
	if err != nil || len(ms) != 1 || ms[0].Width != 640 {
		t.Fatalf("media: %+v %v", ms, err)
	}
	p, err := st.PostBySlug(ctx, "what-business-are-you-in")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.BodyHTML, `src="/media/`+itoa(ms[0].ID)+`/handshake.jpg?w=300"`) || strings.Contains(p.BodyHTML, "wp-content") {
		t.Errorf("image not pointed at Quire's copy: %s", p.BodyHTML)
	}
	// Again: the file is not brought in twice.
	sum = importBytes(t, st, b, wpimport.Options{Media: wpimport.Dir(dir)})
	if ms, _ := st.ListMedia(ctx, 10, 0); len(ms) != 1 {
		t.Errorf("%d media after a second import", len(ms))
	}
	if c := sum.Counts[wpimport.KindAttachment]; c.Unchanged != 1 {
		t.Errorf("attachments on the second import: %s", c)
	}
}

// With --fetch-media the files are downloaded from the old site through
// the safe client; a file that cannot be had is named in the summary and
// the import goes on.
func TestMediaFetched(t *testing.T) {
	ctx := context.Background()
	img := jpegBytes(t, 100, 80)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/blog/wp-content/uploads/2011/01/handshake.jpg" {
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write(img)
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	b := bytes.ReplaceAll(readFixture(t, "site.xml"), []byte("https://example.com/blog/wp-content"), []byte(srv.URL+"/blog/wp-content"))

	st := storetest.New(t)
	// Without leave to reach private addresses, loopback is refused.
	sum := importBytes(t, st, b, wpimport.Options{Media: wpimport.NewFetch(false)})
	if !strings.Contains(strings.Join(sum.Notes, "\n"), "its file did not come in") {
		t.Errorf("a refused fetch is not reported: %q", sum.Notes)
	}
	sum = importBytes(t, st, b, wpimport.Options{Media: wpimport.NewFetch(true)})
	ms, err := st.ListMedia(ctx, 10, 0)
	if err != nil || len(ms) != 1 || ms[0].Width != 100 {
		t.Fatalf("media: %+v %v (notes %q)", ms, err, sum.Notes)
	}
	if c := sum.Counts[wpimport.KindAttachment]; c.Updated != 1 {
		t.Errorf("attachment whose file came later: %s", c)
	}
}
