// Package wpformat reproduces, in Go, what WordPress does to a post's stored
// content when it displays it, so that a post imported from WordPress reads
// exactly as it read there.
//
// WordPress stores classic-editor content without paragraph tags. On
// display, get_the_content() handles the more and nextpage tags, and the
// the_content filters run in this order: [embed] shortcodes and URLs alone
// on a line (WP_Embed), blocks (do_blocks), wptexturize (curly quotes,
// dashes, ellipses…), wpautop (paragraphs and line breaks, skipped when the
// post has blocks), shortcode_unautop, capital_P_dangit, do_shortcode and
// convert_smilies. This package has each step as a pure function
// (Texturize, Autop, RenderBlocks, ShortcodeUnautop, CapitalPDangit,
// Shortcodes, Smilies) and Render, which chains them as WordPress does.
// RenderTitle and RenderExcerpt do the same for the_title and the_excerpt.
//
// The steps follow WordPress 7.2's code rule by rule, quirks included, and
// are tested with the cases of WordPress's own wpAutop and wpTexturize
// tests. None uses a backtracking regular expression: each is a scanner or
// a Go (RE2) regular expression, and every input is bounded, so the work
// stays about linear in the size of the input whatever it holds.
//
// Where WordPress would call out (oEmbed providers, attachment lookups,
// reusable blocks), the caller supplies the answers or gets a plain
// equivalent: an embeddable URL becomes a link to it.
//
// Nothing here sanitises HTML: the output is as trusted as the input, and
// the caller sanitises it before it is shown.
package wpformat
