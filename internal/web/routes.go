package web

import "net/http"

// Routes registers the reader pages on mux. Fixed addresses have their own
// patterns; everything else (posts, pages, date archives, old URLs) goes
// through the permalink resolver registered at "/".
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", h.cached(h.home))
	mux.HandleFunc("GET /page/{n}/{$}", h.cached(h.home))
	mux.HandleFunc("GET /tag/{rest...}", h.cached(h.termArchive))
	mux.HandleFunc("GET /category/{rest...}", h.cached(h.termArchive))
	mux.HandleFunc("GET /author/{rest...}", h.cached(h.authorArchive))
	mux.HandleFunc("GET /feed/{rest...}", h.cached(h.siteFeed))
	mux.HandleFunc("GET /robots.txt", h.cached(h.robots))
	mux.HandleFunc("GET /sitemap.xml", h.cached(h.sitemap))
	mux.HandleFunc("GET /sitemaps/{file}", h.cached(h.sitemapFile))
	mux.HandleFunc("GET /media/{id}/{name}", h.mediaFile)
	mux.HandleFunc("GET /static/{name...}", h.staticFile)
	mux.HandleFunc("GET /favicon.ico", h.favicon)
	mux.HandleFunc("GET /share/mastodon", h.shareMastodon)
	mux.HandleFunc("POST /post-password/{$}", h.postPassword)
	mux.HandleFunc("GET /comments/feed/{rest...}", h.cached(h.siteCommentFeed))
	mux.HandleFunc("POST /wp-comments-post.php", h.commentPost)
	mux.HandleFunc("GET /avatar/{file}", h.avatar)
	mux.HandleFunc("GET /subscribe/{$}", h.cached(h.subscribeShow))
	mux.HandleFunc("POST /subscribe/{$}", h.subscribePost)
	mux.HandleFunc("GET /newsletter/{$}", h.cached(h.newsletterArchive))
	mux.HandleFunc("GET /newsletter/page/{n}/{$}", h.cached(h.newsletterArchive))
	mux.HandleFunc("GET /newsletter/feed/{$}", h.cached(h.newsletterFeed))
	mux.HandleFunc("GET /newsletter/{id}/{$}", h.cached(h.newsletterIssue))
	// The resolver takes every method, and answers 405 to all but GET and
	// HEAD itself, so method-less patterns mounted beside it ("/admin/")
	// do not conflict with it.
	mux.HandleFunc("/", h.cached(h.resolve))
}
