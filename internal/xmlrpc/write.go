package xmlrpc

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"
)

// EncodeCall writes a method call of method with params.
func EncodeCall(method string, params ...any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<methodCall><methodName>")
	xml.EscapeText(&b, []byte(method))
	b.WriteString("</methodName><params>")
	for _, p := range params {
		b.WriteString("<param>")
		if err := writeValue(&b, p, 0); err != nil {
			return nil, err
		}
		b.WriteString("</param>")
	}
	b.WriteString("</params></methodCall>\n")
	return b.Bytes(), nil
}

// EncodeResponse writes a method response holding v.
func EncodeResponse(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<methodResponse><params><param>")
	if err := writeValue(&b, v, 0); err != nil {
		return nil, err
	}
	b.WriteString("</param></params></methodResponse>\n")
	return b.Bytes(), nil
}

// EncodeFault writes a method response holding the fault f.
func EncodeFault(f *Fault) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<methodResponse><fault>")
	// A struct of an int and a string always encodes.
	_ = writeValue(&b, map[string]any{"faultCode": f.Code, "faultString": f.Message}, 0)
	b.WriteString("</fault></methodResponse>\n")
	return b.Bytes()
}

func writeValue(b *bytes.Buffer, v any, depth int) error {
	if depth > MaxDepth {
		return ErrTooLarge
	}
	b.WriteString("<value>")
	switch x := v.(type) {
	case string:
		b.WriteString("<string>")
		if err := escape(b, x); err != nil {
			return err
		}
		b.WriteString("</string>")
	case int:
		if x > math.MaxInt32 || x < math.MinInt32 {
			return fmt.Errorf("xmlrpc: %d does not fit an XML-RPC int", x)
		}
		b.WriteString("<int>" + strconv.Itoa(x) + "</int>")
	case bool:
		if x {
			b.WriteString("<boolean>1</boolean>")
		} else {
			b.WriteString("<boolean>0</boolean>")
		}
	case float64:
		b.WriteString("<double>" + strconv.FormatFloat(x, 'f', -1, 64) + "</double>")
	case time.Time:
		b.WriteString("<dateTime.iso8601>" + x.UTC().Format(timeLayout) + "</dateTime.iso8601>")
	case []byte:
		b.WriteString("<base64>" + base64.StdEncoding.EncodeToString(x) + "</base64>")
	case nil:
		b.WriteString("<nil/>")
	case []any:
		b.WriteString("<array><data>")
		for _, e := range x {
			if err := writeValue(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteString("</data></array>")
	case []string:
		b.WriteString("<array><data>")
		for _, e := range x {
			if err := writeValue(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteString("</data></array>")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("<struct>")
		for _, k := range keys {
			b.WriteString("<member><name>")
			if err := escape(b, k); err != nil {
				return err
			}
			b.WriteString("</name>")
			if err := writeValue(b, x[k], depth+1); err != nil {
				return err
			}
			b.WriteString("</member>")
		}
		b.WriteString("</struct>")
	default:
		return fmt.Errorf("xmlrpc: cannot encode a %T", v)
	}
	b.WriteString("</value>")
	return nil
}

// escape writes s as XML text; text XML cannot carry is refused.
func escape(b *bytes.Buffer, s string) error {
	for _, r := range s {
		if !(r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)) {
			return fmt.Errorf("xmlrpc: the text holds a character XML cannot carry (%U)", r)
		}
	}
	return xml.EscapeText(b, []byte(s))
}
