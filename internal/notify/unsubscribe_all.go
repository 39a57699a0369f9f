package notify

import (
	"net/http"
)

// unsubscribeAllShow offers to stop every follow-up mail to the address.
func (n *Notifier) unsubscribeAllShow(w http.ResponseWriter, r *http.Request) {
	if _, err := n.Store.CommentSubscriptionByToken(r.Context(), r.PathValue("token")); err != nil {
		n.fail(w, r, err)
		return
	}
	n.show(w, r, http.StatusOK, page{Title: "Stop all follow-up emails?",
		Paragraphs: []string{"Press the button and this site sends no more emails about new comments to your address, " +
			"on any post. Ticking “Notify me of follow-up comments” later will not start them again."},
		Form: &form{Button: "Stop all follow-up emails"}})
}

// unsubscribeAllDo stops every follow-up mail to the address and forgets
// its subscriptions.
func (n *Notifier) unsubscribeAllDo(w http.ResponseWriter, r *http.Request) {
	sub, err := n.Store.UnsubscribeAllComments(r.Context(), r.PathValue("token"), n.now())
	if err != nil {
		n.fail(w, r, err)
		return
	}
	n.show(w, r, http.StatusOK, page{Title: "You are unsubscribed from all follow-ups",
		Paragraphs: []string{"You will get no more emails about new comments from this site, on any post."},
		Links:      n.postLink(r.Context(), sub)})
}
