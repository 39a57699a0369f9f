package linkback

import "github.com/quirehq/quire/internal/blog"

func blogPost() blog.Post { return blog.Post{ID: 1, Type: blog.TypePost} }
