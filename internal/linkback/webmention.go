package linkback

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/jobs"
	"github.com/quirehq/quire/internal/store"
)

// webmention receives a Webmention (POST /webmention, form fields source
// and target). Everything that can be checked without fetching is checked
// at once: the client's rate limit, both URLs (http or https, different),
// and the target (a published post of this site whose pings are open).
// A problem is a 400 with the reason in plain text; a mention accepted is
// a 202, and the job that verifies it is written in the same transaction.
func (r *Receiver) webmention(w http.ResponseWriter, req *http.Request) {
	ctx := req.Context()
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		plain(w, http.StatusMethodNotAllowed, "This is a Webmention endpoint: POST a source and a target "+
			"(application/x-www-form-urlencoded) to tell this site that a page links to one of its posts.")
		return
	}
	refused := func(status int, reason string) {
		r.log().InfoContext(ctx, "webmention refused", "status", status, "reason", reason,
			"ip", clientip.From(req))
		plain(w, status, reason)
	}
	body, err := readBody(w, req)
	if errors.Is(err, errTooLarge) {
		refused(http.StatusRequestEntityTooLarge, "The request is too large: a webmention is a source and a target.")
		return
	}
	if err != nil {
		refused(http.StatusBadRequest, "The request body could not be read.")
		return
	}
	if err := r.allowClient(ctx, req, "webmention"); err != nil {
		if errors.Is(err, errRate) {
			w.Header().Set("Retry-After", "600")
			refused(http.StatusTooManyRequests, errRate.msg)
			return
		}
		r.failed(w, req, err)
		return
	}
	if mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		refused(http.StatusBadRequest, "Send source and target as a form (application/x-www-form-urlencoded).")
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		refused(http.StatusBadRequest, "The form could not be read: "+err.Error()+".")
		return
	}
	source, target, problems := checkPair(form.Get("source"), form.Get("target"))
	if len(problems) > 0 {
		refused(http.StatusBadRequest, strings.Join(problems, " "))
		return
	}
	set, _, err := r.Site.Current(ctx)
	if err != nil {
		r.failed(w, req, err)
		return
	}
	post, err := r.targetPost(ctx, set, target)
	if rf, ok := asRefusal(err); ok {
		refused(http.StatusBadRequest, rf.msg)
		return
	}
	if err != nil {
		r.failed(w, req, err)
		return
	}
	s := r.senderOf(req)
	job := jobs.WebmentionJob{PostID: post.ID, Source: source.String(), Target: target.String(),
		IP: s.IP, UserAgent: truncateBytes(s.UserAgent, maxUA), Received: s.At.Unix()}
	if err := r.Store.InTx(ctx, func(tx *store.Store) error {
		return r.Jobs.VerifyWebmention(ctx, tx, job)
	}); err != nil {
		r.failed(w, req, err)
		return
	}
	r.log().InfoContext(ctx, "webmention accepted", "source", job.Source, "target", job.Target, "post", post.ID)
	plain(w, http.StatusAccepted, "Accepted: the mention will be verified shortly.")
}

// checkPair checks a source and a target as a sender gave them, and
// reports every problem at once.
func checkPair(source, target string) (*url.URL, *url.URL, []string) {
	var problems []string
	src, okS := parseURL(source)
	tgt, okT := parseURL(target)
	switch {
	case strings.TrimSpace(source) == "":
		problems = append(problems, "The source is missing.")
	case !okS:
		problems = append(problems, "The source is not an http or https URL.")
	}
	switch {
	case strings.TrimSpace(target) == "":
		problems = append(problems, "The target is missing.")
	case !okT:
		problems = append(problems, "The target is not an http or https URL.")
	}
	if okS && okT && sameURL(src, tgt) {
		problems = append(problems, "The source and the target are the same page.")
	}
	return src, tgt, problems
}

// failed answers a failure of this site (the database, the queue): 503,
// try again later. It is logged.
func (r *Receiver) failed(w http.ResponseWriter, req *http.Request, err error) {
	r.log().ErrorContext(req.Context(), "linkback: request failed", "path", req.URL.Path, "err", err)
	w.Header().Set("Retry-After", "60")
	plain(w, http.StatusServiceUnavailable, "The site could not take this just now. Please try again later.")
}

// plain answers with a short plain-text message.
func plain(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(msg + "\n"))
}
