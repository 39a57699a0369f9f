package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
)

// errStructure is returned when a file's container cannot be walked, so its
// metadata cannot be removed without decoding it.
var errStructure = errors.New("media: unreadable file structure")

// FallbackJPEGQuality is the quality an original JPEG is encoded at again
// when its metadata cannot be removed without decoding it.
const FallbackJPEGQuality = 92

// stripMetadata returns a copy of data, an image of type mime, without the
// metadata a camera or editor leaves in it (EXIF with its GPS position and
// camera serial, XMP, IPTC, comments, embedded thumbnails), leaving the
// pixels' bytes untouched. For a JPEG whose orientation orient is not 1, a
// minimal EXIF block holding only that orientation is written back, so the
// original is still shown upright. It returns errStructure when the file's
// structure cannot be walked; data is never modified.
func stripMetadata(mime string, data []byte, orient int) ([]byte, error) {
	switch mime {
	case "image/jpeg":
		return stripJPEG(data, orient)
	case "image/png":
		return stripPNG(data)
	case "image/webp":
		return stripWebP(data)
	case "image/gif":
		return stripGIF(data)
	}
	return nil, fmt.Errorf("media: strip %s: %w", mime, errStructure)
}

// reencode encodes img again, losslessly where the format allows: a JPEG
// as a JPEG turned upright by orient, a GIF as a GIF with all its frames
// when they decode, a PNG or WebP as a PNG.
func reencode(mime string, data []byte, orient int, img image.Image) ([]byte, string, error) {
	var buf bytes.Buffer
	switch mime {
	case "image/jpeg":
		b := img.Bounds()
		n := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(n, n.Bounds(), img, b.Min, draw.Src)
		if err := jpeg.Encode(&buf, upright(n, orient), &jpeg.Options{Quality: FallbackJPEGQuality}); err != nil {
			return nil, "", fmt.Errorf("media: encode original: %w", err)
		}
		return buf.Bytes(), mime, nil
	case "image/gif":
		if all, err := gif.DecodeAll(bytes.NewReader(data)); err == nil {
			if err := gif.EncodeAll(&buf, all); err == nil {
				return buf.Bytes(), mime, nil
			}
			buf.Reset()
		}
		if err := gif.Encode(&buf, img, nil); err != nil {
			return nil, "", fmt.Errorf("media: encode original: %w", err)
		}
		return buf.Bytes(), mime, nil
	}
	if err := png.Encode(&buf, img); err != nil {
		return nil, "", fmt.Errorf("media: encode original: %w", err)
	}
	return buf.Bytes(), "image/png", nil
}

// stripJPEG walks a JPEG's segments to its end-of-image marker, keeping
// what decoding needs (tables, frame and scan headers, entropy-coded data),
// JFIF without its thumbnail, ICC profiles and Adobe's colour transform
// segment, and dropping every other application segment (EXIF, XMP,
// Photoshop/IPTC, MPF…), comments and whatever follows the image.
func stripJPEG(data []byte, orient int) ([]byte, error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil, errStructure
	}
	out := make([]byte, 0, len(data))
	out = append(out, 0xFF, 0xD8)
	insertAt := len(out) // where the orientation block goes
	first := true
	for i := 2; i < len(data); {
		if data[i] != 0xFF {
			// Stray bytes between segments: decoders skip them, and so
			// does this walk, leaving them out.
			next := bytes.IndexByte(data[i:], 0xFF)
			if next < 0 {
				return nil, errStructure
			}
			i += next
		}
		for i+1 < len(data) && data[i+1] == 0xFF { // fill bytes
			i++
		}
		if i+1 >= len(data) {
			return nil, errStructure
		}
		marker := data[i+1]
		switch {
		case marker == 0xD9: // end of image
			out = append(out, 0xFF, 0xD9)
			if orient > 1 && orient <= 8 {
				exif := orientationSegment(orient)
				out = append(out[:insertAt], append(exif, out[insertAt:]...)...)
			}
			return out, nil
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD7: // no length
			out = append(out, 0xFF, marker)
			i += 2
			first = false
			continue
		case marker == 0x00 || marker == 0xD8:
			return nil, errStructure
		}
		if i+4 > len(data) {
			return nil, errStructure
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		end := i + 2 + n
		if n < 2 || end > len(data) {
			return nil, errStructure
		}
		payload := data[i+4 : end]
		switch {
		case marker == 0xE0:
			if jfif, ok := jfifWithoutThumbnail(payload); ok {
				out = append(out, jfif...)
				if first {
					insertAt = len(out)
				}
			}
		case marker == 0xE2:
			if bytes.HasPrefix(payload, []byte("ICC_PROFILE\x00")) {
				out = append(out, data[i:end]...)
			}
		case marker == 0xEE:
			if bytes.HasPrefix(payload, []byte("Adobe")) {
				out = append(out, data[i:end]...)
			}
		case marker >= 0xE1 && marker <= 0xEF, marker == 0xFE:
			// EXIF, XMP, Photoshop/IPTC, other makers' blocks, comments.
		default:
			out = append(out, data[i:end]...)
		}
		first = false
		i = end
		if marker != 0xDA {
			continue
		}
		// Entropy-coded data follows a scan header, up to the next marker
		// that is neither a stuffed 0xFF nor a restart marker.
		k := i
		for {
			ff := bytes.IndexByte(data[k:], 0xFF)
			if ff < 0 || k+ff+1 >= len(data) {
				return nil, errStructure
			}
			k += ff
			if next := data[k+1]; next == 0x00 || next >= 0xD0 && next <= 0xD7 {
				k += 2
				continue
			}
			break
		}
		out = append(out, data[i:k]...)
		i = k
	}
	return nil, errStructure
}

// jfifWithoutThumbnail returns a JFIF APP0 segment rebuilt from payload
// with no thumbnail, or false when payload is not JFIF (JFXX extension
// segments hold only thumbnails, which may show what a crop removed).
func jfifWithoutThumbnail(payload []byte) ([]byte, bool) {
	const head = 14 // "JFIF\0", version, units, densities, thumbnail size
	if len(payload) < head || !bytes.HasPrefix(payload, []byte("JFIF\x00")) {
		return nil, false
	}
	seg := []byte{0xFF, 0xE0, 0, head + 2}
	seg = append(seg, payload[:head-2]...)
	return append(seg, 0, 0), true
}

// orientationSegment returns an APP1 EXIF segment holding only the
// orientation tag, set to orient.
func orientationSegment(orient int) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	tiff = binary.BigEndian.AppendUint16(tiff, 1)      // one entry
	tiff = binary.BigEndian.AppendUint16(tiff, 0x0112) // Orientation
	tiff = binary.BigEndian.AppendUint16(tiff, 3)      // SHORT
	tiff = binary.BigEndian.AppendUint32(tiff, 1)      // one value
	tiff = binary.BigEndian.AppendUint16(tiff, uint16(orient))
	tiff = append(tiff, 0, 0)                     // value padding
	tiff = binary.BigEndian.AppendUint32(tiff, 0) // no next IFD
	seg := []byte{0xFF, 0xE1}
	seg = binary.BigEndian.AppendUint16(seg, uint16(2+6+len(tiff)))
	seg = append(seg, "Exif\x00\x00"...)
	return append(seg, tiff...)
}

// pngKeep lists the ancillary PNG chunks that are kept: those that change
// how the pixels are shown, and APNG's animation. Every other ancillary
// chunk is dropped, the text (tEXt, zTXt, iTXt), EXIF (eXIf) and time
// (tIME) chunks among them, and private ones no viewer needs; critical
// chunks are always kept.
var pngKeep = map[string]bool{
	"tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "iCCP": true, "sBIT": true,
	"cICP": true, "mDCv": true, "cLLi": true, "bKGD": true, "pHYs": true, "sPLT": true,
	"hIST": true, "acTL": true, "fcTL": true, "fdAT": true,
}

// stripPNG copies a PNG chunk by chunk, whole with its CRC, up to IEND.
func stripPNG(data []byte) ([]byte, error) {
	const sig = "\x89PNG\r\n\x1a\n"
	if !bytes.HasPrefix(data, []byte(sig)) {
		return nil, errStructure
	}
	out := make([]byte, 0, len(data))
	out = append(out, sig...)
	for i := len(sig); i+12 <= len(data); {
		n := binary.BigEndian.Uint32(data[i:])
		if n > uint32(len(data)-i-12) {
			return nil, errStructure
		}
		end := i + 12 + int(n)
		typ := string(data[i+4 : i+8])
		critical := typ[0]&0x20 == 0
		if critical || pngKeep[typ] {
			out = append(out, data[i:end]...)
		}
		if typ == "IEND" {
			return out, nil
		}
		i = end
	}
	return nil, errStructure
}

// webpKeep lists the WebP chunks that are kept; EXIF, XMP and unknown
// chunks are dropped.
var webpKeep = map[string]bool{
	"VP8 ": true, "VP8L": true, "VP8X": true, "ALPH": true, "ANIM": true, "ANMF": true, "ICCP": true,
}

// VP8X flag bits that say EXIF and XMP chunks are present.
const (
	vp8xEXIF = 0x08
	vp8xXMP  = 0x04
)

// stripWebP copies a WebP's RIFF chunks but its metadata, clears the VP8X
// flags that announced it and sets the RIFF size to what remains.
func stripWebP(data []byte) ([]byte, error) {
	if len(data) < 12 || string(data[:4]) != "RIFF" || string(data[8:12]) != "WEBP" {
		return nil, errStructure
	}
	size := binary.LittleEndian.Uint32(data[4:])
	if size < 4 || size > uint32(len(data)-8) {
		return nil, errStructure
	}
	riffEnd := 8 + int(size)
	out := make([]byte, 12, len(data))
	copy(out, data[:12])
	i := 12
	for i < riffEnd {
		if i+8 > riffEnd {
			return nil, errStructure
		}
		n := binary.LittleEndian.Uint32(data[i+4:])
		room := uint64(riffEnd - i - 8)
		if uint64(n) > room {
			return nil, errStructure
		}
		end := i + 8 + int(n)
		padMissing := n&1 == 1 && end == riffEnd // some writers leave it off the last chunk
		if n&1 == 1 && !padMissing {
			end++
		}
		fcc := string(data[i : i+4])
		if webpKeep[fcc] {
			start := len(out)
			out = append(out, data[i:end]...)
			if padMissing {
				out = append(out, 0)
			}
			if fcc == "VP8X" && n > 0 {
				out[start+8] &^= vp8xEXIF | vp8xXMP
			}
		}
		i = end
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, nil
}

// stripGIF copies a GIF block by block up to its trailer, dropping comment
// extensions and application extensions other than the looping one
// (NETSCAPE2.0, or its twin ANIMEXTS1.0), which is where XMP lives.
func stripGIF(data []byte) ([]byte, error) {
	if len(data) < 13 || (string(data[:6]) != "GIF87a" && string(data[:6]) != "GIF89a") {
		return nil, errStructure
	}
	i := 13
	if flags := data[10]; flags&0x80 != 0 {
		i += 3 << (flags&7 + 1) // global colour table
	}
	if i > len(data) {
		return nil, errStructure
	}
	out := make([]byte, 0, len(data))
	out = append(out, data[:i]...)
	// subBlocks returns the end of the data sub-blocks starting at j.
	subBlocks := func(j int) (int, bool) {
		for j < len(data) {
			n := int(data[j])
			j++
			if n == 0 {
				return j, true
			}
			j += n
		}
		return 0, false
	}
	for i < len(data) {
		switch data[i] {
		case 0x3B: // trailer
			return append(out, 0x3B), nil
		case 0x2C: // image descriptor, colour table, LZW code size, data
			j := i + 10
			if j > len(data) {
				return nil, errStructure
			}
			if flags := data[i+9]; flags&0x80 != 0 {
				j += 3 << (flags&7 + 1)
			}
			j++ // LZW minimum code size
			if j > len(data) {
				return nil, errStructure
			}
			end, ok := subBlocks(j)
			if !ok {
				return nil, errStructure
			}
			out = append(out, data[i:end]...)
			i = end
		case 0x21: // extension
			if i+2 > len(data) {
				return nil, errStructure
			}
			end, ok := subBlocks(i + 2)
			if !ok {
				return nil, errStructure
			}
			label := data[i+1]
			keep := label != 0xFE && label != 0xFF
			if label == 0xFF {
				app := data[i+2 : end]
				keep = len(app) >= 12 && app[0] == 11 &&
					(string(app[1:12]) == "NETSCAPE2.0" || string(app[1:12]) == "ANIMEXTS1.0")
			}
			if keep {
				out = append(out, data[i:end]...)
			}
			i = end
		default:
			return nil, errStructure
		}
	}
	return nil, errStructure
}
