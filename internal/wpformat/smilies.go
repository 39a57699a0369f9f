package wpformat

import (
	"sort"
	"strings"
)

// smilies are WordPress's text smilies and the emoji convert_smilies()
// shows for them (its default "use smilies" setting is on). ":mrgreen:",
// the one that is an image on WordPress's own server, is left as text.
var smilies = map[string]string{
	":neutral:": "😐", ":twisted:": "😈", ":arrow:": "➡", ":shock:": "😯", ":smile:": "🙂",
	":???:": "😕", ":cool:": "😎", ":evil:": "👿", ":grin:": "😀", ":idea:": "💡", ":oops:": "😳",
	":razz:": "😛", ":roll:": "🙄", ":wink:": "😉", ":cry:": "😥", ":eek:": "😮", ":lol:": "😆",
	":mad:": "😡", ":sad:": "🙁", "8-)": "😎", "8-O": "😯", ":-(": "🙁", ":-)": "🙂", ":-?": "😕",
	":-D": "😀", ":-P": "😛", ":-o": "😮", ":-x": "😡", ":-|": "😐", ";-)": "😉", "8O": "😯",
	":(": "🙁", ":)": "🙂", ":?": "😕", ":D": "😀", ":P": "😛", ":o": "😮", ":x": "😡", ":|": "😐",
	";)": "😉", ":!:": "❗", ":?:": "❓",
}

// smileyKeys are the smilies, longest first.
var smileyKeys = func() []string {
	keys := make([]string, 0, len(smilies))
	for k := range smilies {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return len(keys[i]) > len(keys[j]) || len(keys[i]) == len(keys[j]) && keys[i] < keys[j]
	})
	return keys
}()

// Smilies is WordPress's convert_smilies(): a text smiley standing between
// spaces (or at a line's start or end) becomes its emoji, outside HTML tags
// and never inside code, pre, style, script or textarea.
func Smilies(s string) string {
	if !strings.ContainsAny(s, ":;8") {
		return s
	}
	var b strings.Builder
	ignore := ""
	for i := 0; i < len(s); {
		// A tag runs from '<' to the next '>'; a '<' without one is text.
		j := i
		for j < len(s) {
			k := strings.IndexByte(s[j:], '<')
			if k < 0 {
				j = len(s)
				break
			}
			j += k
			if strings.IndexByte(s[j:], '>') >= 0 {
				break
			}
			j = len(s)
		}
		if j > i {
			// Like WordPress, a run of text that starts with an unclosed
			// '<' is taken for a tag and left alone.
			if ignore == "" && s[i] != '<' {
				b.WriteString(replaceSmilies(s[i:j]))
			} else {
				b.WriteString(s[i:j])
			}
		}
		if j == len(s) {
			break
		}
		end := j + strings.IndexByte(s[j:], '>') + 1
		tag := s[j:end]
		if ignore == "" {
			for _, name := range []string{"code", "pre", "style", "script", "textarea"} {
				if strings.HasPrefix(tag[1:], name) {
					ignore = name
					break
				}
			}
		} else if tag == "</"+ignore+">" {
			ignore = ""
		}
		b.WriteString(tag)
		i = end
	}
	return b.String()
}

// lineStartBefore reports whether s[i] is at the start of s or of a line.
func lineStartBefore(s string, i int) bool { return i == 0 || s[i-1] == '\n' }

// lineEndAt reports whether s[i] is at the end of s or of a line.
func lineEndAt(s string, i int) bool { return i == len(s) || s[i] == '\n' }

// replaceSmilies replaces the smilies in a run of text.
func replaceSmilies(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != ':' && c != ';' && c != '8' {
			continue
		}
		if !lineStartBefore(s, i) && !spaceBefore(s, i) {
			continue
		}
		for _, k := range smileyKeys {
			if strings.HasPrefix(s[i:], k) && (lineEndAt(s, i+len(k)) || spaceAt(s, i+len(k))) {
				b.WriteString(s[last:i])
				b.WriteString(smilies[k])
				last = i + len(k)
				i = last - 1
				break
			}
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// CapitalPDangit is WordPress's capital_P_dangit() for content: "Wordpress"
// after a space, an opening quote, a tag or a parenthesis is spelt
// "WordPress".
func CapitalPDangit(s string) string {
	if !strings.Contains(s, "Wordpress") {
		return s
	}
	for _, p := range []string{" ", "&#8216;", "&#8220;", ">", "("} {
		s = strings.ReplaceAll(s, p+"Wordpress", p+"WordPress")
	}
	return s
}
