package wpimport_test

import (
	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/markup"
)

func markupPrepare(p *blog.Post) error { return markup.Prepare(p) }
