package admin_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/quirehq/quire/internal/media/mediatest"
)

// TestUploadRefusesDecodeBomb: a 16-bit PNG of 6,320×6,320 pixels (under
// the 40 megapixel cap, about 430 KB) would take 305 MiB to decode. The
// upload form says so, with a 4xx status, and nothing is stored.
func TestUploadRefusesDecodeBomb(t *testing.T) {
	e := newEnv(t)
	c, _ := e.owner()
	r := c.upload("bomb.png", mediatest.PNG16(6320, 6320), "")
	mustStatus(t, r, http.StatusUnprocessableEntity)
	mustContain(t, r, `id="err-file"`, "would take 304 MiB of memory to open", "8 bits per colour instead of 16")
	if ms, err := e.st.ListMedia(context.Background(), 10, 0); err != nil || len(ms) != 0 {
		t.Fatalf("media %+v, %v", ms, err)
	}
}
