package deliver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// WebhookPath receives bounces and complaints a mail relay reports after
// it accepted a message.
const WebhookPath = "/newsletter/webhook"

// maxWebhookBody bounds a webhook request's body.
const maxWebhookBody = 8 << 10

// Routes registers the bounce and complaint webhook.
func (e *Engine) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+WebhookPath, e.webhook)
}

// webhookEvent is what a relay posts.
type webhookEvent struct {
	Email string `json:"email"`
	Type  string `json:"type"` // bounce | complaint
	Hard  bool   `json:"hard"`
}

// webhook takes a bounce or complaint: POST /newsletter/webhook with
// "Authorization: Bearer SECRET" (the newsletter's webhook secret; none
// set: the address does not exist) and {"email", "type", "hard"}. A hard
// bounce counts toward the bounce limit and marks the subscriber's last
// message bounced; a soft one is only noted in their history; a complaint
// sets them complained (nothing more is ever sent to them). The secret is
// checked before the body is read.
func (e *Engine) webhook(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	set, _, err := e.Site.Current(ctx)
	if err != nil {
		e.webhookFail(w, r, err)
		return
	}
	secret := set.Newsletter.WebhookSecret
	if secret == "" {
		http.NotFound(w, r)
		return
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	got, want := sha256.Sum256([]byte(strings.TrimSpace(token))), sha256.Sum256([]byte(secret))
	if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer realm="newsletter webhook"`)
		webhookJSON(w, http.StatusUnauthorized, map[string]any{"error": "missing or wrong bearer token"})
		return
	}
	if r.ContentLength > maxWebhookBody {
		webhookJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": "the body is larger than 8 KiB"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		webhookJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": "the body is larger than 8 KiB"})
		return
	}
	if err != nil {
		webhookJSON(w, http.StatusBadRequest, map[string]any{"error": "the body could not be read"})
		return
	}
	var ev webhookEvent
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(&ev); err != nil || dec.More() {
		webhookJSON(w, http.StatusBadRequest, map[string]any{"error": `the body must be one JSON object: {"email": "…", "type": "bounce" or "complaint", "hard": true or false}`})
		return
	}
	var problems []string
	email := blog.NormalizeEmail(ev.Email)
	if !blog.ValidEmail(email) {
		problems = append(problems, "email is not an email address")
	}
	if ev.Type != "bounce" && ev.Type != "complaint" {
		problems = append(problems, `type must be "bounce" or "complaint"`)
	}
	if len(problems) > 0 {
		webhookJSON(w, http.StatusBadRequest, map[string]any{"error": strings.Join(problems, "; ")})
		return
	}
	sub, err := e.Store.SubscriberByEmail(ctx, email)
	if errors.Is(err, blog.ErrNotFound) {
		// Nothing to change, and nothing for the relay to retry.
		webhookJSON(w, http.StatusOK, map[string]any{"ok": true, "known": false})
		return
	}
	if err != nil {
		e.webhookFail(w, r, err)
		return
	}
	if sub, err = e.report(r, sub, ev, set.Newsletter.BounceLimit); err != nil {
		e.webhookFail(w, r, err)
		return
	}
	webhookJSON(w, http.StatusOK, map[string]any{"ok": true, "known": true, "status": sub.Status})
}

// report records ev about sub, and returns sub as it is then.
func (e *Engine) report(r *http.Request, sub *blog.Subscriber, ev webhookEvent, limit int) (*blog.Subscriber, error) {
	ctx := r.Context()
	now := e.Now()
	var issueID int64
	last, err := e.Store.LastDeliveryTo(ctx, sub.ID)
	switch {
	case err == nil:
		issueID = last.IssueID
	case !errors.Is(err, blog.ErrNotFound):
		return nil, err
	}
	var out *blog.Subscriber
	err = e.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		switch {
		case ev.Type == "complaint":
			out, _, err = tx.ChangeSubscriber(ctx, sub.ID, store.SubscriberChange{Status: blog.SubscriberComplained,
				Event: blog.SubscriberEvent{Kind: blog.EventComplained, Detail: "marked a message as spam (reported by the mail relay)",
					IssueID: issueID}, Always: true, Now: now})
		case ev.Hard:
			if last != nil {
				if _, err := tx.SetDeliveryState(ctx, last.IssueID, sub.ID, []blog.DeliveryState{blog.DeliverySent, blog.DeliverySending},
					blog.DeliveryBounced, "hard bounce reported by the mail relay", now); err != nil {
					return err
				}
			}
			out, err = tx.AddSubscriberBounce(ctx, sub.ID, limit, blog.SubscriberEvent{Kind: blog.EventBounced,
				Detail: "hard bounce reported by the mail relay", IssueID: issueID, At: now})
		default:
			out = sub
			err = tx.AddSubscriberEvent(ctx, blog.SubscriberEvent{SubscriberID: sub.ID, At: now, Kind: blog.EventBounced,
				Detail: "soft bounce reported by the mail relay (not counted)", IssueID: issueID})
		}
		return err
	})
	return out, err
}

func (e *Engine) webhookFail(w http.ResponseWriter, r *http.Request, err error) {
	e.Logger.ErrorContext(r.Context(), "newsletter: webhook failed", "err", err)
	webhookJSON(w, http.StatusInternalServerError, map[string]any{"error": "the report could not be recorded; try again later"})
}

func webhookJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("newsletter: webhook answer", "err", err)
	}
}
