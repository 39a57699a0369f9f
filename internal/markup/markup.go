// Package markup renders Markdown to sanitised HTML.
package markup

import (
	"errors"

	"github.com/quirehq/quire/internal/blog"
)

// Render turns an author's Markdown (which may hold raw HTML) into safe
// HTML. A <!--more--> marker in the source is kept as-is in the output so
// lists can show only the part before it.
func Render(src string) (string, error) { return "", errors.New("markup: not written yet") }

// Prepare renders p.Body into p.BodyHTML.
func Prepare(p *blog.Post) error {
	html, err := Render(p.Body)
	if err != nil {
		return err
	}
	p.BodyHTML = html
	return nil
}

// PlainText strips tags from rendered HTML and collapses white space.
func PlainText(html string) string { return "" }

// Summary returns at most words words of plain text from rendered HTML,
// ending with "…" when cut.
func Summary(html string, words int) string { return "" }
