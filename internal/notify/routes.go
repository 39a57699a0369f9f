package notify

import (
	"context"
	"net/http"

	"github.com/quirehq/quire/internal/store"
)

// Routes registers the reader-facing pages that comment mail links to:
// follow-up confirmation, unsubscribe per post and from all, and the
// moderation actions of author mails. Each GET shows a page with a button
// and changes nothing (mail scanners follow links); the button POSTs. The
// unsubscribe POST also serves RFC 8058 one-click requests, which come
// without cookies or a form token.
func (n *Notifier) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /comments/confirm/{token}", n.confirmShow)
	mux.HandleFunc("POST /comments/confirm/{token}", n.confirmDo)
	mux.HandleFunc("GET /comments/unsubscribe/{token}", n.unsubscribeShow)
	mux.HandleFunc("POST /comments/unsubscribe/{token}", n.unsubscribeDo)
	mux.HandleFunc("GET /comments/unsubscribe-all/{token}", n.unsubscribeAllShow)
	mux.HandleFunc("POST /comments/unsubscribe-all/{token}", n.unsubscribeAllDo)
	mux.HandleFunc("GET /comments/moderate/{id}/{action}", n.moderateShow)
	mux.HandleFunc("POST /comments/moderate/{id}/{action}", n.moderateDo)
}

// postLink returns a link to the post of sub, or none when it cannot be
// read.
func (n *Notifier) postLink(ctx context.Context, sub *store.CommentSubscription) []actionLink {
	post, err := n.Store.Post(ctx, sub.PostID)
	if err != nil {
		return nil
	}
	set, _, err := n.Site.Current(ctx)
	if err != nil {
		return nil
	}
	return []actionLink{{Label: "Back to “" + post.Title + "”", URL: set.PostURL(post)}}
}
