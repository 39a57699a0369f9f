package linkback

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"

	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/xmlrpc"
)

// Method is one XML-RPC method of /xmlrpc.php: it gets the call's
// parameters and the request (its client, its context), and returns the
// response value or a fault (*xmlrpc.Fault, or a refusal, which becomes
// its Pingback fault).
type Method func(ctx context.Context, req *http.Request, params []any) (any, error)

// Methods is the dispatch table of /xmlrpc.php, by method name. Pingback
// and system.listMethods are here; WordPress's posting APIs would be added
// to this table.
func (r *Receiver) Methods() map[string]Method {
	m := map[string]Method{
		"pingback.ping": r.pingbackPing,
	}
	m["system.listMethods"] = func(context.Context, *http.Request, []any) (any, error) {
		var names []any
		for _, n := range slices.Sorted(maps.Keys(m)) {
			names = append(names, n)
		}
		return names, nil
	}
	return m
}

// xmlrpc serves /xmlrpc.php: a POSTed XML-RPC call, dispatched by the
// Methods table. The client's rate limit is counted first; a body too
// large, malformed XML, an unknown method or a method's refusal are each
// a fault, logged once. Other methods are answered as WordPress answers
// them: 405, "XML-RPC server accepts POST requests only."
func (r *Receiver) xmlrpc(w http.ResponseWriter, req *http.Request) {
	ctx := req.Context()
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		plain(w, http.StatusMethodNotAllowed, "XML-RPC server accepts POST requests only.")
		return
	}
	method, detail := "", ""
	fault := func(status int, f *xmlrpc.Fault) {
		args := []any{"method", method, "code", f.Code, "reason", f.Message, "ip", clientip.From(req)}
		if detail != "" {
			args = append(args, "detail", detail)
		}
		r.log().InfoContext(ctx, "xmlrpc fault", args...)
		writeXML(w, status, xmlrpc.EncodeFault(f))
	}
	body, err := readBody(w, req)
	if errors.Is(err, errTooLarge) {
		fault(http.StatusRequestEntityTooLarge, &xmlrpc.Fault{Code: xmlrpc.FaultInvalidRequest, Message: errTooLarge.msg})
		return
	}
	if err != nil {
		fault(http.StatusBadRequest, &xmlrpc.Fault{Code: xmlrpc.FaultParse, Message: "The request could not be read."})
		return
	}
	if err := r.allowClient(ctx, req, "xmlrpc"); err != nil {
		if errors.Is(err, errRate) {
			fault(http.StatusOK, &xmlrpc.Fault{Code: faultAccessDenied, Message: errRate.msg})
			return
		}
		r.log().ErrorContext(ctx, "linkback: xmlrpc failed", "err", err)
		writeXML(w, http.StatusOK, xmlrpc.EncodeFault(&xmlrpc.Fault{Code: faultGeneric,
			Message: "The server could not take this just now. Please try again later."}))
		return
	}
	call, err := xmlrpc.ReadCall(bytes.NewReader(body))
	if err != nil {
		var f *xmlrpc.Fault
		if !errors.As(err, &f) {
			f = &xmlrpc.Fault{Code: xmlrpc.FaultParse, Message: "The request is not an XML-RPC call."}
		}
		fault(http.StatusOK, f)
		return
	}
	method = call.Method
	fn := r.Methods()[call.Method]
	if fn == nil {
		fault(http.StatusOK, &xmlrpc.Fault{Code: xmlrpc.FaultUnknownMethod,
			Message: "server error. requested method " + call.Method + " does not exist."})
		return
	}
	v, err := fn(ctx, req, call.Params)
	if err != nil {
		var f *xmlrpc.Fault
		if rf, ok := asRefusal(err); ok {
			f, detail = &xmlrpc.Fault{Code: rf.code, Message: rf.msg}, rf.detail
		} else if !errors.As(err, &f) {
			r.log().ErrorContext(ctx, "linkback: xmlrpc method failed", "method", method, "err", err)
			writeXML(w, http.StatusOK, xmlrpc.EncodeFault(&xmlrpc.Fault{Code: faultGeneric,
				Message: "The server could not take this just now. Please try again later."}))
			return
		}
		fault(http.StatusOK, f)
		return
	}
	out, err := xmlrpc.EncodeResponse(v)
	if err != nil {
		r.log().ErrorContext(ctx, "linkback: xmlrpc response", "method", method, "err", err)
		out = xmlrpc.EncodeFault(&xmlrpc.Fault{Code: xmlrpc.FaultInternal, Message: "The response could not be written."})
	}
	writeXML(w, http.StatusOK, out)
}

// writeXML answers with an XML document.
func writeXML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/xml; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
