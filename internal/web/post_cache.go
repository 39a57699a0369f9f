package web

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/quirehq/quire/internal/blog"
)

// postCache keeps posts read by slug or ID, and their neighbours, for one
// posts version (store.PostsVersion: it moves with every change but one to
// comments alone), so a busy post costs no queries beyond the version
// check, and a new comment, which changes the content version, does not
// make every post be read again. It is emptied when the posts version
// changes and at most a minute after it was started (neighbours depend on
// the clock for posts whose time comes). Nothing kept here depends on
// comments. Cached posts are shared: callers must not change them.
type postCache struct {
	mu      sync.Mutex
	version int64
	born    time.Time
	bySlug  map[string]*blog.Post
	byID    map[int64]*blog.Post
	adj     map[int64][2]*blog.Post
}

// postCacheMax bounds the entries kept for one version.
const postCacheMax = 2000

// postsVersion returns the posts version the cache is keyed by. It is read
// before the posts are, so what is kept under it is never older than it.
func (h *Handler) postsVersion(ctx context.Context) (int64, error) {
	pv, err := h.Store.PostsVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("web: posts version: %w", err)
	}
	return pv, nil
}

// reset empties the cache when it belongs to another version or is too old.
// The caller holds mu.
func (c *postCache) reset(ver int64, now time.Time) {
	if c.bySlug == nil || c.version != ver || now.Sub(c.born) >= chromeMaxAge || now.Before(c.born) ||
		len(c.bySlug)+len(c.byID)+len(c.adj) > postCacheMax {
		c.version, c.born = ver, now
		c.bySlug = map[string]*blog.Post{}
		c.byID = map[int64]*blog.Post{}
		c.adj = map[int64][2]*blog.Post{}
	}
}

// postBySlug returns the post or page whose current slug is slug. A post
// read so is kept by its ID too, for the sidebar's recent comments.
func (h *Handler) postBySlug(ctx context.Context, slug string) (*blog.Post, error) {
	ver, err := h.postsVersion(ctx)
	if err != nil {
		return nil, err
	}
	c := &h.posts
	c.mu.Lock()
	c.reset(ver, h.Now())
	p, ok := c.bySlug[slug]
	c.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err = h.Store.PostBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.version == ver {
		c.bySlug[slug] = p
		if _, ok := c.byID[p.ID]; !ok {
			c.byID[p.ID] = p
		}
	}
	c.mu.Unlock()
	return p, nil
}

// postByID returns the post or page id, any status (the sidebar's recent
// comments name their posts by ID). A post read so is kept by its slug
// too, so the page that shows it does not read it again.
func (h *Handler) postByID(ctx context.Context, id int64) (*blog.Post, error) {
	ver, err := h.postsVersion(ctx)
	if err != nil {
		return nil, err
	}
	c := &h.posts
	c.mu.Lock()
	c.reset(ver, h.Now())
	p, ok := c.byID[id]
	c.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err = h.Store.Post(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.version == ver {
		c.byID[id] = p
		if _, ok := c.bySlug[p.Slug]; !ok && p.Slug != "" {
			c.bySlug[p.Slug] = p
		}
	}
	c.mu.Unlock()
	return p, nil
}

// adjacent returns the published posts before and after p.
func (h *Handler) adjacent(ctx context.Context, p *blog.Post) (prev, next *blog.Post, err error) {
	ver, err := h.postsVersion(ctx)
	if err != nil {
		return nil, nil, err
	}
	c := &h.posts
	now := h.Now()
	c.mu.Lock()
	c.reset(ver, now)
	pair, ok := c.adj[p.ID]
	c.mu.Unlock()
	if ok {
		return pair[0], pair[1], nil
	}
	if prev, next, err = h.Store.Adjacent(ctx, p, now); err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	if c.version == ver {
		c.adj[p.ID] = [2]*blog.Post{prev, next}
	}
	c.mu.Unlock()
	return prev, next, nil
}
