package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/media/mediatest"
)

// TestDecodeBombRefusedFromHeader is the upload of issue 7: a 16-bit PNG
// of 6,320×6,320 pixels, under 40 megapixels, a few hundred kilobytes,
// that decodes to 305 MiB. It is refused from its header: nothing is
// decoded.
func TestDecodeBombRefusedFromHeader(t *testing.T) {
	data := mediatest.PNG16(6320, 6320)
	if len(data) > 1<<20 {
		t.Fatalf("the test image is %d bytes", len(data))
	}
	p := NewProcessor(0)
	decodes := 0
	p.decoding = func() { decodes++ }
	_, _, err := p.Process(context.Background(), "bomb.png", data)
	fe, ok := blog.AsValidation(err)
	if !ok || !strings.Contains(fe[Field], "would take 304 MiB of memory to open, at 8 bytes a pixel") ||
		!strings.Contains(fe[Field], "6320 × 6320 pixels") {
		t.Fatalf("err = %v, want the memory it would take, beside the file", err)
	}
	if decodes != 0 {
		t.Errorf("decoded %d times, want none", decodes)
	}
	// The same picture at 8 bits a channel is 152 MiB: it is taken.
	if c := decodeCost("image/png", image.Config{ColorModel: color.NRGBAModel, Width: 6320, Height: 6320}, nil); c > MaxDecodeBytes {
		t.Errorf("an 8-bit 6320×6320 PNG costs %d, over the limit", c)
	}
}

func TestDecodeCost(t *testing.T) {
	progressive := func(w, h int, ratio image.YCbCrSubsampleRatio) []byte {
		// Go writes baseline JPEGs; mark the frame progressive (SOF2) to
		// read its header as such.
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, image.NewYCbCr(image.Rect(0, 0, w, h), ratio), nil); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		i := bytes.Index(b, []byte{0xFF, 0xC0})
		b[i+1] = 0xC2
		return b
	}
	jpg := progressive(1600, 800, image.YCbCrSubsampleRatio420)
	prog, comps := jpegFrame(jpg)
	if !prog || len(comps) != 3 {
		t.Fatalf("frame = %v %v", prog, comps)
	}
	tests := []struct {
		name string
		mime string
		cfg  image.Config
		data []byte
		want int64
	}{
		{"16-bit PNG", "image/png", image.Config{ColorModel: color.RGBA64Model, Width: 100, Height: 10}, nil, 8000},
		{"gray PNG", "image/png", image.Config{ColorModel: color.GrayModel, Width: 100, Height: 10}, nil, 1000},
		{"paletted GIF", "image/gif", image.Config{ColorModel: color.Palette{color.Black}, Width: 100, Height: 10}, nil, 1000},
		{"interlaced PNG", "image/png", image.Config{ColorModel: color.NRGBAModel, Width: 100, Height: 10},
			append(make([]byte, 28), 1), 8000},
		{"lossless WebP", "image/webp", image.Config{ColorModel: color.NRGBAModel, Width: 100, Height: 10}, nil, 8000},
		{"baseline JPEG", "image/jpeg", image.Config{ColorModel: color.YCbCrModel, Width: 1600, Height: 800}, nil, 3 * 1600 * 800},
		// 4:2:0: 16×16 pixels hold 4 luma blocks and 2 chroma blocks.
		{"progressive JPEG", "image/jpeg", image.Config{ColorModel: color.YCbCrModel, Width: 1600, Height: 800}, jpg,
			3*1600*800 + (1600/16)*(800/16)*6*256},
		{"unknown model", "image/png", image.Config{ColorModel: color.ModelFunc(func(c color.Color) color.Color { return c }), Width: 10, Height: 10}, nil, 800},
	}
	for _, tt := range tests {
		if got := decodeCost(tt.mime, tt.cfg, tt.data); got != tt.want {
			t.Errorf("%s: cost %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestProcessorBoundsConcurrentDecodes holds decodes in progress: no more
// than maxAtOnce run together; one more waits without decoding, and gives
// up when its request ends or when it has waited too long.
func TestProcessorBoundsConcurrentDecodes(t *testing.T) {
	p := NewProcessor(0)
	data := encodePNG(t, halves(600, 400, red, blue))
	var mu sync.Mutex
	inside, most, decodes := 0, 0, 0
	entered := make(chan struct{})
	hold := make(chan struct{})
	p.decoding = func() {
		mu.Lock()
		inside++
		decodes++
		most = max(most, inside)
		mu.Unlock()
		entered <- struct{}{}
		<-hold
		mu.Lock()
		inside--
		mu.Unlock()
	}
	var wg sync.WaitGroup
	errs := make(chan error, maxAtOnce+1)
	for range maxAtOnce {
		wg.Go(func() {
			_, _, err := p.Process(context.Background(), "a.png", data)
			errs <- err
		})
	}
	for range maxAtOnce {
		<-entered
	}
	// The budget is spent: one more waits, and stops waiting when its
	// request is cancelled, having decoded nothing.
	ctx, cancel := context.WithCancel(context.Background())
	waiting := make(chan error)
	go func() {
		_, _, err := p.Process(ctx, "b.png", data)
		waiting <- err
	}()
	cancel()
	if err := <-waiting; !errors.Is(err, context.Canceled) {
		t.Errorf("waiting upload: %v, want it cancelled with its request", err)
	}
	// And one that waits longer than the processor allows is told it is
	// busy.
	p.wait = time.Millisecond
	if _, _, err := p.Process(context.Background(), "c.png", data); !errors.Is(err, ErrBusy) {
		t.Errorf("upload that waited too long: %v, want ErrBusy", err)
	}
	close(hold)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if most != maxAtOnce || decodes != maxAtOnce {
		t.Errorf("%d decodes, %d at once; want %d, all at once", decodes, most, maxAtOnce)
	}
}

// TestBudgetSharedByCost: an image whose estimate is half the budget
// leaves room for one more such image only.
func TestBudgetSharedByCost(t *testing.T) {
	p := NewProcessor(0)
	release, err := p.acquire(context.Background(), MaxDecodeBytes)
	if err != nil {
		t.Fatal(err)
	}
	release2, err := p.acquire(context.Background(), MaxDecodeBytes)
	if err != nil {
		t.Fatal(err)
	}
	if p.mem.TryAcquire(1) {
		t.Error("budget not spent by two images of MaxDecodeBytes")
	}
	release()
	release2()
	if !p.mem.TryAcquire(p.size) {
		t.Error("budget not given back")
	}
}

// TestShrinkAverages: each pixel of the reduction is its block's mean,
// edges included.
func TestShrinkAverages(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 5, 3))
	for y := range 3 {
		for x := range 5 {
			img.Set(x, y, color.NRGBA{R: uint8(10 * (x + 5*y)), A: 255})
		}
	}
	got := shrink(img, 2, 2)
	if b := got.Bounds(); b.Dx() != 3 || b.Dy() != 2 {
		t.Fatalf("bounds %v", b)
	}
	// Top left block: 0, 10, 50, 60 → 30. Right edge, bottom row: 140 alone.
	if r := got.RGBAAt(0, 0).R; r != 30 {
		t.Errorf("top left = %d, want 30", r)
	}
	if r := got.RGBAAt(2, 1).R; r != 140 {
		t.Errorf("bottom right = %d, want 140", r)
	}
}
