package wpformat

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Attachment is what the shortcodes need to know of one media item, as the
// importer knows it from the export.
type Attachment struct {
	ID      int64
	URL     string // the file, full size
	Width   int    // of the full-size image, if known
	Height  int
	Page    string // the attachment page's URL
	Caption string // the attachment's excerpt, shown under it in a gallery
	Alt     string
	// Sizes holds smaller copies by size name ("thumbnail", "medium"…).
	// A size not here falls back to the full-size file.
	Sizes map[string]Image
}

// Image is one size of an image.
type Image struct {
	URL           string
	Width, Height int
}

// Media looks attachments up for the shortcodes. Both funcs may be nil.
type Media struct {
	// Attachment returns the attachment with the given WordPress ID.
	Attachment func(id int64) (Attachment, bool)
	// Attached returns the IDs of the images attached to a post, in
	// WordPress's gallery order (menu order, then ID): a [gallery] without
	// ids shows them.
	Attached func(postID int64) []int64
}

// Shortcoder turns the common WordPress shortcodes into plain HTML, the way
// do_shortcode() would with the core handlers: [caption] (and [wp_caption])
// into a figure with its figcaption, [gallery] into a grid of linked
// images, [embed]URL[/embed] into a link, [audio] and [video] into the
// media elements. Other shortcodes are left as they are. [[name]] escapes a
// shortcode, as in WordPress.
type Shortcoder struct {
	Media  Media
	PostID int64 // the post being shown, for [gallery] without ids

	ids       map[string]int // wp_unique_prefixed_id's counters
	galleries int
	names     []string // the shortcodes handled (nested ones too)
	// ignoreHTML leaves elements like <[name]> alone too, as WordPress's
	// [embed] pass does.
	ignoreHTML bool
	// dropEmbeds renders [embed] as nothing, as the_content's do_shortcode
	// does once the [embed] pass has run.
	dropEmbeds bool
}

// shortcodeNames are the shortcodes Shortcoder handles, in WordPress's
// registration order. [playlist] has no plain-HTML form and stays as text.
var shortcodeNames = []string{"wp_caption", "caption", "gallery", "audio", "video", "embed"}

// Shortcodes runs do_shortcode on s with the given media lookups.
func Shortcodes(s string, m Media, postID int64) string {
	sc := &Shortcoder{Media: m, PostID: postID}
	return sc.Do(s)
}

// Do replaces the shortcodes in s.
func (sc *Shortcoder) Do(s string) string {
	return sc.run(s, shortcodeNames)
}

// run replaces the shortcodes named in names.
func (sc *Shortcoder) run(s string, names []string) string {
	sc.names = names
	return sc.do(s, names, 0)
}

// maxShortcodeDepth bounds shortcodes nested in their own content.
const maxShortcodeDepth = 8

// shortcodeMatch is one match of get_shortcode_regex().
type shortcodeMatch struct {
	src             string // the matched text
	start, end      int
	escOpen, escEnd bool // the [[ ]] of an escaped shortcode
	name, attrs     string
	selfClosing     bool
	content         string
	enclosing       bool
}

func (sc *Shortcoder) do(s string, names []string, depth int) string {
	if depth > maxShortcodeDepth || !strings.Contains(s, "[") {
		return s
	}
	names = presentShortcodes(s, names)
	if len(names) == 0 {
		return s
	}
	// WordPress hides the brackets inside HTML elements, comments and
	// CDATA sections while it looks for shortcodes, and spells a literal
	// &#91; or &#93; with a leading zero so that it survives the hiding.
	s = strings.ReplaceAll(strings.ReplaceAll(s, "&#91;", "&#091;"), "&#93;", "&#093;")
	return sc.doIn(s, names, depth, htmlRegions(s))
}

// doIn replaces the shortcodes of s that are outside the given regions.
func (sc *Shortcoder) doIn(s string, names []string, depth int, regions regions) string {
	closings := closingTagIndex(s, names)
	for name, at := range closings {
		closings[name] = slices.DeleteFunc(at, regions.contains)
	}
	brackets := &bracketFinder{s: s, regions: regions}
	skip := regions
	var b strings.Builder
	last := 0
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '[')
		if j < 0 {
			break
		}
		i += j
		if start, end, ok := skip.covering(i); ok {
			// An "element" like <[name] …> is not HTML: WordPress runs the
			// shortcodes in it (some plugins write [name] <[email]>).
			if el := s[start:end]; !sc.ignoreHTML && shortcodeElementRE.MatchString(el) {
				b.WriteString(s[last:start])
				b.WriteString(sc.doIn(el, names, depth, nil))
				last = end
			}
			i = end
			continue
		}
		m, ok := matchShortcode(s, i, names, closings, brackets)
		if !ok {
			i++
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(sc.tag(m, depth))
		last, i = m.end, m.end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// presentShortcodes returns the names that do_shortcode() finds in s: a
// '[' followed by the name and then by one of <>&/[]= a control byte, a
// space or the end. Only those are matched; "[caption"x]" alone is text.
func presentShortcodes(s string, names []string) []string {
	var found []string
	for _, name := range names {
		tag := "[" + name
		for off := 0; ; {
			k := strings.Index(s[off:], tag)
			if k < 0 {
				break
			}
			e := off + k + len(tag)
			if e == len(s) || strings.IndexByte("<>&/[]=", s[e]) >= 0 || s[e] <= ' ' {
				found = append(found, name)
				break
			}
			off = e
		}
	}
	return found
}

// regions are sorted, non-overlapping [start, end) spans.
type regions [][2]int

// htmlRegions lists the HTML tags and comments of s.
func htmlRegions(s string) regions {
	var r regions
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			break
		}
		i += j
		end := htmlChunkEnd(s, i, true)
		r = append(r, [2]int{i, end})
		i = end
	}
	return r
}

// contains reports whether a region holds i.
func (r regions) contains(i int) bool {
	k := sort.Search(len(r), func(k int) bool { return r[k][1] > i })
	return k < len(r) && r[k][0] <= i
}

// bracketFinder finds the first ']' at or after a position that is not
// inside an HTML region, remembering its last answer as byteFinder does.
type bracketFinder struct {
	s       string
	regions regions
	known   bool
	from    int
	at      int
}

func (f *bracketFinder) next(i int) int {
	if f.known && i >= f.from && (f.at < 0 || f.at >= i) {
		return f.at
	}
	f.known, f.from, f.at = true, i, -1
	for j := i; j < len(f.s); {
		k := strings.IndexByte(f.s[j:], ']')
		if k < 0 {
			break
		}
		j += k
		if f.regions.contains(j) {
			j++
			continue
		}
		f.at = j
		break
	}
	return f.at
}

// covering returns the region holding i, if any. Calls come with
// increasing i, so the regions before i are dropped as it goes.
func (r *regions) covering(i int) (start, end int, ok bool) {
	for len(*r) > 0 && (*r)[0][1] <= i {
		*r = (*r)[1:]
	}
	if len(*r) > 0 && (*r)[0][0] <= i {
		return (*r)[0][0], (*r)[0][1], true
	}
	return 0, 0, false
}

// shortcodeElementRE is an element that starts with a shortcode.
var shortcodeElementRE = regexp.MustCompile(`^<` + ws + `*\[\[?[^\[\]]+\]`)

// matchShortcode matches get_shortcode_regex() at s[i] == '['.
func matchShortcode(s string, i int, names []string, closings map[string][]int, brackets *bracketFinder) (shortcodeMatch, bool) {
	m := shortcodeMatch{start: i}
	j := i + 1
	if j < len(s) && s[j] == '[' {
		m.escOpen = true
		j++
	}
	name, ok := shortcodeName(s, j, names)
	if !ok {
		return m, false
	}
	m.name = name
	nameEnd := j + len(name)
	k := brackets.next(nameEnd)
	if k < 0 {
		return m, false
	}
	if k > nameEnd && s[k-1] == '/' {
		m.attrs = s[nameEnd : k-1]
		m.selfClosing = true
		m.end = k + 1
	} else {
		m.attrs = s[nameEnd:k]
		m.end = k + 1
		if c := firstAtOrAfter(closings[name], k+1); c >= 0 {
			m.content = s[k+1 : c]
			m.enclosing = true
			m.end = c + len(name) + 3
		}
	}
	if m.end < len(s) && s[m.end] == ']' {
		m.escEnd = true
		m.end++
	}
	m.src = s[i:m.end]
	return m, true
}

// tag is do_shortcode_tag().
func (sc *Shortcoder) tag(m shortcodeMatch, depth int) string {
	if m.escOpen && m.escEnd {
		return m.src[1 : len(m.src)-1]
	}
	attrs := parseShortcodeAttrs(m.attrs)
	var out string
	switch m.name {
	case "caption", "wp_caption":
		out = sc.caption(attrs, m.content, m.enclosing, depth)
	case "gallery":
		out = sc.gallery(attrs)
	case "embed":
		if !sc.dropEmbeds {
			out = embedLink(m.content)
		}
	case "audio", "video":
		out = mediaElement(m.name, attrs)
	}
	pre, post := "", ""
	if m.escOpen {
		pre = "["
	}
	if m.escEnd {
		post = "]"
	}
	return pre + out + post
}

// shortcodeAttrRE is WordPress's attribute pattern: name="v", name='v',
// name=v, "v", 'v' or a bare word, each followed by a space or the end.
var shortcodeAttrRE = regexp.MustCompile(
	`([\w-]+)` + ws + `*=` + ws + `*"([^"]*)"(?:` + ws + `|\z)` +
		`|([\w-]+)` + ws + `*=` + ws + `*'([^']*)'(?:` + ws + `|\z)` +
		`|([\w-]+)` + ws + `*=` + ws + `*([^\t\n\v\f\r '"]+)(?:` + ws + `|\z)` +
		`|"([^"]*)"(?:` + ws + `|\z)` +
		`|'([^']*)'(?:` + ws + `|\z)` +
		`|([^\t\n\v\f\r ]+)(?:` + ws + `|\z)`)

// shortcodeAttrs are a shortcode's attributes: named ones by lower-case
// name, positional ones in order.
type shortcodeAttrs struct {
	named      map[string]string
	positional []string
}

func (a shortcodeAttrs) get(name, def string) string {
	if v, ok := a.named[name]; ok {
		return v
	}
	return def
}

// parseShortcodeAttrs is shortcode_parse_atts().
func parseShortcodeAttrs(text string) shortcodeAttrs {
	a := shortcodeAttrs{named: map[string]string{}}
	text = strings.ReplaceAll(text, "\u00a0", " ")
	text = strings.ReplaceAll(text, "\u200b", " ")
	for _, m := range shortcodeAttrRE.FindAllStringSubmatch(text, -1) {
		switch {
		case m[1] != "":
			a.named[strings.ToLower(m[1])] = stripCSlashes(m[2])
		case m[3] != "":
			a.named[strings.ToLower(m[3])] = stripCSlashes(m[4])
		case m[5] != "":
			a.named[strings.ToLower(m[5])] = stripCSlashes(m[6])
		case m[7] != "":
			a.positional = append(a.positional, stripCSlashes(m[7]))
		case m[8] != "":
			a.positional = append(a.positional, stripCSlashes(m[8]))
		default:
			a.positional = append(a.positional, stripCSlashes(m[9]))
		}
	}
	// WordPress empties a value holding an unclosed HTML element.
	for k, v := range a.named {
		if strings.Contains(v, "<") && !balancedAngles(v) {
			a.named[k] = ""
		}
	}
	return a
}

// balancedAngles reports whether every '<' in v is closed by a '>' before
// the next '<'.
func balancedAngles(v string) bool {
	open := false
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '<':
			if open {
				return false
			}
			open = true
		case '>':
			open = false
		}
	}
	return !open
}

// stripCSlashes is PHP's stripcslashes().
func stripCSlashes(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte('\a')
		case 'v':
			b.WriteByte('\v')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'x':
			j := i + 1
			for j < len(s) && j < i+3 && isHexDigit(s[j]) {
				j++
			}
			if j == i+1 {
				b.WriteByte('x')
				continue
			}
			n, _ := strconv.ParseUint(s[i+1:j], 16, 8)
			b.WriteByte(byte(n))
			i = j - 1
		default:
			if '0' <= c && c <= '7' {
				j := i
				for j < len(s) && j < i+3 && '0' <= s[j] && s[j] <= '7' {
					j++
				}
				n, _ := strconv.ParseUint(s[i:j], 8, 16)
				b.WriteByte(byte(n))
				i = j - 1
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// phpInt is PHP's (int) cast of a string: leading spaces, a sign and
// digits; anything else is 0.
func phpInt(s string) int {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	j := i
	for j < len(s) && isDigit(s[j]) && j-i < 9 {
		j++
	}
	n, _ := strconv.Atoi(s[:j])
	return n
}

// sanitizeHTMLClass is sanitize_html_class(): percent-encoded octets and
// every byte but letters, digits, _ and - are dropped.
func sanitizeHTMLClass(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHexDigit(s[i+1]) && isHexDigit(s[i+2]) {
			i += 2
			continue
		}
		if isWordByte(c) || c == '-' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// uniqueID is wp_unique_prefixed_id() with WordPress's "-1" trimmed, as
// the caption shortcode uses it: the first "x" is x, the next x-2…
func (sc *Shortcoder) uniqueID(prefix string) string {
	if sc.ids == nil {
		sc.ids = map[string]int{}
	}
	sc.ids[prefix]++
	if n := sc.ids[prefix]; n > 1 {
		return prefix + "-" + strconv.Itoa(n)
	}
	return prefix
}

var captionContentRE = regexp.MustCompile(`(?is)((?:<a [^>]+>` + ws + `*)?<img [^>]+>(?:` + ws + `*</a>)?)(.*)`)

// caption is img_caption_shortcode() with an HTML5 theme: a figure with
// the image (and its link) and a figcaption.
func (sc *Shortcoder) caption(a shortcodeAttrs, content string, enclosing bool, depth int) string {
	if !enclosing {
		content = ""
	}
	captionText, hasCaption := a.named["caption"]
	if !hasCaption {
		// New style: the caption follows the image inside the shortcode.
		if m := captionContentRE.FindStringSubmatch(content); m != nil {
			content = m[1]
			captionText = phpTrim(m[2])
		}
	}
	width := phpInt(a.get("width", ""))
	if width < 1 || captionText == "" || captionText == "0" {
		return content
	}
	var figID, captionID string
	if id := a.get("id", ""); id != "" && id != "0" {
		figID = sc.uniqueID(sanitizeHTMLClass(id))
	}
	if cid := a.get("caption_id", ""); cid != "" && cid != "0" {
		captionID = sc.uniqueID(sanitizeHTMLClass(cid))
	} else if figID != "" {
		captionID = "caption-" + strings.ReplaceAll(figID, "_", "-")
	}
	class := strings.TrimSpace("wp-caption " + a.get("align", "alignnone") + " " + a.get("class", ""))

	var b strings.Builder
	b.WriteString("<figure ")
	if figID != "" {
		b.WriteString(`id="` + escAttr(figID) + `" `)
	}
	if captionID != "" {
		b.WriteString(`aria-describedby="` + escAttr(captionID) + `" `)
	}
	b.WriteString(`style="width: ` + strconv.Itoa(width) + `px" class="` + escAttr(class) + `">`)
	b.WriteString(sc.do(content, sc.names, depth+1))
	b.WriteString("<figcaption ")
	if captionID != "" {
		b.WriteString(`id="` + escAttr(captionID) + `" `)
	}
	b.WriteString(`class="wp-caption-text">` + captionText + "</figcaption></figure>")
	return b.String()
}

// escAttr is esc_attr(): it escapes markup characters and quotes, and an
// ampersand unless it already begins an entity.
func escAttr(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			if isEntity(s, i) {
				b.WriteByte(c)
			} else {
				b.WriteString("&amp;")
			}
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&#039;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// parseIDs reads a comma-separated list of IDs, skipping what is not one.
func parseIDs(s string) []int64 {
	var ids []int64
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil && n > 0 {
			ids = append(ids, n)
		}
	}
	return ids
}

// gallery is gallery_shortcode() with an HTML5 theme and no inline style:
// a div of figures, each an image (linked to its attachment page, to the
// file with link="file", or not at all with link="none") and its caption.
func (sc *Shortcoder) gallery(a shortcodeAttrs) string {
	var ids []int64
	postID := sc.PostID
	if v := a.get("id", ""); v != "" {
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			postID = n
		}
	}
	switch {
	case a.get("ids", "") != "":
		ids = parseIDs(a.get("ids", ""))
	case a.get("include", "") != "":
		ids = parseIDs(a.get("include", ""))
	default:
		if sc.Media.Attached != nil {
			ids = sc.Media.Attached(postID)
		}
		if ex := parseIDs(a.get("exclude", "")); len(ex) > 0 {
			ids = slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return slices.Contains(ex, id) })
		}
	}
	if strings.EqualFold(a.get("order", ""), "DESC") && a.get("ids", "") == "" {
		slices.Reverse(ids)
	}
	var atts []Attachment
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] || sc.Media.Attachment == nil {
			continue
		}
		seen[id] = true
		if at, ok := sc.Media.Attachment(id); ok {
			atts = append(atts, at)
		}
	}
	if len(atts) == 0 {
		return ""
	}
	columns := phpInt(a.get("columns", "3"))
	size := a.get("size", "thumbnail")
	sizeClass := sanitizeHTMLClass(size)
	link := a.get("link", "")
	sc.galleries++
	selector := "gallery-" + strconv.Itoa(sc.galleries)

	var b strings.Builder
	b.WriteString(`<div id="` + selector + `" class="gallery galleryid-` + strconv.FormatInt(postID, 10) +
		" gallery-columns-" + strconv.Itoa(columns) + " gallery-size-" + sizeClass + `">`)
	for _, at := range atts {
		img := at.image(size)
		captionID := selector + "-" + strconv.FormatInt(at.ID, 10)
		caption := phpTrim(at.Caption)
		var tag strings.Builder
		tag.WriteString(`<img src="` + escAttr(img.URL) + `"`)
		if img.Width > 0 && img.Height > 0 {
			tag.WriteString(` width="` + strconv.Itoa(img.Width) + `" height="` + strconv.Itoa(img.Height) + `"`)
		}
		tag.WriteString(` class="attachment-` + sizeClass + " size-" + sizeClass + `" alt="` + escAttr(at.Alt) + `"`)
		if caption != "" {
			tag.WriteString(` aria-describedby="` + captionID + `"`)
		}
		tag.WriteString(" />")
		imgHTML := tag.String()
		switch {
		case link == "none":
		case link == "file":
			imgHTML = `<a href="` + escAttr(at.URL) + `">` + imgHTML + "</a>"
		case at.Page != "":
			imgHTML = `<a href="` + escAttr(at.Page) + `">` + imgHTML + "</a>"
		default:
			imgHTML = `<a href="` + escAttr(at.URL) + `">` + imgHTML + "</a>"
		}
		orientation := ""
		if at.Width > 0 && at.Height > 0 {
			orientation = " landscape"
			if at.Height > at.Width {
				orientation = " portrait"
			}
		}
		b.WriteString(`<figure class="gallery-item"><div class="gallery-icon` + orientation + `">` + imgHTML + "</div>")
		if caption != "" {
			b.WriteString(`<figcaption class="wp-caption-text gallery-caption" id="` + captionID + `">` +
				Texturize(caption) + "</figcaption>")
		}
		b.WriteString("</figure>")
	}
	b.WriteString("</div>\n")
	return b.String()
}

// image returns the attachment's image of the given size, or the full one.
func (a Attachment) image(size string) Image {
	if im, ok := a.Sizes[size]; ok && im.URL != "" {
		return im
	}
	if size == "full" || size == "" {
		return Image{URL: a.URL, Width: a.Width, Height: a.Height}
	}
	// A smaller size that is not known: the full file, left for the page's
	// styles to size.
	return Image{URL: a.URL}
}

// embedLink is what [embed]URL[/embed] becomes here: a link to the URL.
// WordPress shows the provider's player when the URL has one and the same
// link otherwise; a player needs the provider, so the link is kept.
func embedLink(content string) string {
	u := strings.TrimSpace(content)
	if u == "" {
		return ""
	}
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "//") {
		return escAttr(u)
	}
	e := escAttr(u)
	return `<a href="` + e + `">` + e + "</a>"
}

// The source attributes [audio] and [video] accept, in WordPress's order.
var (
	audioSources = []string{"src", "mp3", "ogg", "flac", "m4a", "wav"}
	videoSources = []string{"src", "mp4", "m4v", "webm", "ogv", "flv"}
)

// mediaElement is what [audio] and [video] become: the plain HTML5
// element, with a fallback link, without WordPress's player scripts.
func mediaElement(name string, a shortcodeAttrs) string {
	sources := audioSources
	if name == "video" {
		sources = videoSources
	}
	var srcs []string
	for _, k := range sources {
		if v := strings.TrimSpace(a.get(k, "")); v != "" && !slices.Contains(srcs, v) {
			srcs = append(srcs, v)
		}
	}
	if len(srcs) == 0 && len(a.positional) > 0 && strings.Contains(a.positional[0], "://") {
		srcs = append(srcs, a.positional[0])
	}
	if len(srcs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<" + name + ` class="wp-` + name + `-shortcode" controls`)
	if name == "video" {
		if w := phpInt(a.get("width", "")); w > 0 {
			b.WriteString(` width="` + strconv.Itoa(w) + `"`)
		}
		if h := phpInt(a.get("height", "")); h > 0 {
			b.WriteString(` height="` + strconv.Itoa(h) + `"`)
		}
		if p := a.get("poster", ""); p != "" {
			b.WriteString(` poster="` + escAttr(p) + `"`)
		}
	}
	for _, k := range []string{"loop", "autoplay", "muted"} {
		if v := strings.ToLower(a.get(k, "")); v == "1" || v == "on" || v == "true" || v == k {
			b.WriteString(" " + k)
		}
	}
	preload := a.get("preload", "none")
	if name == "video" {
		preload = a.get("preload", "metadata")
	}
	b.WriteString(` preload="` + escAttr(preload) + `">`)
	for _, src := range srcs {
		b.WriteString(`<source src="` + escAttr(src) + `" />`)
	}
	e := escAttr(srcs[0])
	b.WriteString(`<a href="` + e + `">` + e + "</a></" + name + ">")
	return b.String()
}
