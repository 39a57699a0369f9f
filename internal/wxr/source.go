package wxr

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// openSource looks at the first bytes of an export: a gzip-compressed
// file (WordPress's fallback parser reads .xml.gz) is decompressed, a
// UTF-16 file (a byte order mark) is converted to UTF-8, a UTF-8 byte
// order mark is dropped, and the encoding the XML declaration names is
// returned when it is not UTF-8.
func openSource(src io.Reader) (io.Reader, *encoding.Decoder, error) {
	br := bufio.NewReaderSize(src, 4096)
	if b, _ := br.Peek(4); bytes.Equal(b, []byte("PK\x03\x04")) {
		return nil, nil, &Error{Line: 1, Kind: ErrNotWXR, Msg: "a zip archive (WordPress.com zips its exports): unzip it and read the .xml files inside"}
	}
	if b, _ := br.Peek(2); len(b) == 2 && b[0] == 0x1f && b[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, &Error{Line: 1, Kind: ErrNotWXR, Msg: "a broken gzip file: " + err.Error()}
		}
		br = bufio.NewReaderSize(gz, 4096)
	}
	b, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
		return br, nil, nil
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()), nil, nil
	case bytes.HasPrefix(b, []byte{0, '<', 0, '?'}):
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()), nil, nil
	case bytes.HasPrefix(b, []byte{'<', 0, '?', 0}):
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()), nil, nil
	}
	head, _ := br.Peek(1024)
	return br, declaredEncoding(head), nil
}

// declaredEncoding returns a decoder for the encoding the XML declaration
// at the start of head names, or nil for UTF-8, for none, and for a name
// it does not know (the file is then read as UTF-8).
func declaredEncoding(head []byte) *encoding.Decoder {
	head = bytes.TrimLeft(head, " \t\r\n")
	if !bytes.HasPrefix(head, []byte("<?xml")) {
		return nil
	}
	end := bytes.Index(head, []byte("?>"))
	if end < 0 {
		return nil
	}
	decl := string(head[:end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return nil
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	if !strings.HasPrefix(rest, "=") {
		return nil
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return nil
	}
	name, _, ok := strings.Cut(rest[1:], rest[:1])
	if !ok {
		return nil
	}
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return nil
	}
	enc, err := htmlindex.Get(name)
	if err != nil || enc == encoding.Nop {
		return nil
	}
	if n, _ := htmlindex.Name(enc); n == "utf-8" || strings.HasPrefix(n, "utf-16") {
		return nil
	}
	return enc.NewDecoder()
}
