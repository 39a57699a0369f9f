package httpenc

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Response is a whole response kept in memory: its headers, built once,
// and its Body in every coding. Serving it allocates nothing of its own.
type Response struct {
	header  http.Header // all but ETag, Content-Length and Content-Encoding
	etags   [numCodings][]string
	body    *Body
	modTime time.Time
}

// unkept are headers a Response never replays: they belong to one
// connection or one message's transfer (net/http writes them), or to the
// coding a Response picks for each request.
var unkept = map[string]bool{"Date": true, "Content-Length": true, "Transfer-Encoding": true, "Connection": true,
	"Keep-Alive": true, "Trailer": true, "Set-Cookie": true, "Content-Encoding": true, "Etag": true,
	"Accept-Ranges": true}

// NewResponse keeps header (copied) and body as a response to serve again.
// Header's ETag, if any, is the identity form's; each compressed form
// gets its own ("-gz", "-br" before the closing quote). A body that
// compresses adds Accept-Encoding to Vary. Byte ranges are served, but
// not advertised with Accept-Ranges (optional, RFC 9110 section 14.3):
// one header fewer keeps net/http's header map of a page, security
// headers included, from growing a second time on every request.
func NewResponse(header http.Header, body *Body) *Response {
	r := &Response{header: http.Header{}, body: body}
	for k, vs := range header {
		if !unkept[k] {
			r.header[k] = slices.Clip(slices.Clone(vs))
		}
	}
	if body.Compresses() && !VariesByEncoding(header) {
		r.header["Vary"] = slices.Clip(append(slices.Clone(header["Vary"]), "Accept-Encoding"))
	}
	if et := header.Get("ETag"); et != "" {
		r.etags[Identity] = []string{et}
		if strings.HasSuffix(et, `"`) {
			r.etags[Gzip] = []string{et[:len(et)-1] + `-gz"`}
			r.etags[Brotli] = []string{et[:len(et)-1] + `-br"`}
		}
	}
	if lm := header.Get("Last-Modified"); lm != "" {
		r.modTime, _ = http.ParseTime(lm)
	}
	return r
}

// VariesByEncoding reports whether header's Vary names Accept-Encoding:
// the response was negotiated by coding already.
func VariesByEncoding(header http.Header) bool {
	for _, v := range header["Vary"] {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), "Accept-Encoding") {
				return true
			}
		}
	}
	return false
}

// Body returns the response's body.
func (r *Response) Body() *Body { return r.body }

// Header returns the response's kept headers; callers must not change it.
func (r *Response) Header() http.Header { return r.header }

// Serve answers req with the response, in the coding req accepts: 200
// with the whole body (only the headers for HEAD), 304 when If-None-Match
// names the chosen coding's ETag, and, for a Range or any other
// precondition, whatever http.ServeContent answers on the bytes of that
// coding (206, 412, 416…). The headers are set by sharing the kept
// values, never copying them: they are never changed in place (Set and
// Add replace or reallocate a value, as every handler does).
func (r *Response) Serve(w http.ResponseWriter, req *http.Request) {
	c := Identity
	if r.body.compress {
		c = Negotiate(req.Header["Accept-Encoding"])
	}
	f := r.body.form(c)
	hd := w.Header()
	for k, vs := range r.header {
		hd[k] = vs
	}
	if et := r.etags[f.coding]; et != nil {
		hd["Etag"] = et
	}
	if f.coding != Identity {
		hd["Content-Encoding"] = encodingValues[f.coding]
	}
	rh := req.Header
	if rh["Range"] != nil || rh["If-Match"] != nil || rh["If-Unmodified-Since"] != nil ||
		(rh["If-Modified-Since"] != nil && rh["If-None-Match"] == nil) {
		// Rare: let net/http weigh the preconditions and ranges. It sets
		// Content-Length itself, but for a coded whole body, so set it.
		hd["Content-Length"] = f.length
		http.ServeContent(w, req, "", r.modTime, bytes.NewReader(f.data))
		return
	}
	if inm := rh["If-None-Match"]; inm != nil && hd["Etag"] != nil && MatchETag(inm, hd["Etag"][0]) {
		delete(hd, "Content-Type")
		delete(hd, "Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	hd["Content-Length"] = f.length
	w.WriteHeader(http.StatusOK)
	if req.Method != http.MethodHead {
		_, _ = w.Write(f.data)
	}
}

var encodingValues = [numCodings][]string{Gzip: {"gzip"}, Brotli: {"br"}}

// MatchETag reports whether If-None-Match header lines name etag (or
// "*"), compared weakly (RFC 9110 section 13.1.2).
func MatchETag(lines []string, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for _, line := range lines {
		for t := range strings.SplitSeq(line, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == want {
				return true
			}
		}
	}
	return false
}
