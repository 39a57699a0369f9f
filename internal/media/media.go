// Package media checks uploaded images and makes their resized copies.
package media

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"path"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// MaxUploadBytes is the largest image accepted.
const MaxUploadBytes = 20 << 20

// MaxPixels is the largest image, in pixels, Quire agrees to decode; a small
// file can claim enormous dimensions, so this is checked before decoding.
const MaxPixels = 40_000_000

// JPEGQuality is the quality resized JPEG copies are encoded at.
const JPEGQuality = 82

// Field is the form field name Process reports problems under.
const Field = "file"

// Messages shown to the person uploading.
const (
	msgNotImage = "That file is not an image Quire can use: upload a JPEG, PNG, GIF or WebP."
	msgEmpty    = "That file is empty: choose an image to upload."
	msgTooBig   = "That image is larger than 20 MB: make it smaller and upload it again."
	msgTooMany  = "That image is larger than 40 megapixels: make it smaller and upload it again."
	msgBroken   = "That image could not be read; it may be damaged. Try saving it again and uploading the new file."
	msgTooDeep  = "That image (%d × %d pixels) would take %d MiB of memory to open, at %d bytes a pixel; " +
		"Quire opens images of up to 256 MiB. Save it smaller, or with 8 bits per colour instead of 16, and upload it again."
	msgTooLong = "That image (%d × %d pixels) would take %d MiB of memory to make smaller copies of; " +
		"Quire handles images of up to 512 MiB. Make it smaller, or less tall or wide, and upload it again."
)

// formats maps a sniffed MIME type to its decoders and file extension.
var formats = map[string]struct {
	ext    string
	config func(r *bytes.Reader) (image.Config, error)
	decode func(r *bytes.Reader) (image.Image, error)
}{
	"image/jpeg": {".jpg", func(r *bytes.Reader) (image.Config, error) { return jpeg.DecodeConfig(r) },
		func(r *bytes.Reader) (image.Image, error) { return jpeg.Decode(r) }},
	"image/png": {".png", func(r *bytes.Reader) (image.Config, error) { return png.DecodeConfig(r) },
		func(r *bytes.Reader) (image.Image, error) { return png.Decode(r) }},
	"image/gif": {".gif", func(r *bytes.Reader) (image.Config, error) { return gif.DecodeConfig(r) },
		func(r *bytes.Reader) (image.Image, error) { return gif.Decode(r) }}, // the first frame
	"image/webp": {".webp", func(r *bytes.Reader) (image.Config, error) { return webp.DecodeConfig(r) },
		func(r *bytes.Reader) (image.Image, error) { return webp.Decode(r) }},
}

// problem is an error a person can act on, reported under Field.
func problem(msg string) error { return blog.FieldErrors{Field: msg}.Err() }

// ContentType names the image format of data by its content (image/jpeg,
// image/png, image/gif or image/webp), or "" when it is none of them.
// Resized copies are not always in the original's format, so whoever
// serves a stored file should ask this of its bytes.
func ContentType(data []byte) string {
	ct := http.DetectContentType(data)
	if _, ok := formats[ct]; ok {
		return ct
	}
	return ""
}

// Process decodes an uploaded image, refuses anything that is not a JPEG,
// PNG, GIF or WebP image (with a message a person understands), and returns
// its record and files: the original first, then copies resized to each of
// blog.MediaWidths narrower than it.
//
// The original keeps its pixels' bytes but loses its metadata (EXIF with
// GPS position and camera serial, XMP, IPTC, comments); a JPEG keeps only
// its orientation tag. When its structure cannot be walked it is encoded
// again from the decoded image instead (a WebP then becomes a PNG, and
// MIME and Filename say so). Size is the stored original's. Copies of JPEG and opaque WebP images are
// JPEGs; copies of PNG, GIF (first frame) and transparent WebP images are
// PNGs. A JPEG's orientation tag is applied to the copies, and Width and
// Height are the image as it is shown. Problems with the file itself are
// returned as a *blog.ValidationError under Field.
//
// An image whose header says it would take more than MaxDecodeBytes to
// decode is refused before it is decoded. Process itself does not limit
// how many images are decoded at once; a Processor does.
func Process(filename string, data []byte) (*blog.Media, []store.MediaFile, error) {
	return process(context.Background(), nil, filename, data)
}

// process is Process, taking its share of p's budget (when p is not nil)
// once the header checks pass.
func process(ctx context.Context, p *Processor, filename string, data []byte) (*blog.Media, []store.MediaFile, error) {
	if len(data) == 0 {
		return nil, nil, problem(msgEmpty)
	}
	if len(data) > MaxUploadBytes {
		return nil, nil, problem(msgTooBig)
	}
	mime := ContentType(data)
	if mime == "" {
		return nil, nil, problem(msgNotImage)
	}
	f := formats[mime]
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return nil, nil, problem(msgBroken)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, nil, problem(msgBroken)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, nil, problem(msgTooMany)
	}
	decode := decodeCost(mime, cfg, data)
	if decode > MaxDecodeBytes {
		return nil, nil, problem(fmt.Sprintf(msgTooDeep, cfg.Width, cfg.Height, decode>>20,
			decode/(int64(cfg.Width)*int64(cfg.Height))))
	}
	orient := 1
	if mime == "image/jpeg" {
		orient = jpegOrientation(data)
	}
	// The original without its metadata needs no decoding; when its
	// structure cannot be walked it is encoded again from the image.
	stripped, stripErr := stripMetadata(mime, data, orient)
	cost := decode + int64(len(data))
	if stripErr != nil && mime == "image/jpeg" {
		cost += int64(cfg.Width) * int64(cfg.Height) * 8 // turned upright as NRGBA
	}
	var resize int64
	for _, tw := range blog.MediaWidths {
		sw, sh := cfg.Width, cfg.Height
		w, h := sw, sh
		if orient >= 5 {
			w, h = h, w
		}
		if tw >= w {
			continue
		}
		rw, rh := tw, max(1, (h*tw+w/2)/w)
		if orient >= 5 {
			rw, rh = rh, rw
		}
		resize = max(resize, resizeCost(sw, sh, rw, rh, orient))
	}
	if cost+resize > MaxProcessBytes {
		return nil, nil, problem(fmt.Sprintf(msgTooLong, cfg.Width, cfg.Height, (cost+resize)>>20))
	}
	release, err := p.acquire(ctx, cost+resize)
	if err != nil {
		return nil, nil, err
	}
	defer release()
	if p != nil && p.decoding != nil {
		p.decoding()
	}

	img, err := f.decode(bytes.NewReader(data))
	if err != nil {
		return nil, nil, problem(msgBroken)
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if orient >= 5 {
		w, h = h, w // shown turned a quarter
	}
	asJPEG := mime == "image/jpeg" || mime == "image/webp" && opaque(img)
	orig, origMIME := stripped, mime
	if stripErr != nil {
		if orig, origMIME, err = reencode(mime, data, orient, img); err != nil {
			return nil, nil, err
		}
	}
	m := &blog.Media{
		Filename: SafeFilename(filename, origMIME),
		MIME:     origMIME,
		Width:    w,
		Height:   h,
		Size:     int64(len(orig)),
	}
	files := []store.MediaFile{{Width: w, Height: h, Data: orig}}
	for _, tw := range blog.MediaWidths {
		if tw >= w {
			continue
		}
		th := max(1, (h*tw+w/2)/w)
		copyData, err := resized(img, tw, th, orient, asJPEG)
		if err != nil {
			return nil, nil, fmt.Errorf("media: resize to %d: %w", tw, err)
		}
		files = append(files, store.MediaFile{Width: tw, Height: th, Data: copyData})
		m.Widths = append(m.Widths, tw)
	}
	return m, files, nil
}

// resized scales img so that, once turned upright by orient, it is w×h,
// and encodes it. A large image is first reduced by whole factors (see
// shrink), so the scaler's buffer stays small.
func resized(img image.Image, w, h, orient int, asJPEG bool) ([]byte, error) {
	rw, rh := w, h
	if orient >= 5 {
		rw, rh = h, w
	}
	var src image.Image = img
	if fx, fy := shrinkFactors(img.Bounds().Dx(), img.Bounds().Dy(), rw, rh); fx > 1 || fy > 1 {
		src = shrink(img, fx, fy)
	}
	dst := image.NewNRGBA(image.Rect(0, 0, rw, rh))
	if asJPEG {
		// JPEG has no transparency: show it against white rather than black.
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Over, nil)
	out := upright(dst, orient)
	var buf bytes.Buffer
	var err error
	if asJPEG {
		err = jpeg.Encode(&buf, out, &jpeg.Options{Quality: JPEGQuality})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, out)
	}
	return buf.Bytes(), err
}

// shrink reduces img by whole factors fx and fy, each pixel of the result
// the mean of an fx×fy block (smaller at the right and bottom edges), in
// premultiplied colour so transparent pixels add no colour. It reads fy
// rows at a time.
func shrink(img image.Image, fx, fy int) *image.RGBA {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	w, h := (sw+fx-1)/fx, (sh+fy-1)/fy
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	rows := image.NewRGBA(image.Rect(0, 0, sw, fy))
	sums := make([]uint64, 4*w)
	for oy := range h {
		n := min(fy, sh-oy*fy)
		draw.Draw(rows, image.Rect(0, 0, sw, n), img, image.Pt(b.Min.X, b.Min.Y+oy*fy), draw.Src)
		for i := range sums {
			sums[i] = 0
		}
		for y := range n {
			row := rows.Pix[y*rows.Stride : y*rows.Stride+4*sw]
			for x := range sw {
				o := 4 * (x / fx)
				sums[o] += uint64(row[4*x])
				sums[o+1] += uint64(row[4*x+1])
				sums[o+2] += uint64(row[4*x+2])
				sums[o+3] += uint64(row[4*x+3])
			}
		}
		dst := out.Pix[oy*out.Stride:]
		for ox := range w {
			count := uint64(min(fx, sw-ox*fx) * n)
			for c := range 4 {
				dst[4*ox+c] = uint8((sums[4*ox+c] + count/2) / count)
			}
		}
	}
	return out
}

// opaque reports whether every pixel of img is fully opaque.
func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a != 0xffff {
				return false
			}
		}
	}
	return true
}

// SafeFilename makes a stored file name from an uploaded one: its base name
// slugified, and the extension that belongs to mime.
func SafeFilename(name, mime string) string {
	name = strings.ReplaceAll(name, `\`, "/") // a Windows path
	base := path.Base(name)
	if i := strings.LastIndex(base, "."); i > 0 {
		base = base[:i]
	}
	slug := blog.Slugify(base)
	if len(slug) > 100 {
		cut := 100
		for cut > 0 && slug[cut]&0xC0 == 0x80 {
			cut--
		}
		slug = strings.TrimRight(slug[:cut], "-")
	}
	if slug == "" {
		slug = "image"
	}
	ext := ".img"
	if f, ok := formats[mime]; ok {
		ext = f.ext
	}
	return slug + ext
}
