package wpformat

import (
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// Options tell Render about the post it renders.
type Options struct {
	// PostID is the post's WordPress ID: the more break's anchor
	// (id="more-ID", which old "Continue reading" links point to) and the
	// post whose attached images a [gallery] without ids shows.
	PostID int64
	// Media looks attachments up for [gallery].
	Media Media
	// Reusable returns the content of a reusable block by its ID.
	Reusable func(id int64) (string, bool)
	// Texturizer overrides wptexturize's settings; nil means WordPress's
	// defaults.
	Texturizer *Texturizer
	// NoTexturize is for a site that had turned wptexturize off.
	NoTexturize bool
	// NoSmilies is for a site whose "convert emoticons" setting was off.
	NoSmilies bool
}

// Rendered is a post as WordPress showed it.
type Rendered struct {
	// HTML is the post as its own page showed it. The more tag is gone,
	// replaced by an empty <span id="more-ID"> anchor. A post split into
	// pages with <!--nextpage--> has every page, one after another.
	HTML string
	// HasMore tells whether the post had an excerpt break: a more tag
	// (<!--more--> or the more block) on its first page, or several pages.
	HasMore bool
	// Teaser is what archive pages showed of the post when HasMore: the
	// first page up to the more tag, rendered (without the "Continue
	// reading" link, and possibly with elements the break left open).
	Teaser string
	// MoreText is the more tag's own link text (<!--more Read on-->), if
	// it had one.
	MoreText string
	// NoTeaser is set by <!--noteaser-->: the post's own page started
	// after the break, which HTML follows.
	NoTeaser bool
}

// Render shows a post's stored content as WordPress's the_content did: the
// more and nextpage tags as get_the_content() handles them, then [embed],
// URLs alone on a line, blocks, wptexturize, wpautop (unless the content
// has blocks), shortcode_unautop, capital_P_dangit, the common shortcodes
// and smilies.
func Render(content string, o Options) Rendered {
	var r Rendered
	r.NoTeaser = strings.Contains(content, "<!--noteaser-->")
	pages := SplitPages(content)
	htmls := make([]string, len(pages))
	for i, page := range pages {
		m, ok := FindMore(page)
		if !ok {
			htmls[i] = o.renderPage(page)
			continue
		}
		if i == 0 {
			r.HasMore = true
			r.MoreText = m.Text
			r.Teaser = o.renderPage(m.Teaser)
		}
		single := m.Teaser
		if i == 0 && r.NoTeaser {
			single = ""
		}
		if o.PostID > 0 {
			single += `<span id="more-` + strconv.FormatInt(o.PostID, 10) + `"></span>`
		}
		htmls[i] = o.renderPage(single + m.Rest)
	}
	if len(pages) > 1 && !r.HasMore {
		r.HasMore = true
		r.Teaser = htmls[0]
	}
	r.HTML = strings.Join(htmls, "\n")
	return r
}

// renderPage runs the_content's filters on one page.
func (o Options) renderPage(s string) string {
	embeds := &Shortcoder{ignoreHTML: true}
	s = embeds.run(s, []string{"embed"})
	sc := &Shortcoder{Media: o.Media, PostID: o.PostID, dropEmbeds: true}
	s = autoembed(s)
	blocks := HasBlocks(s)
	if blocks {
		s = BlockRenderer{Reusable: o.Reusable}.RenderBlocks(s)
	}
	if !o.NoTexturize {
		t := o.Texturizer
		if t == nil {
			t = DefaultTexturizer()
		}
		s = t.Texturize(s)
	}
	if !blocks {
		s = Autop(s, true)
	}
	s = ShortcodeUnautop(s)
	s = CapitalPDangit(s)
	s = sc.Do(s)
	if !o.NoSmilies {
		s = Smilies(s)
	}
	return s
}

// More is a post's more tag, as FindMore finds it.
type More struct {
	Teaser, Rest string // the content before and after the tag
	Text         string // the tag's own link text, if any
	// Offset is where the tag stood in the content given to FindMore
	// (before the more block's delimiters were taken out).
	Offset int
}

var (
	moreTagRE   = regexp.MustCompile(`<!--more(.*?)-->`)
	moreBlockRE = regexp.MustCompile(`<!-- /?wp:more(.*?) -->`)
	stripTagsRE = regexp.MustCompile(`<[^>]*>?`)
)

// FindMore finds the excerpt break in one page of content as
// get_the_content() does: the first <!--more--> (or <!--more Link text-->),
// the more block's delimiters taken out around it.
func FindMore(s string) (More, bool) {
	loc := moreTagRE.FindStringSubmatchIndex(s)
	if loc == nil {
		return More{}, false
	}
	m := More{Offset: loc[0]}
	tag, text := s[loc[0]:loc[1]], s[loc[2]:loc[3]]
	if strings.Contains(s, "<!-- wp:more ") || strings.Contains(s, "<!-- wp:core/more ") {
		s = moreBlockRE.ReplaceAllLiteralString(s, "")
	}
	m.Teaser, m.Rest, _ = strings.Cut(s, tag)
	if t := strings.TrimSpace(text); t != "" {
		m.Text = phpTrim(stripTagsRE.ReplaceAllLiteralString(strings.ReplaceAll(t, "\x00", ""), ""))
	}
	return m, true
}

// SplitPages cuts content at <!--nextpage--> as WordPress does before it
// shows a paginated post: newlines around the tag and the nextpage block's
// delimiters go, and a tag at the very start is ignored.
func SplitPages(s string) []string {
	if !strings.Contains(s, "<!--nextpage-->") {
		return []string{s}
	}
	s = strings.ReplaceAll(s, "\n<!--nextpage-->\n", "<!--nextpage-->")
	s = strings.ReplaceAll(s, "\n<!--nextpage-->", "<!--nextpage-->")
	s = strings.ReplaceAll(s, "<!--nextpage-->\n", "<!--nextpage-->")
	s = strings.ReplaceAll(s, "<!-- wp:nextpage -->", "")
	s = strings.ReplaceAll(s, "<!-- /wp:nextpage -->", "")
	s = strings.TrimPrefix(s, "<!--nextpage-->")
	return strings.Split(s, "<!--nextpage-->")
}

var (
	autoembedHintRE = regexp.MustCompile(`(?i)(?:^|[\t\n\v\f\r >])https?://`)
	lineURLRE       = regexp.MustCompile(`(?im)^(` + ws + `*)(https?://[^\t\n\v\f\r <>"]+)(` + ws + `*)$`)
	paragraphURLRE  = regexp.MustCompile(`(?i)(<p(?: [^>]*)?>` + ws + `*)(https?://[^\t\n\v\f\r <>"]+)(` + ws + `*</p>)`)
)

// autoembed is WP_Embed::autoembed(): a URL alone on its line, or alone in a
// paragraph, becomes the provider's embed when WordPress knows the
// provider. Here it becomes a link to it (an embed needs the provider);
// other URLs stay as they are, as WordPress leaves a URL it cannot embed.
func autoembed(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	s = replaceInHTMLTags(s, "\n", "<!-- wp-line-break -->")
	if autoembedHintRE.MatchString(s) {
		link := func(re *regexp.Regexp) func(string) string {
			return func(m string) string {
				g := re.FindStringSubmatch(m)
				if !knownEmbed(g[2]) {
					return m
				}
				e := html.EscapeString(g[2])
				return g[1] + `<a href="` + e + `">` + e + "</a>" + g[3]
			}
		}
		s = lineURLRE.ReplaceAllStringFunc(s, link(lineURLRE))
		s = paragraphURLRE.ReplaceAllStringFunc(s, link(paragraphURLRE))
	}
	return strings.ReplaceAll(s, "<!-- wp-line-break -->", "\n")
}

// embedHosts are the sites WordPress has a built-in oEmbed provider for
// (class-wp-oembed.php), by host; a host matches itself and its subdomains.
var embedHosts = []string{
	"youtube.com", "youtu.be", "vimeo.com", "dailymotion.com", "dai.ly", "flickr.com", "flic.kr",
	"smugmug.com", "scribd.com", "wordpress.tv", "crowdsignal.net", "polldaddy.com", "poll.fm",
	"survey.fm", "twitter.com", "soundcloud.com", "spotify.com", "imgur.com", "issuu.com",
	"mixcloud.com", "ted.com", "animoto.com", "video214.com", "tumblr.com", "kickstarter.com",
	"kck.st", "cloudup.com", "reverbnation.com", "videopress.com", "reddit.com", "speakerdeck.com",
	"a.co", "amzn.to", "amzn.eu", "amzn.in", "amzn.asia", "z.cn", "someecards.com", "some.ly",
	"tiktok.com", "pinterest.com", "wolframcloud.com", "pca.st", "anghami.com", "bsky.app", "canva.com",
}

// knownEmbed reports whether WordPress would embed raw (rather than leave
// it as text): its host is one of WordPress's oEmbed providers.
func knownEmbed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if strings.HasPrefix(host, "amazon.") || strings.Contains(host, ".amazon.") {
		return true
	}
	for _, h := range embedHosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}
