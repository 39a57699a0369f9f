package notify

import (
	"net/http"

	"github.com/quirehq/quire/internal/site"
)

// confirmShow asks the reader to confirm follow-up comments with a button;
// opening the link alone confirms nothing.
func (n *Notifier) confirmShow(w http.ResponseWriter, r *http.Request) {
	sub, err := n.Store.CommentSubscriptionByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		n.fail(w, r, err)
		return
	}
	if !sub.ConfirmedAt.IsZero() {
		n.show(w, r, http.StatusOK, page{Title: "You already follow this discussion",
			Paragraphs: []string{"You get an email for each new comment on “" + sub.PostTitle + "”. Nothing more to do."},
			Links:      n.postLink(r.Context(), sub)})
		return
	}
	n.show(w, r, http.StatusOK, page{Title: "Confirm follow-up comments",
		Paragraphs: []string{"You asked to get an email for each new comment on “" + sub.PostTitle + "”. " +
			"Press the button to confirm. You do this once: later requests from this address start at once, " +
			"and every email has a link to stop them."},
		Form: &form{Button: "Yes, email me new comments"}})
}

// confirmDo confirms the address of the subscription (double opt-in).
func (n *Notifier) confirmDo(w http.ResponseWriter, r *http.Request) {
	sub, err := n.Store.ConfirmCommentSubscriber(r.Context(), r.PathValue("token"), n.now())
	if err != nil {
		n.fail(w, r, err)
		return
	}
	links := append(n.postLink(r.Context(), sub),
		actionLink{Label: "Stop emails about this post", URL: site.PathFor(r, "/comments/unsubscribe/"+sub.Token)})
	n.show(w, r, http.StatusOK, page{Title: "Thank you: you follow this discussion",
		Paragraphs: []string{"You will get an email for each new comment on “" + sub.PostTitle + "”. " +
			"Every one has a link to stop them."},
		Links: links})
}
