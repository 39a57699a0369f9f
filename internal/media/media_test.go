package media

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"golang.org/x/image/webp"

	"github.com/quirehq/quire/internal/blog"
)

// halves returns a w×h image whose left half is left and right half right.
func halves(w, h int, left, right color.Color) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if x < w/2 {
				img.Set(x, y, left)
			} else {
				img.Set(x, y, right)
			}
		}
	}
	return img
}

var (
	red   = color.NRGBA{R: 255, A: 255}
	blue  = color.NRGBA{B: 255, A: 255}
	clear = color.NRGBA{R: 10, G: 20, B: 30, A: 0}
)

func encodeJPEG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bitWriter packs bits least significant first, as VP8L wants them.
type bitWriter struct {
	buf   []byte
	acc   uint64
	nbits uint
}

func (b *bitWriter) write(v uint64, n uint) {
	b.acc |= v << b.nbits
	b.nbits += n
	for b.nbits >= 8 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc >>= 8
		b.nbits -= 8
	}
}

func (b *bitWriter) bytes() []byte {
	if b.nbits > 0 {
		return append(b.buf, byte(b.acc))
	}
	return b.buf
}

// solidWebP builds a lossless WebP of one colour: every prefix code holds a
// single symbol, so the pixels take no bits at all.
func solidWebP(w, h int, c color.NRGBA) []byte {
	var bw bitWriter
	bw.write(0x2f, 8)
	bw.write(uint64(w-1), 14)
	bw.write(uint64(h-1), 14)
	bw.write(1, 1)                                       // alpha hint
	bw.write(0, 3)                                       // version
	bw.write(0, 1)                                       // no transform
	bw.write(0, 1)                                       // no colour cache
	bw.write(0, 1)                                       // no meta prefix codes
	for _, sym := range []uint8{c.G, c.R, c.B, c.A, 0} { // green, red, blue, alpha, distance
		bw.write(1, 1) // simple code
		bw.write(0, 1) // one symbol
		bw.write(1, 1) // eight bits long
		bw.write(uint64(sym), 8)
	}
	data := bw.bytes()
	chunk := append([]byte("VP8L"), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...)
	chunk = append(chunk, data...)
	if len(data)%2 == 1 {
		chunk = append(chunk, 0)
	}
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(4+len(chunk)))...)
	out = append(out, "WEBP"...)
	return append(out, chunk...)
}

// withOrientation inserts an EXIF block with orientation o after the SOI
// marker of a JPEG, in big-endian TIFF order.
func withOrientation(jpg []byte, o uint16) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	tiff = binary.BigEndian.AppendUint16(tiff, 1) // one entry
	tiff = binary.BigEndian.AppendUint16(tiff, 0x0112)
	tiff = binary.BigEndian.AppendUint16(tiff, 3) // SHORT
	tiff = binary.BigEndian.AppendUint32(tiff, 1)
	tiff = binary.BigEndian.AppendUint16(tiff, o)
	tiff = append(tiff, 0, 0)
	tiff = binary.BigEndian.AppendUint32(tiff, 0) // no next IFD
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1}
	app1 = binary.BigEndian.AppendUint16(app1, uint16(len(seg)+2))
	app1 = append(app1, seg...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

// pngClaiming rewrites a PNG's header to claim w×h pixels, with a valid CRC.
func pngClaiming(t *testing.T, w, h uint32) []byte {
	data := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	// signature (8), length (4), "IHDR" (4), then width and height.
	binary.BigEndian.PutUint32(data[16:], w)
	binary.BigEndian.PutUint32(data[20:], h)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

func decodeAny(t *testing.T, data []byte) (image.Image, string) {
	t.Helper()
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return img, format
}

func near(got color.Color, want color.NRGBA) bool {
	c := color.NRGBAModel.Convert(got).(color.NRGBA)
	d := func(a, b uint8) int {
		if a > b {
			return int(a - b)
		}
		return int(b - a)
	}
	return d(c.R, want.R) < 40 && d(c.G, want.G) < 40 && d(c.B, want.B) < 40 && d(c.A, want.A) < 40
}

func TestProcessJPEG(t *testing.T) {
	data := encodeJPEG(t, halves(2000, 1000, red, blue))
	m, files, err := Process("My Summer Photo.JPG", data)
	if err != nil {
		t.Fatal(err)
	}
	if m.Filename != "my-summer-photo.jpg" || m.MIME != "image/jpeg" || m.Width != 2000 || m.Height != 1000 ||
		m.Size != int64(len(data)) {
		t.Errorf("media = %+v", m)
	}
	if want := []int{480, 960, 1600}; len(m.Widths) != 3 || m.Widths[0] != 480 || m.Widths[1] != 960 || m.Widths[2] != 1600 {
		t.Errorf("widths = %v, want %v", m.Widths, want)
	}
	if len(files) != 4 || !bytes.Equal(files[0].Data, data) || files[0].Width != 2000 || files[0].Height != 1000 {
		t.Fatalf("original not kept first: %d files", len(files))
	}
	for i, want := range [][2]int{{480, 240}, {960, 480}, {1600, 800}} {
		f := files[i+1]
		if f.Width != want[0] || f.Height != want[1] {
			t.Errorf("copy %d is %dx%d, want %v", i, f.Width, f.Height, want)
		}
		img, format := decodeAny(t, f.Data)
		if format != "jpeg" || img.Bounds().Dx() != want[0] || img.Bounds().Dy() != want[1] {
			t.Errorf("copy %d decodes as %s %v", i, format, img.Bounds())
		}
		if !near(img.At(5, 5), red) || !near(img.At(want[0]-5, 5), blue) {
			t.Errorf("copy %d lost the picture: %v %v", i, img.At(5, 5), img.At(want[0]-5, 5))
		}
		if ContentType(f.Data) != "image/jpeg" {
			t.Errorf("copy %d content type %q", i, ContentType(f.Data))
		}
	}
}

func TestProcessPNGKeepsTransparency(t *testing.T) {
	data := encodePNG(t, halves(1000, 500, clear, blue))
	m, files, err := Process("logo.png", data)
	if err != nil {
		t.Fatal(err)
	}
	if m.MIME != "image/png" || m.Filename != "logo.png" || len(files) != 3 || len(m.Widths) != 2 {
		t.Fatalf("media = %+v, %d files", m, len(files))
	}
	img, format := decodeAny(t, files[1].Data)
	if format != "png" || img.Bounds().Dx() != 480 || img.Bounds().Dy() != 240 {
		t.Fatalf("copy is %s %v", format, img.Bounds())
	}
	if _, _, _, a := img.At(5, 5).RGBA(); a != 0 {
		t.Errorf("transparent area became alpha %d", a)
	}
	if !near(img.At(470, 5), blue) {
		t.Errorf("opaque area = %v", img.At(470, 5))
	}
}

func TestProcessGIFUsesFirstFrame(t *testing.T) {
	pal := color.Palette{color.NRGBA{A: 255}, red, blue}
	frame := func(idx uint8) *image.Paletted {
		p := image.NewPaletted(image.Rect(0, 0, 600, 300), pal)
		for i := range p.Pix {
			p.Pix[i] = idx
		}
		return p
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{frame(1), frame(2)}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	m, files, err := Process("dance.gif", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if m.MIME != "image/gif" || m.Filename != "dance.gif" || m.Width != 600 || len(files) != 2 {
		t.Fatalf("media = %+v, %d files", m, len(files))
	}
	if !bytes.Equal(files[0].Data, buf.Bytes()) {
		t.Error("the animated original was not kept")
	}
	img, format := decodeAny(t, files[1].Data)
	if format != "png" || img.Bounds().Dx() != 480 || img.Bounds().Dy() != 240 || !near(img.At(10, 10), red) {
		t.Errorf("copy is %s %v with %v", format, img.Bounds(), img.At(10, 10))
	}
}

func TestProcessWebP(t *testing.T) {
	data := solidWebP(1000, 20, color.NRGBA{R: 200, G: 100, B: 50, A: 255})
	if _, err := webp.Decode(bytes.NewReader(data)); err != nil {
		t.Fatalf("test WebP does not decode: %v", err)
	}
	m, files, err := Process("cover.png", data) // the name lies; the content decides
	if err != nil {
		t.Fatal(err)
	}
	if m.MIME != "image/webp" || m.Filename != "cover.webp" || m.Width != 1000 || m.Height != 20 || len(files) != 3 {
		t.Fatalf("media = %+v, %d files", m, len(files))
	}
	img, format := decodeAny(t, files[1].Data)
	if format != "jpeg" || img.Bounds().Dx() != 480 || img.Bounds().Dy() != 10 || !near(img.At(3, 3), color.NRGBA{R: 200, G: 100, B: 50, A: 255}) {
		t.Errorf("opaque copy is %s %v with %v", format, img.Bounds(), img.At(3, 3))
	}

	_, files, err = Process("glass.webp", solidWebP(1000, 20, color.NRGBA{R: 200, A: 100}))
	if err != nil {
		t.Fatal(err)
	}
	img, format = decodeAny(t, files[1].Data)
	if _, _, _, a := img.At(3, 3).RGBA(); format != "png" || a == 0xffff {
		t.Errorf("transparent WebP copy is %s with alpha %d", format, a)
	}
}

func TestProcessSmallImageHasNoCopies(t *testing.T) {
	m, files, err := Process("tiny.png", encodePNG(t, halves(300, 200, red, blue)))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || len(m.Widths) != 0 || m.Width != 300 || m.Height != 200 {
		t.Errorf("media = %+v, %d files", m, len(files))
	}
	// An image exactly as wide as a size is not copied at that size.
	m, files, err = Process("exact.png", encodePNG(t, halves(480, 10, red, blue)))
	if err != nil || len(files) != 1 || len(m.Widths) != 0 {
		t.Errorf("480 wide: %v, %d files", err, len(files))
	}
}

func TestProcessAppliesJPEGOrientation(t *testing.T) {
	// Stored sideways: 2000×1000, red on the left. Orientation 6 asks for a
	// quarter turn clockwise, so upright it is 1000×2000 with red on top.
	data := withOrientation(encodeJPEG(t, halves(2000, 1000, red, blue)), 6)
	if got := jpegOrientation(data); got != 6 {
		t.Fatalf("orientation = %d", got)
	}
	m, files, err := Process("phone.jpg", data)
	if err != nil {
		t.Fatal(err)
	}
	if m.Width != 1000 || m.Height != 2000 || len(files) != 3 {
		t.Fatalf("media = %+v, %d files", m, len(files))
	}
	img, _ := decodeAny(t, files[1].Data)
	if img.Bounds().Dx() != 480 || img.Bounds().Dy() != 960 {
		t.Fatalf("copy is %v", img.Bounds())
	}
	if !near(img.At(240, 10), red) || !near(img.At(240, 950), blue) {
		t.Errorf("copy not upright: top %v bottom %v", img.At(240, 10), img.At(240, 950))
	}
}

func TestUpright(t *testing.T) {
	// A 3×2 image with numbered pixels, checked for every orientation.
	src := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	for i := 0; i < 6; i++ {
		src.Pix[i*4] = uint8(i + 1)
	}
	// Each row lists the numbers of the upright image, row by row.
	want := map[int][]uint8{
		1: {1, 2, 3, 4, 5, 6},
		2: {3, 2, 1, 6, 5, 4},
		3: {6, 5, 4, 3, 2, 1},
		4: {4, 5, 6, 1, 2, 3},
		5: {1, 4, 2, 5, 3, 6},
		6: {4, 1, 5, 2, 6, 3},
		7: {6, 3, 5, 2, 4, 1},
		8: {3, 6, 2, 5, 1, 4},
	}
	for o := 1; o <= 8; o++ {
		out := upright(src, o)
		var got []uint8
		for i := 0; i < len(out.Pix); i += 4 {
			got = append(got, out.Pix[i])
		}
		if !bytes.Equal(got, want[o]) {
			t.Errorf("orientation %d: got %v, want %v", o, got, want[o])
		}
		if o >= 5 && (out.Bounds().Dx() != 2 || out.Bounds().Dy() != 3) {
			t.Errorf("orientation %d: size %v", o, out.Bounds())
		}
	}
}

func TestProcessRefuses(t *testing.T) {
	jpg := encodeJPEG(t, halves(100, 100, red, blue))
	tests := []struct {
		name string
		file string
		data []byte
		msg  string
	}{
		{"svg", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>`), msgNotImage},
		{"svg named png", "logo.png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>`), msgNotImage},
		{"html", "page.jpg", []byte("<html><script>alert(1)</script></html>"), msgNotImage},
		{"text", "notes.png", []byte("just some words"), msgNotImage},
		{"pdf", "doc.pdf", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj"), msgNotImage},
		{"bmp", "old.bmp", append([]byte("BM"), make([]byte, 60)...), msgNotImage},
		{"empty", "x.jpg", nil, msgEmpty},
		{"too many bytes", "big.jpg", append(jpg, make([]byte, MaxUploadBytes)...), msgTooBig},
		{"too many pixels png", "huge.png", pngClaiming(t, 10000, 5000), msgTooMany},
		{"too many pixels webp", "huge.webp", solidWebP(16384, 16384, red), msgTooMany},
		{"truncated jpeg", "cut.jpg", jpg[:len(jpg)/2], msgBroken},
		{"broken png header", "bad.png", pngClaiming(t, 0, 10), msgBroken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, files, err := Process(tt.file, tt.data)
			if err == nil {
				t.Fatalf("accepted: %+v, %d files", m, len(files))
			}
			fe, ok := blog.AsValidation(err)
			if !ok || fe[Field] != tt.msg {
				t.Errorf("error = %v, want %q", err, tt.msg)
			}
		})
	}
}

func TestSafeFilename(t *testing.T) {
	tests := []struct{ name, mime, want string }{
		{"My Photo.JPG", "image/jpeg", "my-photo.jpg"},
		{"photo.jpeg", "image/jpeg", "photo.jpg"},
		{"Café déjà vu.png", "image/png", "cafe-deja-vu.png"},
		{"../../etc/passwd", "image/png", "passwd.png"},
		{`C:\Users\me\Desktop\shot 1.png`, "image/png", "shot-1.png"},
		{"script.php.gif", "image/gif", "script-php.gif"},
		{".hidden", "image/webp", "hidden.webp"},
		{"", "image/png", "image.png"},
		{"???.jpg", "image/jpeg", "image.jpg"},
		{"снимок.jpg", "image/jpeg", "снимок.jpg"},
		{strings.Repeat("a", 300) + ".png", "image/png", strings.Repeat("a", 100) + ".png"},
	}
	for _, tt := range tests {
		if got := SafeFilename(tt.name, tt.mime); got != tt.want {
			t.Errorf("SafeFilename(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestJPEGOrientationAbsentOrBroken(t *testing.T) {
	jpg := encodeJPEG(t, halves(10, 10, red, blue))
	for name, data := range map[string][]byte{
		"none":      jpg,
		"not jpeg":  []byte("hello"),
		"truncated": withOrientation(jpg, 6)[:20],
		"bad value": withOrientation(jpg, 42),
	} {
		if got := jpegOrientation(data); got != 1 {
			t.Errorf("%s: orientation %d, want 1", name, got)
		}
	}
}
