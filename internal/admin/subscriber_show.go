package admin

import (
	"net/http"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/store"
)

// subscriberData is what one subscriber's page shows.
type subscriberData struct {
	Sub      *blog.Subscriber
	Events   []blog.SubscriberEvent
	Issues   map[int64]string // subjects of the issues the history names
	Statuses []blog.SubscriberStatus
	// Confirm is "anonymize" or "delete" while asking to confirm an
	// erase, with what would go.
	Confirm  string
	Comments int
}

// subscriberShow shows one subscriber: status, consent, history, and the
// forms to change the status or erase them.
func (h *Handler) subscriberShow(w http.ResponseWriter, r *http.Request, u *blog.User) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showSubscriber(w, r, http.StatusOK, id, "", nil)
}

// showSubscriber renders subscriber id's page.
func (h *Handler) showSubscriber(w http.ResponseWriter, r *http.Request, status int, id int64, confirm string, fe blog.FieldErrors) {
	ctx := r.Context()
	sub, err := h.Store.Subscriber(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := subscriberData{Sub: sub, Statuses: blog.SubscriberStatuses, Issues: map[int64]string{}, Confirm: confirm}
	if d.Events, err = h.Store.SubscriberEvents(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, ev := range d.Events {
		if ev.IssueID != 0 {
			if _, seen := d.Issues[ev.IssueID]; !seen {
				if is, err := h.Store.Issue(ctx, ev.IssueID); err == nil {
					d.Issues[ev.IssueID] = is.Subject
				}
			}
		}
	}
	if confirm != "" {
		d.Comments, err = h.countCommentsByEmail(r, sub.Email)
		if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, status, "subscriber", &view{Title: sub.Email, Section: "subscribers", Errors: fe, D: d})
}

// countCommentsByEmail counts the comments of every status whose author
// email is email: what an erase would anonymize or delete.
func (h *Handler) countCommentsByEmail(r *http.Request, email string) (int, error) {
	_, total, err := h.Store.ListComments(r.Context(), store.CommentFilter{Email: email, Limit: 1})
	return total, err
}
