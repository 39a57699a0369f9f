package linkback

import (
	"context"
	"errors"
	"html"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
)

// Trackback takes a trackback: POST {permalink}trackback/ with the form
// fields url (required), title, excerpt and blog_name, answered with
// Trackback's XML (<error>0</error>, or 1 with a message). The fields are
// read in the charset the request names (its Content-Type's charset, else
// a charset field, as WordPress reads it) and converted to UTF-8; UTF-7
// is refused. Nothing is fetched, as WordPress fetches nothing for a
// trackback, but it is rate-limited and moderated as every linkback is.
func (r *Receiver) Trackback(w http.ResponseWriter, req *http.Request) {
	ctx := req.Context()
	if err := r.trackback(ctx, w, req); err != nil {
		rf, ok := asRefusal(err)
		if !ok {
			r.log().ErrorContext(ctx, "linkback: trackback failed", "path", req.URL.Path, "err", err)
			rf = refuse(faultGeneric, "The trackback could not be taken just now. Please try again later.")
		} else {
			r.log().InfoContext(ctx, "trackback refused", "path", req.URL.Path, "reason", rf.msg,
				"ip", clientip.From(req))
		}
		trackbackResponse(w, rf.msg)
		return
	}
	trackbackResponse(w, "")
}

func (r *Receiver) trackback(ctx context.Context, w http.ResponseWriter, req *http.Request) error {
	if req.Method != http.MethodPost {
		return refuse(faultGeneric, "Trackbacks are sent with POST.")
	}
	body, err := readBody(w, req)
	if errors.Is(err, errTooLarge) {
		return err
	}
	if err != nil {
		return refuse(faultGeneric, "The trackback could not be read.")
	}
	if err := r.allowClient(ctx, req, "trackback"); err != nil {
		return err
	}
	form, err := trackbackForm(req.Header.Get("Content-Type"), body)
	if err != nil {
		return err
	}
	source, ok := parseURL(form.url)
	if !ok {
		if strings.TrimSpace(form.url) == "" {
			return refuse(faultGeneric, "A trackback needs the url of the page that links here.")
		}
		return refuse(faultGeneric, "The url is not an http or https URL.")
	}
	post, err := r.postAt(ctx, strings.TrimSuffix(req.URL.Path, TrackbackSuffix))
	switch {
	case errors.Is(err, errPingsClosed):
		return refuse(faultTargetUnusable, "Sorry, trackbacks are closed for this item.")
	case errors.Is(err, errNotPost), errors.Is(err, errMissing):
		return refuse(faultTargetMissing, "There is no post at this address to take a trackback.")
	case err != nil:
		return err
	}
	switch _, err := r.Store.LinkbackBySource(ctx, post.ID, source.String()); {
	case err == nil:
		return refuse(faultRegistered, "We already have a ping from that URL for this post.")
	case !errors.Is(err, blog.ErrNotFound):
		return err
	}
	c := newLinkback(blog.TypeTrackback, post, source, r.senderOf(req))
	// As the Trackback specification says, a missing title is the URL.
	title := plainText(form.title)
	if title == "" {
		title = source.String()
	}
	c.SourceTitle = clip(title, maxTitle)
	c.AuthorName = clip(plainText(form.blogName), maxName)
	if c.AuthorName == "" {
		c.AuthorName = source.Hostname()
	}
	setText(c, clip(plainText(form.excerpt), 252))
	if err := r.store(ctx, post, c); err != nil {
		if errors.Is(err, errExists) {
			return refuse(faultRegistered, "We already have a ping from that URL for this post.")
		}
		return err
	}
	r.log().InfoContext(ctx, "trackback stored", "source", c.SourceURL, "post", post.ID, "comment", c.ID,
		"status", c.Status)
	return nil
}

// tbForm is a trackback's fields, in UTF-8.
type tbForm struct {
	url, title, excerpt, blogName string
}

// trackbackForm reads a trackback's urlencoded body in the charset named
// by its Content-Type (else by its charset field; else UTF-8 when the
// text is valid UTF-8, and Windows-1252, which ISO-8859-1 senders mean,
// when it is not).
func trackbackForm(contentType string, body []byte) (*tbForm, error) {
	mt, params, _ := mime.ParseMediaType(contentType)
	if mt != "" && mt != "application/x-www-form-urlencoded" {
		return nil, refuse(faultGeneric, "Send the trackback as a form (application/x-www-form-urlencoded).")
	}
	vals, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, refuse(faultGeneric, "The trackback's form encoding is not valid.")
	}
	charset := params["charset"]
	if charset == "" {
		charset = vals.Get("charset")
	}
	enc, err := charsetEncoding(charset, vals)
	if err != nil {
		return nil, err
	}
	f := &tbForm{}
	for _, fld := range []struct {
		key string
		dst *string
	}{{"url", &f.url}, {"title", &f.title}, {"excerpt", &f.excerpt}, {"blog_name", &f.blogName}} {
		v := vals.Get(fld.key)
		if enc != nil {
			if v, err = enc.NewDecoder().String(v); err != nil {
				return nil, refuse(faultGeneric, "The trackback's text is not in the charset it names.")
			}
		}
		if !utf8.ValidString(v) {
			return nil, refuse(faultGeneric, "The trackback's text is not valid in the charset it names.")
		}
		*fld.dst = v
	}
	return f, nil
}

// charsetEncoding returns the decoder of the charset a trackback names
// (nil for UTF-8). UTF-7 is refused, as WordPress refuses it: nothing
// sends it honestly, and it hides markup from filters.
func charsetEncoding(charset string, vals url.Values) (encoding.Encoding, error) {
	name := strings.ToLower(strings.Trim(strings.TrimSpace(charset), `"`))
	name = strings.ReplaceAll(name, " ", "")
	if strings.Contains(name, "utf-7") || strings.Contains(name, "utf7") {
		return nil, refuse(faultGeneric, "UTF-7 is not accepted: send the trackback in UTF-8.")
	}
	if name == "" {
		for _, k := range []string{"url", "title", "excerpt", "blog_name"} {
			if !utf8.ValidString(vals.Get(k)) {
				return charmap.Windows1252, nil
			}
		}
		return nil, nil
	}
	if name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii" {
		return nil, nil
	}
	enc, err := htmlindex.Get(name)
	if err != nil || enc == encoding.Replacement {
		return nil, refuse(faultGeneric, "The charset "+name+" is not known here: send the trackback in UTF-8.")
	}
	return enc, nil
}

// plainText makes a sent field plain text: tags removed, entities
// decoded, spaces collapsed, as WordPress strips a trackback's fields.
func plainText(s string) string {
	var b strings.Builder
	inTag := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inTag:
			if c == '>' {
				inTag = false
				b.WriteByte(' ')
			}
		case c == '<' && looksLikeMarkup(s[i:min(i+2, len(s))]):
			inTag = true
		default:
			b.WriteByte(c)
		}
	}
	return collapse(html.UnescapeString(b.String()))
}

// trackbackResponse writes Trackback's answer: error 0, or 1 with msg.
func trackbackResponse(w http.ResponseWriter, msg string) {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<response>\n")
	if msg == "" {
		b.WriteString("<error>0</error>\n")
	} else {
		b.WriteString("<error>1</error>\n<message>" + html.EscapeString(msg) + "</message>\n")
	}
	b.WriteString("</response>\n")
	writeXML(w, http.StatusOK, []byte(b.String()))
}
