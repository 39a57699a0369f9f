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
	"testing"

	"golang.org/x/image/webp"
)

// secrets are marker strings the test files hide in their metadata; none
// may survive in a stored original.
var secrets = []string{
	"SecretCam", "SN-4711", "GPS-SECRET", "XMP-SECRET", "IPTC-SECRET", "COMMENT-SECRET",
	"TRAILER-SECRET", "GPS secret", "TIME", "PRIVATE-SECRET", "EXIF-SECRET",
}

func assertNoSecrets(t *testing.T, data []byte) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("stored original still holds %q", s)
		}
	}
}

// jpegSegment returns a JPEG marker segment with payload.
func jpegSegment(marker byte, payload string) []byte {
	seg := []byte{0xFF, marker}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(payload)+2))
	return append(seg, payload...)
}

// tiffEntry is one 12-byte IFD entry; value holds the 4 value bytes.
func tiffEntry(tag, typ uint16, count uint32, value []byte) []byte {
	e := binary.BigEndian.AppendUint16(nil, tag)
	e = binary.BigEndian.AppendUint16(e, typ)
	e = binary.BigEndian.AppendUint32(e, count)
	return append(e, (append(value, 0, 0, 0, 0))[:4]...)
}

// cameraExif returns an APP1 EXIF segment as a phone writes it: make and
// serial, orientation o, and a GPS IFD with a position and a marker.
func cameraExif(o uint16) []byte {
	const (
		ifd0    = 8
		ifd0Len = 2 + 4*12 + 4
		makeOff = ifd0 + ifd0Len // "SecretCam\0"
		gpsOff  = makeOff + 10
		gpsLen  = 2 + 3*12 + 4
		latOff  = gpsOff + gpsLen // three RATIONALs
		procOff = latOff + 24     // "GPS-SECRET-LOCATION"
		serOff  = procOff + 19    // "SN-4711\0"
	)
	u32 := func(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }
	t := []byte("MM\x00\x2a")
	t = append(t, u32(ifd0)...)
	t = binary.BigEndian.AppendUint16(t, 4)
	t = append(t, tiffEntry(0x010F, 2, 10, u32(makeOff))...) // Make
	t = append(t, tiffEntry(0x0112, 3, 1, binary.BigEndian.AppendUint16(nil, o))...)
	t = append(t, tiffEntry(0xA431, 2, 8, u32(serOff))...) // BodySerialNumber
	t = append(t, tiffEntry(0x8825, 4, 1, u32(gpsOff))...)
	t = append(t, u32(0)...)
	t = append(t, "SecretCam\x00"...)
	t = binary.BigEndian.AppendUint16(t, 3)
	t = append(t, tiffEntry(0x0001, 2, 2, []byte("N\x00"))...)
	t = append(t, tiffEntry(0x0002, 5, 3, u32(latOff))...)
	t = append(t, tiffEntry(0x001B, 7, 19, u32(procOff))...)
	t = append(t, u32(0)...)
	for _, v := range []uint32{52, 1, 31, 1, 1234, 100} {
		t = append(t, u32(v)...)
	}
	t = append(t, "GPS-SECRET-LOCATION"...)
	t = append(t, "SN-4711\x00"...)
	return jpegSegment(0xE1, "Exif\x00\x00"+string(t))
}

func TestStripJPEGKeepsPixelsAndOrientation(t *testing.T) {
	// Stored sideways: 2000×1000, red on the left; orientation 6.
	base := encodeJPEG(t, halves(2000, 1000, red, blue))
	jfifThumb := jpegSegment(0xE0, "JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x01\x01\xAA\xBB\xCC")
	jfifBare := jpegSegment(0xE0, "JFIF\x00\x01\x02\x01\x00\x48\x00\x48\x00\x00")
	icc := jpegSegment(0xE2, "ICC_PROFILE\x00\x01\x01not-a-real-profile")
	adobe := jpegSegment(0xEE, "Adobe\x00\x64\x00\x00\x00\x00\x01")
	var data []byte
	data = append(data, base[:2]...)
	data = append(data, jfifThumb...)
	data = append(data, cameraExif(6)...)
	data = append(data, jpegSegment(0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>XMP-SECRET</x:xmpmeta>")...)
	data = append(data, jpegSegment(0xED, "Photoshop 3.0\x008BIM\x04\x04IPTC-SECRET")...)
	data = append(data, jpegSegment(0xE2, "MPF\x00SN-4711")...)
	data = append(data, icc...)
	data = append(data, adobe...)
	data = append(data, jpegSegment(0xFE, "COMMENT-SECRET")...)
	data = append(data, base[2:len(base)-2]...)
	data = append(data, jpegSegment(0xFE, "COMMENT-SECRET at the end")...)
	data = append(data, 0xFF, 0xD9)
	data = append(data, "TRAILER-SECRET: a second image or a video a phone appends"...)
	if got := jpegOrientation(data); got != 6 {
		t.Fatalf("test file orientation = %d", got)
	}

	m, files, err := Process("phone.jpg", data)
	if err != nil {
		t.Fatal(err)
	}
	stored := files[0].Data
	assertNoSecrets(t, stored)
	if m.Size != int64(len(stored)) || m.MIME != "image/jpeg" || m.Filename != "phone.jpg" {
		t.Errorf("media = %+v, stored %d bytes", m, len(stored))
	}
	if m.Width != 1000 || m.Height != 2000 || files[0].Width != 1000 || files[0].Height != 2000 {
		t.Errorf("media is %dx%d, file %dx%d", m.Width, m.Height, files[0].Width, files[0].Height)
	}
	// Byte for byte: JFIF without its thumbnail, the orientation alone,
	// ICC and Adobe segments, then the encoder's own segments and scan.
	var want []byte
	want = append(want, base[:2]...)
	want = append(want, jfifBare...)
	want = append(want, orientationSegment(6)...)
	want = append(want, icc...)
	want = append(want, adobe...)
	want = append(want, base[2:]...)
	if !bytes.Equal(stored, want) {
		t.Errorf("stored original is %d bytes, want %d", len(stored), len(want))
	}
	if got := jpegOrientation(stored); got != 6 {
		t.Errorf("stored orientation = %d, want 6", got)
	}
	wantImg, err := jpeg.Decode(bytes.NewReader(base))
	if err != nil {
		t.Fatal(err)
	}
	gotImg, err := jpeg.Decode(bytes.NewReader(stored))
	if err != nil {
		t.Fatalf("stored original does not decode: %v", err)
	}
	samePixels(t, gotImg, wantImg)
}

func TestStripJPEGUprightDropsAllEXIF(t *testing.T) {
	base := encodeJPEG(t, halves(100, 50, red, blue))
	data := append(append(append([]byte{}, base[:2]...), cameraExif(1)...), base[2:]...)
	_, files, err := Process("upright.jpg", data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(files[0].Data, base) {
		t.Errorf("stored original is not the image without its EXIF")
	}
}

// samePixels fails unless a and b have the same bounds and colours.
func samePixels(t *testing.T, a, b image.Image) {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("bounds %v, want %v", a.Bounds(), b.Bounds())
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, aa := a.At(x, y).RGBA()
			br, bg, bb, ba := b.At(x, y).RGBA()
			if ar != br || ag != bg || ab != bb || aa != ba {
				t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, a.At(x, y), b.At(x, y))
			}
		}
	}
}

// pngChunk returns a PNG chunk with a correct CRC.
func pngChunk(typ, payload string) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(payload)))
	c = append(c, typ...)
	c = append(c, payload...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
}

func TestStripPNG(t *testing.T) {
	src := halves(600, 40, clear, blue)
	base := encodePNG(t, src)
	const afterIHDR = 8 + 25
	gama := pngChunk("gAMA", "\x00\x00\xb1\x8f")
	var data []byte
	data = append(data, base[:afterIHDR]...)
	data = append(data, gama...)
	data = append(data, pngChunk("tEXt", "Comment\x00GPS secret")...)
	data = append(data, pngChunk("zTXt", "Raw profile type exif\x00\x00EXIF-SECRET")...)
	data = append(data, pngChunk("iTXt", "XML:com.adobe.xmp\x00\x00\x00\x00\x00XMP-SECRET")...)
	data = append(data, pngChunk("eXIf", "MM\x00\x2aEXIF-SECRET")...)
	data = append(data, pngChunk("tIME", "\x07\xea\x01\x02\x03\x04\x05TIME")...)
	data = append(data, pngChunk("prIv", "PRIVATE-SECRET")...)
	data = append(data, base[afterIHDR:]...)
	data = append(data, "TRAILER-SECRET"...)

	m, files, err := Process("shot.png", data)
	if err != nil {
		t.Fatal(err)
	}
	stored := files[0].Data
	assertNoSecrets(t, stored)
	want := append(append(append([]byte{}, base[:afterIHDR]...), gama...), base[afterIHDR:]...)
	if !bytes.Equal(stored, want) {
		t.Errorf("stored original is %d bytes, want %d (the image with its gAMA chunk)", len(stored), len(want))
	}
	if m.Size != int64(len(stored)) || m.MIME != "image/png" {
		t.Errorf("media = %+v", m)
	}
	img, err := png.Decode(bytes.NewReader(stored))
	if err != nil {
		t.Fatalf("stored original does not decode: %v", err)
	}
	samePixels(t, img, src)
}

// riffChunk returns a RIFF chunk, padded to an even length.
func riffChunk(fcc, payload string) []byte {
	c := append([]byte(fcc), binary.LittleEndian.AppendUint32(nil, uint32(len(payload)))...)
	c = append(c, payload...)
	if len(payload)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// riff wraps chunks in a WebP RIFF header.
func riff(chunks ...[]byte) []byte {
	body := []byte("WEBP")
	for _, c := range chunks {
		body = append(body, c...)
	}
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

// vp8x returns a VP8X chunk with flags for a w×h canvas.
func vp8x(flags byte, w, h int) []byte {
	p := []byte{flags, 0, 0, 0}
	p = append(p, byte(w-1), byte((w-1)>>8), byte((w-1)>>16))
	p = append(p, byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	return riffChunk("VP8X", string(p))
}

func TestStripWebP(t *testing.T) {
	c := color.NRGBA{R: 200, G: 100, B: 50, A: 255}
	simple := solidWebP(1000, 20, c)
	vp8l := simple[12:] // the VP8L chunk
	const alpha = 0x10
	exif := riffChunk("EXIF", "MM\x00\x2aEXIF-SECRET GPS-SECRET!") // odd length: padded
	xmp := riffChunk("XMP ", "<x:xmpmeta>XMP-SECRET</x:xmpmeta>")
	tests := map[string]struct{ data, want []byte }{
		"extended": {
			riff(vp8x(alpha|vp8xEXIF|vp8xXMP, 1000, 20), vp8l, exif, xmp),
			riff(vp8x(alpha, 1000, 20), vp8l),
		},
		"simple with metadata after": {
			riff(vp8l, exif, riffChunk("ABCD", "PRIVATE-SECRET")),
			simple,
		},
		"trailing bytes": {
			append(riff(vp8x(vp8xEXIF, 1000, 20), vp8l, exif), "TRAILER-SECRET"...),
			riff(vp8x(0, 1000, 20), vp8l),
		},
	}
	want, err := webp.Decode(bytes.NewReader(simple))
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := webp.Decode(bytes.NewReader(tt.data)); err != nil {
				t.Fatalf("test file does not decode: %v", err)
			}
			m, files, err := Process("cover.webp", tt.data)
			if err != nil {
				t.Fatal(err)
			}
			stored := files[0].Data
			assertNoSecrets(t, stored)
			if !bytes.Equal(stored, tt.want) {
				t.Errorf("stored original:\n%q\nwant\n%q", stored[:min(len(stored), 40)], tt.want[:min(len(tt.want), 40)])
			}
			if m.Size != int64(len(stored)) || m.MIME != "image/webp" || m.Filename != "cover.webp" {
				t.Errorf("media = %+v", m)
			}
			img, err := webp.Decode(bytes.NewReader(stored))
			if err != nil {
				t.Fatalf("stored original does not decode: %v", err)
			}
			samePixels(t, img, want)
		})
	}
}

func TestStripWebPLastChunkWithoutPad(t *testing.T) {
	vp8l := solidWebP(10, 10, red)[12:]
	icc := riffChunk("ICCP", "abc")
	data := riff(vp8x(0x30, 10, 10), vp8l, riffChunk("EXIF", "EXIF-SECRET"), icc)
	// Some writers leave off the pad byte of an odd last chunk.
	data = data[:len(data)-1]
	binary.LittleEndian.PutUint32(data[4:], uint32(len(data)-8))
	out, err := stripWebP(data)
	if err != nil {
		t.Fatal(err)
	}
	if want := riff(vp8x(0x30, 10, 10), vp8l, icc); !bytes.Equal(out, want) {
		t.Errorf("stripped = %q, want %q", out, want)
	}
}

// gifHead returns the length of a GIF's header, screen descriptor and
// global colour table.
func gifHead(g []byte) int {
	if g[10]&0x80 == 0 {
		return 13
	}
	return 13 + 3<<(g[10]&7+1)
}

func TestStripGIF(t *testing.T) {
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
	base := buf.Bytes()
	head := gifHead(base)
	if !bytes.Contains(base, []byte("NETSCAPE2.0")) {
		t.Fatal("test GIF does not loop")
	}
	comment := append([]byte{0x21, 0xFE, 14}, "COMMENT-SECRET\x00"...)
	xmp := append([]byte{0x21, 0xFF, 11}, "XMP DataXMP"...)
	xmp = append(xmp, 10)
	xmp = append(xmp, "XMP-SECRET"...)
	xmp = append(xmp, 0)
	var data []byte
	data = append(data, base[:head]...)
	data = append(data, comment...)
	data = append(data, xmp...)
	data = append(data, base[head:len(base)-1]...)
	data = append(data, comment...)
	data = append(data, 0x3B)
	data = append(data, "TRAILER-SECRET"...)
	all, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil || len(all.Image) != 2 {
		t.Fatalf("test file does not decode: %v", err)
	}

	m, files, err := Process("dance.gif", data)
	if err != nil {
		t.Fatal(err)
	}
	stored := files[0].Data
	assertNoSecrets(t, stored)
	if !bytes.Equal(stored, base) {
		t.Errorf("stored original is %d bytes, want the %d the encoder wrote", len(stored), len(base))
	}
	if m.Size != int64(len(stored)) || m.MIME != "image/gif" {
		t.Errorf("media = %+v", m)
	}
}

func TestProcessFallsBackToEncodingAgain(t *testing.T) {
	t.Run("webp whose RIFF size lies", func(t *testing.T) {
		c := color.NRGBA{R: 200, G: 100, B: 50, A: 255}
		simple := solidWebP(1000, 20, c)
		data := riff(simple[12:], riffChunk("EXIF", "EXIF-SECRET GPS-SECRET"))
		binary.LittleEndian.PutUint32(data[4:], uint32(len(data)+100))
		m, files, err := Process("cover.webp", data)
		if err != nil {
			t.Fatal(err)
		}
		stored := files[0].Data
		assertNoSecrets(t, stored)
		if m.MIME != "image/png" || m.Filename != "cover.png" || ContentType(stored) != "image/png" || m.Size != int64(len(stored)) {
			t.Errorf("media = %+v, stored as %s", m, ContentType(stored))
		}
		img, err := png.Decode(bytes.NewReader(stored))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := webp.Decode(bytes.NewReader(simple))
		samePixels(t, img, want)
	})
	t.Run("gif without its trailer", func(t *testing.T) {
		var buf bytes.Buffer
		if err := gif.Encode(&buf, halves(60, 30, red, blue), nil); err != nil {
			t.Fatal(err)
		}
		base := buf.Bytes()
		head := gifHead(base)
		data := append(append(append([]byte{}, base[:head]...), 0x21, 0xFE, 14), "COMMENT-SECRET\x00"...)
		data = append(data, base[head:len(base)-1]...)
		m, files, err := Process("cut.gif", data)
		if err != nil {
			t.Fatal(err)
		}
		stored := files[0].Data
		assertNoSecrets(t, stored)
		if m.MIME != "image/gif" || m.Size != int64(len(stored)) {
			t.Errorf("media = %+v", m)
		}
		got, err := gif.Decode(bytes.NewReader(stored))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := gif.Decode(bytes.NewReader(base))
		samePixels(t, got, want)
	})
	t.Run("jpeg turned upright", func(t *testing.T) {
		src := encodeJPEG(t, halves(200, 100, red, blue))
		img, err := jpeg.Decode(bytes.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		out, mime, err := reencode("image/jpeg", src, 6, img)
		if err != nil || mime != "image/jpeg" {
			t.Fatalf("reencode: %s, %v", mime, err)
		}
		if jpegOrientation(out) != 1 || bytes.Contains(out, []byte("Exif")) {
			t.Error("encoded again with an orientation tag")
		}
		got, _ := decodeAny(t, out)
		if got.Bounds().Dx() != 100 || got.Bounds().Dy() != 200 || !near(got.At(50, 5), red) || !near(got.At(50, 195), blue) {
			t.Errorf("not upright: %v, top %v bottom %v", got.Bounds(), got.At(50, 5), got.At(50, 195))
		}
	})
}

// strippable returns one file of each format, full of metadata, to start
// the malformed-input tests and the fuzzer from.
func strippable(t testing.TB) map[string][]byte {
	var jb, gb bytes.Buffer
	if err := jpeg.Encode(&jb, halves(16, 16, red, blue), nil); err != nil {
		t.Fatal(err)
	}
	j := jb.Bytes()
	jpg := append(append(append([]byte{}, j[:2]...), cameraExif(6)...), j[2:]...)
	var pb bytes.Buffer
	if err := png.Encode(&pb, halves(8, 8, clear, blue)); err != nil {
		t.Fatal(err)
	}
	p := pb.Bytes()
	pngData := append(append(append([]byte{}, p[:33]...), pngChunk("tEXt", "Comment\x00GPS secret")...), p[33:]...)
	if err := gif.EncodeAll(&gb, &gif.GIF{Image: []*image.Paletted{
		image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{red, blue}),
		image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{red, blue}),
	}, Delay: []int{5, 5}}); err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{
		"image/jpeg": jpg,
		"image/png":  pngData,
		"image/gif":  gb.Bytes(),
		"image/webp": riff(vp8x(0x18, 4, 4), solidWebP(4, 4, red)[12:], riffChunk("EXIF", "EXIF-SECRET")),
	}
}

func TestStripMalformedDoesNotPanic(t *testing.T) {
	for mime, data := range strippable(t) {
		if _, err := stripMetadata(mime, data, 6); err != nil {
			t.Errorf("%s: whole file refused: %v", mime, err)
		}
		for n := 0; n < len(data); n++ {
			cut := data[:n]
			if out, err := stripMetadata(mime, cut, 6); err == nil {
				checkStripped(t, mime, cut, out)
			}
			// Every byte flipped in turn, where it is a length or a marker.
			bent := append([]byte{}, data...)
			bent[n] ^= 0xFF
			if out, err := stripMetadata(mime, bent, 6); err == nil {
				checkStripped(t, mime, bent, out)
			}
			if n < 200 {
				_, _, _ = Process("x", cut)
				_, _, _ = Process("x", bent)
			}
		}
	}
}

// checkStripped checks what stripping in, a file of type mime, gave: no
// larger than in plus an orientation block, and stripped again unchanged.
func checkStripped(t testing.TB, mime string, in, out []byte) {
	t.Helper()
	if len(out) > len(in)+len(orientationSegment(6))+1 {
		t.Errorf("%s: stripping %d bytes gave %d", mime, len(in), len(out))
	}
	again, err := stripMetadata(mime, out, 6)
	if err != nil {
		t.Errorf("%s: stripped file refused: %v", mime, err)
	} else if !bytes.Equal(again, out) {
		t.Errorf("%s: stripping twice changed the file", mime)
	}
}

func FuzzStripMetadata(f *testing.F) {
	mimes := []string{"image/jpeg", "image/png", "image/gif", "image/webp"}
	for mime, data := range strippable(f) {
		for i, m := range mimes {
			if m == mime {
				f.Add(uint8(i), data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		mime := mimes[int(kind)%len(mimes)]
		if out, err := stripMetadata(mime, data, 6); err == nil {
			checkStripped(t, mime, data, out)
		}
	})
}
