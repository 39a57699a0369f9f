// Package xmlrpc reads and writes XML-RPC (https://xmlrpc.com/spec.md), the
// protocol of Pingback and of WordPress's /xmlrpc.php: method calls and
// responses, both ways, with every input bounded. Values are Go values:
// string, int, bool, float64, time.Time, []byte (base64), []any (array)
// and map[string]any (struct).
package xmlrpc

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Limits on what is read.
const (
	// MaxDepth is the deepest nesting of arrays and structs read.
	MaxDepth = 16
	// MaxValues is the most values one message may hold.
	MaxValues = 10000
)

// Fault codes used across the package and by servers (the ones the
// "specification for fault code interoperability" names).
const (
	FaultParse          = -32700 // not well-formed XML
	FaultInvalidRequest = -32600 // not a method call
	FaultUnknownMethod  = -32601
	FaultInvalidParams  = -32602
	FaultInternal       = -32603
)

// Fault is an XML-RPC fault: a code and a message.
type Fault struct {
	Code    int
	Message string
}

func (f *Fault) Error() string { return fmt.Sprintf("xmlrpc: fault %d: %s", f.Code, f.Message) }

// ErrTooLarge means a message went past MaxDepth or MaxValues.
var ErrTooLarge = errors.New("xmlrpc: the message nests too deeply or holds too many values")

// timeLayout is XML-RPC's dateTime.iso8601 as most implementations write
// it; readers also take RFC 3339.
const timeLayout = "20060102T15:04:05"

// Call is a method call as read.
type Call struct {
	Method string
	Params []any
}

// ReadCall reads a method call from r (already bounded by the caller). A
// document that is not a call is a *Fault with FaultParse or
// FaultInvalidRequest, ready to send back.
func ReadCall(r io.Reader) (*Call, error) {
	d := newDecoder(r)
	if err := d.root("methodCall"); err != nil {
		return nil, err
	}
	c := &Call{}
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "methodName":
				s, err := d.text()
				if err != nil {
					return nil, err
				}
				c.Method = strings.TrimSpace(s)
			case "params":
				if c.Params, err = d.params(); err != nil {
					return nil, err
				}
			default:
				return nil, &Fault{FaultInvalidRequest, "unexpected element <" + t.Name.Local + "> in the method call"}
			}
		case xml.EndElement:
			if c.Method == "" {
				return nil, &Fault{FaultInvalidRequest, "the method call names no method"}
			}
			return c, nil
		}
	}
}

// ReadResponse reads a method response: its value, or the *Fault it holds.
func ReadResponse(r io.Reader) (any, error) {
	d := newDecoder(r)
	if err := d.root("methodResponse"); err != nil {
		return nil, err
	}
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "params":
				ps, err := d.params()
				if err != nil {
					return nil, err
				}
				if len(ps) != 1 {
					return nil, &Fault{FaultInvalidRequest, "a response holds one value"}
				}
				return ps[0], nil
			case "fault":
				v, err := d.valueIn("fault")
				if err != nil {
					return nil, err
				}
				m, _ := v.(map[string]any)
				f := &Fault{}
				f.Code, _ = m["faultCode"].(int)
				f.Message, _ = m["faultString"].(string)
				return nil, f
			default:
				return nil, &Fault{FaultInvalidRequest, "unexpected element <" + t.Name.Local + "> in the response"}
			}
		case xml.EndElement:
			return nil, &Fault{FaultInvalidRequest, "the response holds no value"}
		}
	}
}

// decoder reads XML-RPC with bounds on depth and on the number of values.
type decoder struct {
	x      *xml.Decoder
	values int
}

func newDecoder(r io.Reader) *decoder {
	x := xml.NewDecoder(r)
	x.Strict = true
	// Named charsets other than UTF-8 are read as they are; entities
	// beyond XML's own are never expanded (encoding/xml has no DTD
	// support), so no entity bomb or external entity can be used.
	x.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "us-ascii", "ascii":
			return in, nil
		}
		return nil, &Fault{FaultParse, "unsupported encoding " + strconv.Quote(label) + ": send UTF-8"}
	}
	return &decoder{x: x}
}

const errTextBetween = "unexpected text between elements"

// next returns the next start or end element, skipping text between
// elements, comments, directives and processing instructions.
func (d *decoder) next() (xml.Token, error) {
	for {
		tok, err := d.x.Token()
		if err != nil {
			return nil, d.wrap(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.EndElement:
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return nil, &Fault{FaultInvalidRequest, errTextBetween}
			}
		}
	}
}

func (d *decoder) wrap(err error) error {
	var f *Fault
	if errors.As(err, &f) {
		return f
	}
	if err == io.EOF {
		return &Fault{FaultParse, "the document ends early"}
	}
	return &Fault{FaultParse, "not well-formed XML: " + err.Error()}
}

// root reads the document's root element, which must be name.
func (d *decoder) root(name string) error {
	err := d.expectStart(name)
	if f := (*Fault)(nil); errors.As(err, &f) && f.Message == errTextBetween {
		// Text outside the root element: not well-formed XML.
		return &Fault{FaultParse, "not well-formed XML: text outside the root element"}
	}
	return err
}

func (d *decoder) expectStart(name string) error {
	tok, err := d.next()
	if err != nil {
		return err
	}
	if s, ok := tok.(xml.StartElement); !ok || s.Name.Local != name {
		return &Fault{FaultInvalidRequest, "the document is not an XML-RPC <" + name + ">"}
	}
	return nil
}

// text reads the character data up to the end of the current element.
func (d *decoder) text() (string, error) {
	var b strings.Builder
	for {
		tok, err := d.x.Token()
		if err != nil {
			return "", d.wrap(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			b.Write(t)
		case xml.EndElement:
			return b.String(), nil
		case xml.StartElement:
			return "", &Fault{FaultInvalidRequest, "unexpected element <" + t.Name.Local + "> in text"}
		}
	}
}

// params reads <param><value>…</value></param>… up to </params>.
func (d *decoder) params() ([]any, error) {
	var out []any
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "param" {
				return nil, &Fault{FaultInvalidRequest, "expected <param>, got <" + t.Name.Local + ">"}
			}
			v, err := d.valueIn("param")
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		case xml.EndElement:
			return out, nil
		}
	}
}

// valueIn reads the one <value> inside the current element, then its end.
func (d *decoder) valueIn(parent string) (any, error) {
	tok, err := d.next()
	if err != nil {
		return nil, err
	}
	if s, ok := tok.(xml.StartElement); !ok || s.Name.Local != "value" {
		return nil, &Fault{FaultInvalidRequest, "expected <value> in <" + parent + ">"}
	}
	v, err := d.value(1)
	if err != nil {
		return nil, err
	}
	if tok, err = d.next(); err != nil {
		return nil, err
	}
	if _, ok := tok.(xml.EndElement); !ok {
		return nil, &Fault{FaultInvalidRequest, "more than one value in <" + parent + ">"}
	}
	return v, nil
}

// value reads what follows <value> up to and including </value>. A value
// with no type element is a string.
func (d *decoder) value(depth int) (any, error) {
	if depth > MaxDepth {
		return nil, ErrTooLarge
	}
	if d.values++; d.values > MaxValues {
		return nil, ErrTooLarge
	}
	var text strings.Builder
	for {
		tok, err := d.x.Token()
		if err != nil {
			return nil, d.wrap(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			return text.String(), nil // </value>: an untyped string
		case xml.StartElement:
			v, err := d.typed(t.Name.Local, depth)
			if err != nil {
				return nil, err
			}
			// The rest up to </value> is white space.
			if tok, err := d.next(); err != nil {
				return nil, err
			} else if _, ok := tok.(xml.EndElement); !ok {
				return nil, &Fault{FaultInvalidRequest, "more than one type in a <value>"}
			}
			return v, nil
		}
	}
}

// typed reads the content of a type element (its start already read).
func (d *decoder) typed(name string, depth int) (any, error) {
	bad := func() error { return &Fault{FaultInvalidRequest, "a <" + name + "> value is not well formed"} }
	switch name {
	case "string":
		return d.text()
	case "int", "i4", "i8":
		s, err := d.text()
		if err != nil {
			return nil, err
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return nil, bad()
		}
		return n, nil
	case "boolean":
		s, err := d.text()
		if err != nil {
			return nil, err
		}
		switch strings.TrimSpace(s) {
		case "1":
			return true, nil
		case "0":
			return false, nil
		}
		return nil, bad()
	case "double":
		s, err := d.text()
		if err != nil {
			return nil, err
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, bad()
		}
		return f, nil
	case "dateTime.iso8601":
		s, err := d.text()
		if err != nil {
			return nil, err
		}
		s = strings.TrimSpace(s)
		for _, layout := range []string{timeLayout, "2006-01-02T15:04:05", time.RFC3339, "20060102T15:04:05Z07:00"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
		return nil, bad()
	case "base64":
		s, err := d.text()
		if err != nil {
			return nil, err
		}
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, bad()
		}
		return b, nil
	case "nil":
		if _, err := d.text(); err != nil {
			return nil, err
		}
		return nil, nil
	case "array":
		return d.array(depth)
	case "struct":
		return d.strct(depth)
	}
	return nil, &Fault{FaultInvalidRequest, "unknown value type <" + name + ">"}
}

func (d *decoder) array(depth int) (any, error) {
	out := []any{}
	if err := d.expectStart("data"); err != nil {
		return nil, err
	}
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "value" {
				return nil, &Fault{FaultInvalidRequest, "expected <value> in <data>"}
			}
			v, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		case xml.EndElement: // </data>
			if tok, err := d.next(); err != nil {
				return nil, err
			} else if _, ok := tok.(xml.EndElement); !ok {
				return nil, &Fault{FaultInvalidRequest, "unexpected element after </data>"}
			}
			return out, nil
		}
	}
}

func (d *decoder) strct(depth int) (any, error) {
	out := map[string]any{}
	for {
		tok, err := d.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "member" {
				return nil, &Fault{FaultInvalidRequest, "expected <member> in <struct>"}
			}
			name, v, err := d.member(depth)
			if err != nil {
				return nil, err
			}
			out[name] = v
		case xml.EndElement:
			return out, nil
		}
	}
}

func (d *decoder) member(depth int) (string, any, error) {
	var name string
	var v any
	seen := false
	for {
		tok, err := d.next()
		if err != nil {
			return "", nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "name":
				if name, err = d.text(); err != nil {
					return "", nil, err
				}
			case "value":
				if v, err = d.value(depth + 1); err != nil {
					return "", nil, err
				}
				seen = true
			default:
				return "", nil, &Fault{FaultInvalidRequest, "unexpected <" + t.Name.Local + "> in <member>"}
			}
		case xml.EndElement:
			if !seen {
				return "", nil, &Fault{FaultInvalidRequest, "a <member> without a value"}
			}
			return name, v, nil
		}
	}
}
