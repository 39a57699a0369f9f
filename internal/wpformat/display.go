package wpformat

import "strings"

// ConvertChars is WordPress's convert_chars(): an & that does not begin
// an entity becomes &#038;. Like WordPress it looks one byte past the &
// (so "&x;" is escaped, "&amp;" and "&#8217;" are not).
func ConvertChars(s string) string {
	s, _ = replaceFunc(s, '&', func(s string, i int) (int, string, bool) {
		if i+1 >= len(s) || s[i+1] == '#' {
			return 0, "", false
		}
		k := i + 2
		for k < len(s) && k-(i+2) <= 8 && isEntityNameByte(s[k]) {
			k++
		}
		if n := k - (i + 2); n >= 1 && n <= 8 && k < len(s) && s[k] == ';' {
			return 0, "", false
		}
		return i + 2, "&#038;" + s[i+1:i+2], true
	})
	return s
}

// RenderTitle shows a post's title as the_title did: wptexturize,
// convert_chars, trim and the capital P of WordPress.
func RenderTitle(title string) string {
	s := phpTrim(ConvertChars(Texturize(title)))
	return strings.ReplaceAll(s, "Wordpress", "WordPress")
}

// RenderExcerpt shows a post's hand-written excerpt as the_excerpt did:
// wptexturize, smilies, convert_chars, wpautop and shortcode_unautop.
func RenderExcerpt(excerpt string) string {
	s := Texturize(excerpt)
	s = Smilies(s)
	s = ConvertChars(s)
	s = Autop(s, true)
	return ShortcodeUnautop(s)
}
