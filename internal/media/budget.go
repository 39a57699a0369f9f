package media

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// MaxDecodeBytes is the most memory decoding one image may take. It is
// worked out from the image's header before anything is decoded: a few
// hundred kilobytes of PNG can claim 6,320×6,320 pixels of 16-bit colour,
// which decode to 305 MiB.
const MaxDecodeBytes = 256 << 20

// MaxProcessBytes is the most memory checking and resizing one image may
// take, decoding included, by the estimate made from its header: a very
// tall image needs more to resize than to decode.
const MaxProcessBytes = 2 * MaxDecodeBytes

// DefaultBudget is how much memory the images a Processor works on at once
// may take in all, by their estimates: one of the largest, two images of
// MaxDecodeBytes, or four ordinary photos.
const DefaultBudget = MaxProcessBytes

// maxAtOnce is how many images a Processor works on at once, however small
// they are: decoding and resizing keep a core busy.
const maxAtOnce = 4

// DefaultWait is how long a Processor lets an image wait for the others
// to be done before it gives up with ErrBusy.
const DefaultWait = 20 * time.Second

// ErrBusy is returned when an image waited too long for the images being
// processed before it. The upload can be tried again in a moment.
var ErrBusy = errors.New("media: busy with other images")

// Processor checks and resizes uploaded images, a few at a time: each
// takes from a shared budget of memory what its header says decoding and
// resizing it will take, and waits while the budget is spent.
type Processor struct {
	mem  *semaphore.Weighted
	size int64
	wait time.Duration

	// decoding, when set, is called just before an image is decoded
	// (tests count decodes, and hold them to see others wait).
	decoding func()
}

// NewProcessor returns a Processor sharing budget bytes (DefaultBudget
// when budget <= 0) among the images it works on at once.
func NewProcessor(budget int64) *Processor {
	if budget <= 0 {
		budget = DefaultBudget
	}
	return &Processor{mem: semaphore.NewWeighted(budget), size: budget, wait: DefaultWait}
}

// Process is the package's Process, waiting for its share of p's budget
// before decoding. The wait ends with ctx, or after DefaultWait with an
// error wrapping ErrBusy.
func (p *Processor) Process(ctx context.Context, filename string, data []byte) (*blog.Media, []store.MediaFile, error) {
	return process(ctx, p, filename, data)
}

// acquire takes cost bytes of p's budget (at least a maxAtOnce-th of it,
// at most all of it), waiting as long as ctx and p.wait allow, and returns
// the function that gives them back.
func (p *Processor) acquire(ctx context.Context, cost int64) (func(), error) {
	if p == nil {
		return func() {}, nil
	}
	n := min(max(cost, p.size/maxAtOnce), p.size)
	wctx, cancel := context.WithTimeout(ctx, p.wait)
	defer cancel()
	if err := p.mem.Acquire(wctx, n); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("media: wait to decode: %w", ctx.Err())
		}
		return nil, fmt.Errorf("media: wait to decode: %w", ErrBusy)
	}
	return func() { p.mem.Release(n) }, nil
}

// decodeCost is the memory, in bytes, decoding an image of type mime with
// header cfg takes: its pixels at the size the decoder stores them (a
// 16-bit PNG takes 8 bytes a pixel), and what the decoder keeps besides
// (an interlaced PNG's passes, a progressive JPEG's coefficients, a CMYK
// JPEG's conversion, a lossless WebP's words).
func decodeCost(mime string, cfg image.Config, data []byte) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	n := px * bytesPerPixel(cfg.ColorModel)
	switch mime {
	case "image/png":
		// The interlace method is the last byte of the header chunk.
		if len(data) > 28 && data[28] == 1 {
			n *= 2
		}
	case "image/jpeg":
		n += jpegExtra(data, cfg)
	case "image/webp":
		if cfg.ColorModel == color.NRGBAModel {
			n *= 2
		}
	}
	return n
}

// bytesPerPixel is how many bytes a decoded pixel of model m takes (8,
// the most, for a model not known here).
func bytesPerPixel(m color.Model) int64 {
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel:
		return 3 // at most: 4:4:4
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel, color.NYCbCrAModel:
		return 4
	}
	return 8
}

// jpegExtra is what Go's JPEG decoder allocates beyond the image: the
// coefficients of every block of a progressive JPEG (256 bytes for 8×8
// pixels of each component), and for a four-component (CMYK) JPEG the
// planes it converts from.
func jpegExtra(data []byte, cfg image.Config) int64 {
	progressive, comps := jpegFrame(data)
	px := int64(cfg.Width) * int64(cfg.Height)
	var n int64
	if len(comps) == 4 {
		n += px * 4
	}
	if !progressive {
		return n
	}
	hmax, vmax := 1, 1
	for _, c := range comps {
		hmax, vmax = max(hmax, c[0]), max(vmax, c[1])
	}
	mx := (int64(cfg.Width) + 8*int64(hmax) - 1) / (8 * int64(hmax))
	my := (int64(cfg.Height) + 8*int64(vmax) - 1) / (8 * int64(vmax))
	for _, c := range comps {
		n += mx * my * int64(c[0]*c[1]) * 256
	}
	return n
}

// jpegFrame reads a JPEG's frame header: whether it is progressive, and
// each component's horizontal and vertical sampling factors. It returns
// no components when the header cannot be found.
func jpegFrame(data []byte) (bool, [][2]int) {
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return false, nil
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return false, nil
		}
		if marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
			seg := data[i+4 : i+2+n]
			if len(seg) < 6 {
				return false, nil
			}
			count := int(seg[5])
			if len(seg) < 6+3*count {
				return false, nil
			}
			comps := make([][2]int, count)
			for k := range comps {
				f := seg[6+3*k+1]
				comps[k] = [2]int{max(int(f>>4), 1), max(int(f&15), 1)}
			}
			progressive := marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE
			return progressive, comps
		}
		i += 2 + n
	}
	return false, nil
}

// resizeCost is the memory making the copy of a sw×sh image that is rw×rh
// (before it is turned upright by orient) takes: the whole-factor
// reduction shrink makes, the scaler's buffer (32 bytes for each pixel of
// the copy's width times the reduction's height) and the copy itself,
// twice when it is turned.
func resizeCost(sw, sh, rw, rh, orient int) int64 {
	fx, fy := shrinkFactors(sw, sh, rw, rh)
	pw, ph := int64(sw), int64(sh)
	var n int64
	if fx > 1 || fy > 1 {
		pw, ph = int64((sw+fx-1)/fx), int64((sh+fy-1)/fy)
		n += pw * ph * 4
		n += int64(sw) * int64(fy) * 4 // the rows being reduced
	}
	n += int64(rw) * ph * 32
	out := int64(rw) * int64(rh) * 4
	if orient > 1 {
		out *= 2
	}
	return n + out
}

// shrinkFactors are the whole factors a sw×sh image is reduced by before
// it is scaled to rw×rh: as large as leaves it at least as large as the
// copy in each direction.
func shrinkFactors(sw, sh, rw, rh int) (int, int) {
	return max(sw/max(rw, 1), 1), max(sh/max(rh, 1), 1)
}
