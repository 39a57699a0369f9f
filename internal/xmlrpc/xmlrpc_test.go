package xmlrpc_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/quirehq/quire/internal/xmlrpc"
)

func TestRoundTrip(t *testing.T) {
	when := time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC)
	params := []any{"https://a.example/post/", 42, true, 1.5, when, []byte("hi"), []any{"x", 2},
		map[string]any{"faultCode": 16, "name": "<Ann & Bo>"}}
	raw, err := xmlrpc.EncodeCall("pingback.ping", params...)
	if err != nil {
		t.Fatal(err)
	}
	c, err := xmlrpc.ReadCall(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if c.Method != "pingback.ping" || !reflect.DeepEqual(c.Params, params) {
		t.Errorf("read back %q %#v", c.Method, c.Params)
	}
	resp, _ := xmlrpc.EncodeResponse("Pingback registered.")
	if v, err := xmlrpc.ReadResponse(strings.NewReader(string(resp))); err != nil || v != "Pingback registered." {
		t.Errorf("response: %v %v", v, err)
	}
	_, err = xmlrpc.ReadResponse(strings.NewReader(string(xmlrpc.EncodeFault(&xmlrpc.Fault{Code: 48, Message: "already"}))))
	var f *xmlrpc.Fault
	if !errors.As(err, &f) || f.Code != 48 || f.Message != "already" {
		t.Errorf("fault: %v", err)
	}
}

// TestReadsWhatOthersWrite reads calls as WordPress and other clients send
// them: untyped strings, white space, i4.
func TestReadsWhatOthersWrite(t *testing.T) {
	doc := `<?xml version="1.0"?>
<methodCall>
  <methodName>pingback.ping</methodName>
  <params>
    <param><value><string>http://src.example/a/</string></value></param>
    <param><value>http://me.example/b/</value></param>
    <param><value><i4> 7 </i4></value></param>
  </params>
</methodCall>`
	c, err := xmlrpc.ReadCall(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if want := []any{"http://src.example/a/", "http://me.example/b/", 7}; !reflect.DeepEqual(c.Params, want) {
		t.Errorf("params %#v", c.Params)
	}
}

func TestBadInput(t *testing.T) {
	deep := "<methodCall><methodName>m</methodName><params><param><value>" +
		strings.Repeat("<array><data><value>", 40) + "x" + strings.Repeat("</value></data></array>", 40) +
		"</value></param></params></methodCall>"
	many := "<methodCall><methodName>m</methodName><params><param><value><array><data>" +
		strings.Repeat("<value>1</value>", xmlrpc.MaxValues+1) + "</data></array></value></param></params></methodCall>"
	for name, tc := range map[string]struct {
		doc  string
		code int
	}{
		"not XML":          {"hello", xmlrpc.FaultParse},
		"cut short":        {"<methodCall><methodName>m</methodName><params>", xmlrpc.FaultParse},
		"not a call":       {"<rss/>", xmlrpc.FaultInvalidRequest},
		"no method":        {"<methodCall><params/></methodCall>", xmlrpc.FaultInvalidRequest},
		"bad int":          {"<methodCall><methodName>m</methodName><params><param><value><int>x</int></value></param></params></methodCall>", xmlrpc.FaultInvalidRequest},
		"unknown type":     {"<methodCall><methodName>m</methodName><params><param><value><blob/></value></param></params></methodCall>", xmlrpc.FaultInvalidRequest},
		"other encoding":   {`<?xml version="1.0" encoding="UTF-7"?><methodCall><methodName>m</methodName></methodCall>`, xmlrpc.FaultParse},
		"external entity":  {`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><methodCall><methodName>&e;</methodName></methodCall>`, xmlrpc.FaultParse},
		"too deep":         {deep, 0},
		"too many values":  {many, 0},
		"two method names": {"<methodCall><methodName>a</methodName><methodName><x/></methodName></methodCall>", xmlrpc.FaultInvalidRequest},
	} {
		_, err := xmlrpc.ReadCall(strings.NewReader(tc.doc))
		var f *xmlrpc.Fault
		switch {
		case tc.code == 0:
			if !errors.Is(err, xmlrpc.ErrTooLarge) {
				t.Errorf("%s: %v, want ErrTooLarge", name, err)
			}
		case !errors.As(err, &f) || f.Code != tc.code:
			t.Errorf("%s: %v, want fault %d", name, err, tc.code)
		}
	}
	if _, err := xmlrpc.EncodeCall("m", "bad \x00 byte"); err == nil {
		t.Error("a NUL byte was encoded")
	}
}
