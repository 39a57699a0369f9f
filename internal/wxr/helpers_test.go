package wxr

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
)

// export is everything a file holds, read with a Reader.
type export struct {
	Channel Channel
	Authors []*Author
	Terms   []*Term
	Items   []*Item
}

func (x *export) terms(taxonomy string) []*Term {
	var out []*Term
	for _, t := range x.Terms {
		if t.Taxonomy == taxonomy {
			out = append(out, t)
		}
	}
	return out
}

func (x *export) term(taxonomy, slug string) *Term {
	for _, t := range x.Terms {
		if t.Taxonomy == taxonomy && t.Slug == slug {
			return t
		}
	}
	return nil
}

func (x *export) item(title string) *Item {
	for _, it := range x.Items {
		if it.Title == title {
			return it
		}
	}
	return nil
}

func readAll(r io.Reader) (*export, error) {
	rd := NewReader(r)
	ch, err := rd.Channel()
	x := &export{Channel: ch}
	if err != nil {
		return x, err
	}
	for e, err := range rd.All() {
		if err != nil {
			return x, err
		}
		switch e := e.(type) {
		case *Author:
			x.Authors = append(x.Authors, e)
		case *Term:
			x.Terms = append(x.Terms, e)
		case *Item:
			x.Items = append(x.Items, e)
		}
	}
	x.Channel, _ = rd.Channel()
	return x, nil
}

func readString(t *testing.T, s string) (*export, error) {
	t.Helper()
	return readAll(strings.NewReader(s))
}

func readFile(t *testing.T, path string) (*export, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return readAll(f)
}

func mustRead(t *testing.T, path string) *export {
	t.Helper()
	x, err := readFile(t, path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return x
}

// wantRefusal checks that err is an *Error of kind at line (0: any line)
// whose message holds each of parts.
func wantRefusal(t *testing.T, err error, kind error, line int, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("read without error, want a refusal (%v)", kind)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q: kind %v, want %v", err, e.Kind, kind)
	}
	if line != 0 && e.Line != line {
		t.Errorf("error %q: line %d, want %d", err, e.Line, line)
	}
	if e.Line <= 0 {
		t.Errorf("error %q names no line", err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
}
