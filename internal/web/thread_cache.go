package web

import (
	"context"
	"html/template"
	"sync"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// threadCache keeps each post's rendered comment pages: the comment list
// and its page navigation, which are the same for every reader. Personal
// pages (a form filled from the reader's cookie, a logged-in user, a
// refused form) render only their own parts and reuse these, so a long
// discussion costs its template work once per content version, not once
// per request. An entry is good for its content version, theme and at most
// pageCacheTTL, like the page cache; whether comments are open (which
// depends on the clock) is part of the key. A page showing a reader their
// own held comment is never kept here: the held comment changes the
// thread, and its paging, for that reader alone.
//
// Unlike the page cache it is used even with Deps.NoPageCache: it holds no
// whole response, only a part that cannot differ between readers.
//
// It also keeps each post's approved comments (the count, the dates and
// the names the reply form needs) for the same version, so a hit costs no
// query: every store write to a comment advances the content version.
type threadCache struct {
	mu      sync.Mutex
	entries map[threadKey]*threadPart
	lists   map[int64]*commentList
	size    int
}

// commentList is one post's approved comments, oldest first. The slice is
// shared between requests: nothing may change it.
type commentList struct {
	version int64
	at      time.Time
	list    []blog.Comment
	cost    int
}

// threadKey names one comment page of one post.
type threadKey struct {
	postID int64
	page   int
	open   bool // reply links are shown only while comments are open
}

// threadPart is one rendered comment page. Its views are shared between
// requests: nothing may change them.
type threadPart struct {
	version    int64
	theme      string
	at         time.Time
	pages      int
	thread     []*commentView
	mentions   []*commentView
	reactions  []reactionGroup
	prev, next string
	html       template.HTML
	// photoOrigins are the sites the part's linkback photos come from, for
	// the page's Content-Security-Policy.
	photoOrigins []string
	cost         int // bytes counted against threadCacheMaxBytes
}

const (
	threadCacheMaxBytes = 32 << 20
	threadCacheMaxPart  = 2 << 20
	// threadViewCost estimates the memory of one comment's view beyond its
	// HTML, for the cache's bound.
	threadViewCost = 512
)

// get returns the comment page for key if it is still good.
func (c *threadCache) get(key threadKey, version int64, theme string, now time.Time) *threadPart {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil || e.version != version || e.theme != theme || !fresh(e.at, now) {
		return nil
	}
	return e
}

// fresh reports whether an entry made at is young enough to serve at now.
func fresh(at, now time.Time) bool {
	return !now.Before(at) && now.Sub(at) <= pageCacheTTL
}

// put keeps a comment page.
func (c *threadCache) put(key threadKey, e *threadPart) {
	e.cost = len(e.html) + threadViewCost*(countViews(e.thread)+len(e.mentions))
	for _, g := range e.reactions {
		e.cost += threadViewCost * len(g.Items)
	}
	if e.cost > threadCacheMaxPart {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.makeRoom(e.cost)
	if old := c.entries[key]; old != nil {
		c.size -= old.cost
	}
	c.entries[key] = e
	c.size += e.cost
}

// makeRoom empties the cache when cost more bytes would not fit: it starts
// over rather than track recency, as the page cache does. The caller holds
// mu.
func (c *threadCache) makeRoom(cost int) {
	if c.entries == nil || c.size+cost > threadCacheMaxBytes {
		c.entries, c.lists, c.size = map[threadKey]*threadPart{}, map[int64]*commentList{}, 0
	}
}

// approvedComments returns the approved comments of post postID, oldest
// first, as of content version ver. The result is shared: callers must not
// change it.
func (h *Handler) approvedComments(ctx context.Context, ver int64, postID int64) ([]blog.Comment, error) {
	c := &h.threads
	now := h.Now()
	c.mu.Lock()
	e := c.lists[postID]
	c.mu.Unlock()
	if e != nil && e.version == ver && fresh(e.at, now) {
		return e.list, nil
	}
	list, err := h.Store.PostComments(ctx, postID)
	if err != nil {
		return nil, err
	}
	e = &commentList{version: ver, at: now, list: list}
	for i := range list {
		cm := &list[i]
		e.cost += threadViewCost + len(cm.Content) + len(cm.ContentHTML) + len(cm.AuthorName) + len(cm.AuthorEmail) +
			len(cm.AuthorURL) + len(cm.AuthorIP) + len(cm.UserAgent) + len(cm.PostTitle) + len(cm.PostSlug) +
			len(cm.SourceURL) + len(cm.SourceTitle) + len(cm.AuthorPhoto)
	}
	if e.cost <= threadCacheMaxPart {
		c.mu.Lock()
		c.makeRoom(e.cost)
		if old := c.lists[postID]; old != nil {
			c.size -= old.cost
		}
		c.lists[postID] = e
		c.size += e.cost
		c.mu.Unlock()
	}
	return list, nil
}

// countViews counts the comments in a thread, replies included.
func countViews(list []*commentView) int {
	n := len(list)
	for _, v := range list {
		n += countViews(v.Replies)
	}
	return n
}
