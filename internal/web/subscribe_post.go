package web

import (
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/clientip"
	"github.com/quirehq/quire/internal/newsletter"
)

// signupAnswer is the JSON the signup box's script gets.
type signupAnswer struct {
	OK      bool              `json:"ok"`
	Message string            `json:"message"`
	Errors  map[string]string `json:"errors,omitempty"`
	Token   string            `json:"token,omitempty"` // a fresh token, when the form's had gone stale
}

// subscribePost takes a signup from the box on any page or from
// /subscribe/ (POST /subscribe/). Accepted — whether or not the address
// was known — the answer is the same "Check your inbox to confirm". A
// problem with what was typed shows the form again with it and every
// problem beside its field. The box's script asks for JSON and shows the
// answer in place; without it the answer is the /subscribe/ page.
func (h *Handler) subscribePost(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if h.Newsletter == nil || h.Comments == nil {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	ctx := r.Context()
	st, _, _, err := h.current(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := r.PostForm
	source := blog.SourcePage
	if f.Get(fieldSignupSource) == blog.SourceBox {
		source = blog.SourceBox
	}
	req := newsletter.SignupRequest{Email: f.Get(fieldSignupEmail), Name: f.Get(fieldSignupName), Source: source,
		Detail: refererPath(r), Token: f.Get(fieldSignupToken), Honeypot: f.Get(fieldSignupHoneypot),
		IPBucket: clientip.BucketFrom(r)}
	err = h.Newsletter.Signup(ctx, h.Comments, req)

	form := h.signupForm(ctx, st, blog.SourcePage)
	if form == nil {
		h.fail(w, r, blog.ErrNotFound)
		return
	}
	form.Email, form.Name = req.Email, req.Name
	status, ans := http.StatusOK, signupAnswer{OK: true, Message: newsletter.SignupDone}
	if fe, ok := blog.AsValidation(err); ok {
		status, ans = http.StatusUnprocessableEntity, signupAnswer{Message: "Please check the form: " + firstProblem(fe), Errors: fe}
		form.Errors = fe
	} else if ref, ok := newsletter.AsRefusal(err); ok {
		status, ans = http.StatusUnprocessableEntity, signupAnswer{Message: ref.Msg}
		if !ref.Stale {
			status = http.StatusTooManyRequests
		}
		ans.Token = form.Token
		form.Message = ref.Msg
	} else if err != nil {
		h.Logger.ErrorContext(ctx, "web: newsletter signup", "err", err)
		if wantsJSON(r) {
			writeJSON(w, http.StatusInternalServerError, signupAnswer{Message: "Something went wrong on our side. Please try again in a few minutes."})
			return
		}
		h.fail(w, r, err)
		return
	}
	if wantsJSON(r) {
		writeJSON(w, status, ans)
		return
	}
	if ans.OK {
		form.Done, form.Message, form.Email, form.Name = true, newsletter.SignupDone, "", ""
		form.Heading = "Check your inbox"
	}
	h.showSubscribe(w, r, status, form)
}

// firstProblem names the first problem of a form, for a one-line answer.
func firstProblem(fe blog.FieldErrors) string {
	for _, k := range []string{fieldSignupEmail, fieldSignupName} {
		if m, ok := fe[k]; ok {
			return m
		}
	}
	return "some fields need your attention."
}

// refererPath is the path of the page a form was sent from, when it is
// this site's (for the subscriber's history), else "".
func refererPath(r *http.Request) string {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Host != r.Host || len(u.Path) > 200 {
		return ""
	}
	return u.Path
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "Something went wrong.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
