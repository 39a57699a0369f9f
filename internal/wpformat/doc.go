// Package wpformat reproduces, in Go, what WordPress does to a post's stored
// content when it displays it, so that a post imported from WordPress reads
// exactly as it read there.
//
// WordPress stores classic-editor content without paragraph tags and, on
// display, runs it through the_content filters: [embed] shortcodes, block
// rendering (do_blocks), wptexturize (curly quotes, dashes, ellipses…),
// wpautop (paragraphs and line breaks, skipped when the post has blocks),
// shortcode_unautop and do_shortcode. This package has each step as a pure
// function (Texturize, Autop, ShortcodeUnautop, RenderBlocks, Shortcodes) and
// Render, which chains them in WordPress's order.
//
// Texturize and Autop follow WordPress's own rules step by step, including
// its quirks, and are checked against the cases of WordPress's formatting
// tests. They do not use backtracking regular expressions: every step is a
// scanner or a Go (RE2) regular expression, so the work stays linear in the
// size of the input whatever it holds.
//
// Nothing here sanitises HTML: the output is as trusted as the input, and
// the caller sanitises it before it is shown.
package wpformat
