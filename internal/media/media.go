// Package media checks uploaded images and makes their resized copies.
package media

import (
	"bytes"
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
func Process(filename string, data []byte) (*blog.Media, []store.MediaFile, error) {
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
	img, err := f.decode(bytes.NewReader(data))
	if err != nil {
		return nil, nil, problem(msgBroken)
	}
	orient := 1
	if mime == "image/jpeg" {
		orient = jpegOrientation(data)
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if orient >= 5 {
		w, h = h, w // shown turned a quarter
	}
	asJPEG := mime == "image/jpeg" || mime == "image/webp" && opaque(img)
	orig, origMIME, err := storedOriginal(mime, data, orient, img)
	if err != nil {
		return nil, nil, err
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
// and encodes it.
func resized(img image.Image, w, h, orient int, asJPEG bool) ([]byte, error) {
	rw, rh := w, h
	if orient >= 5 {
		rw, rh = h, w
	}
	dst := image.NewNRGBA(image.Rect(0, 0, rw, rh))
	if asJPEG {
		// JPEG has no transparency: show it against white rather than black.
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Over, nil)
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
