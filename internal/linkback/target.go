package linkback

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// Refusals of a target.
var (
	errNotPost     = refuse(faultTargetUnusable, "The target is not a post: only posts take linkbacks.")
	errMissing     = refuse(faultTargetMissing, "The target does not exist.")
	errPingsClosed = refuse(faultTargetUnusable, "Linkbacks are closed on this post.")
)

// archiveRoots are first path segments that name lists, never a post.
var archiveRoots = map[string]bool{"tag": true, "category": true, "author": true, "feed": true, "page": true,
	"comments": true, "search": true, "wp-admin": true, "admin": true}

// targetPost returns the post a target URL names, when it takes
// linkbacks: a URL of this site (the host of its base URL, either scheme)
// whose path the reader pages answer with a published post (or redirect
// to one), whose pings are open. Otherwise it returns a refusal: 33 for a
// URL of another site, a list or a page rather than a post, or a post
// with pings closed; 32 for a path that names nothing readers can see
// (drafts and private posts included, so nothing is revealed).
func (r *Receiver) targetPost(ctx context.Context, set *site.Settings, target *url.URL) (*blog.Post, error) {
	base, err := url.Parse(set.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("linkback: base URL: %w", err)
	}
	if normalize(base).Host != target.Host {
		return nil, refuse(faultTargetUnusable, "The target is not on this site.")
	}
	path := target.Path
	prefix := strings.TrimSuffix(base.Path, "/")
	if prefix != "" {
		if path != prefix && !strings.HasPrefix(path, prefix+"/") {
			return nil, refuse(faultTargetUnusable, "The target is not on this site.")
		}
		path = strings.TrimPrefix(path, prefix)
	}
	return r.postAt(ctx, path)
}

// postAt returns the post a reader path names, as targetPost says.
func (r *Receiver) postAt(ctx context.Context, path string) (*blog.Post, error) {
	notPost, missing := errNotPost, errMissing
	segs := strings.FieldsFunc(path, func(r rune) bool { return r == '/' })
	if len(segs) == 0 {
		return nil, notPost
	}
	if archiveRoots[segs[0]] {
		return nil, notPost
	}
	for _, s := range segs {
		if s == "." || s == ".." {
			return nil, missing
		}
	}
	ref, dated := blog.ParseDatePath(segs)
	if dated && ref.Slug == "" {
		return nil, notPost // a date archive
	}
	slug := segs[len(segs)-1]
	p, err := r.Store.PostBySlug(ctx, slug)
	if errors.Is(err, blog.ErrNotFound) {
		p, err = r.Store.PostByOldSlug(ctx, slug)
	}
	switch {
	case errors.Is(err, blog.ErrNotFound):
		return nil, missing
	case err != nil:
		return nil, fmt.Errorf("linkback: target: %w", err)
	}
	if !p.IsPublic(r.now()) {
		return nil, missing
	}
	if p.Type != blog.TypePost {
		return nil, notPost
	}
	// The reader pages find a post from a one-segment path or a dated
	// one (and redirect either to its permalink); any other path with its
	// slug at the end names something else.
	if len(segs) > 1 && !dated {
		return nil, missing
	}
	if p.PingsClosed {
		return nil, errPingsClosed
	}
	return p, nil
}
