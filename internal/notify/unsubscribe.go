package notify

import (
	"net/http"

	"github.com/quirehq/quire/internal/site"
)

// unsubscribeShow offers to stop follow-up mail about one post, and links
// to stopping all of it.
func (n *Notifier) unsubscribeShow(w http.ResponseWriter, r *http.Request) {
	sub, err := n.Store.CommentSubscriptionByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		n.fail(w, r, err)
		return
	}
	n.show(w, r, http.StatusOK, page{Title: "Stop emails about this post?",
		Paragraphs: []string{"You get an email for each new comment on “" + sub.PostTitle + "”. Press the button and they stop."},
		Form:       &form{Button: "Stop emails about this post"},
		Links:      []actionLink{{Label: "Stop all follow-up emails instead", URL: site.PathFor(r, "/comments/unsubscribe-all/"+sub.Token)}}})
}

// unsubscribeDo ends the subscription. It is also the RFC 8058 one-click
// target: a mail provider POSTs List-Unsubscribe=One-Click to it, with no
// cookie and no form token, and the link's token is all it needs.
func (n *Notifier) unsubscribeDo(w http.ResponseWriter, r *http.Request) {
	sub, err := n.Store.DeleteCommentSubscription(r.Context(), r.PathValue("token"))
	if err != nil {
		n.fail(w, r, err)
		return
	}
	n.show(w, r, http.StatusOK, page{Title: "You are unsubscribed",
		Paragraphs: []string{"You will get no more emails about new comments on “" + sub.PostTitle + "”."},
		Links:      n.postLink(r.Context(), sub)})
}
