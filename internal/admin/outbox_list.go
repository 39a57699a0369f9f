package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// outboxData is what the outbox page shows.
type outboxData struct {
	Messages []store.OutboxMessage
	TestTo   string
	Result   string // outcome of a test email
	Failed   bool
}

// outboxList lists the emails kept in the development outbox, newest first,
// with the "send test email" form.
func (h *Handler) outboxList(w http.ResponseWriter, r *http.Request, u *blog.User) {
	h.showOutbox(w, r, http.StatusOK, outboxData{TestTo: u.Email})
}

// showOutbox renders the outbox page with d's form state.
func (h *Handler) showOutbox(w http.ResponseWriter, r *http.Request, status int, d outboxData) {
	msgs, err := h.Store.Outbox(r.Context(), 200)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d.Messages = msgs
	var fe blog.FieldErrors
	if d.Failed && d.Result == "" {
		fe = blog.FieldErrors{"to": "Enter a valid email address, like name@example.com."}
	}
	h.render(w, r, status, "outbox_list", &view{Title: "Outbox", Section: "outbox", Errors: fe, D: d})
}
