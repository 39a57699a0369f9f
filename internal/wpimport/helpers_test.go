package wpimport_test

import (
	"strconv"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/markup"
)

func markupPrepare(p *blog.Post) error { return markup.Prepare(p) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
