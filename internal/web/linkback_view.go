package web

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
)

// How linkbacks show in a thread. A pingback or trackback is one line,
// "Pingback: Title | Site" linking to the source, as WordPress's short
// pings read; a webmention reply or mention shows its title linked to the
// source, its author and the excerpt; likes and reposts are a row of names
// and pictures after the comments. Nothing a source sent is trusted: every
// text is escaped by the templates, every link is a checked http(s) URL,
// and a remote photo is shown only when the settings allow it.

// splitDiscussion sorts a post's approved comments (oldest first) by where
// the thread shows them: thread is what is paged and threaded (comments,
// and linkbacks too unless the settings list them apart), mentions the
// linkbacks listed after the comments (Discussion.MentionsSeparate),
// reactions the likes and reposts. A post without linkbacks costs no copy.
func splitDiscussion(list []blog.Comment, d *site.Discussion) (thread, mentions, reactions []blog.Comment) {
	plain := true
	for i := range list {
		if list[i].Type.IsLinkback() {
			plain = false
			break
		}
	}
	if plain {
		return list, nil, nil
	}
	thread = make([]blog.Comment, 0, len(list))
	for _, c := range list {
		switch {
		case c.IsReaction():
			reactions = append(reactions, c)
		case c.Type.IsLinkback() && d.MentionsSeparate:
			mentions = append(mentions, c)
		default:
			thread = append(thread, c)
		}
	}
	return thread, mentions, reactions
}

// thoughtCount is the "N thoughts on" of a post's approved comments:
// comments and linkbacks, as WordPress counts them, without the likes and
// reposts, which are not thoughts and have their own count.
func thoughtCount(list []blog.Comment) int {
	n := 0
	for i := range list {
		if !list[i].IsReaction() {
			n++
		}
	}
	return n
}

// maxExcerptRunes bounds the excerpt of a webmention shown in the thread;
// the whole text is a link away, on its own site.
const maxExcerptRunes = 600

// maxPhotoOrigins bounds the sites a page may load linkback photos from
// (each is named in the page's Content-Security-Policy); photos from more
// are replaced by local avatars.
const maxPhotoOrigins = 16

// reactionGroup is one row of likes or reposts.
type reactionGroup struct {
	Kind  string // "like" or "repost"
	Title string // "3 likes"
	Items []*commentView
}

// linkbackView fills the parts of v that a linkback adds.
func (tc *threadContext) linkbackView(c *blog.Comment, v *commentView) {
	v.Kind = string(c.Type)
	v.SourceURL = linkURL(c.SourceURL)
	if v.SourceURL == "" {
		v.SourceURL = linkURL(c.AuthorURL) // an import may know only the author's URL
	}
	host := urlHost(v.SourceURL)
	v.AuthorURL = linkURL(c.AuthorURL)
	name := oneLineText(c.AuthorName)
	title := oneLineText(c.SourceTitle)
	switch c.Type {
	case blog.TypePingback, blog.TypeTrackback:
		// WordPress shows the author field: the source page's title for a
		// pingback, the blog's name for a trackback.
		v.Ping = true
		v.Label = c.Type.Label()
		v.Title = firstOf(name, title, host, "a linking page")
	default:
		v.Label = "Mention"
		if c.MentionKind == blog.MentionReply {
			v.Label = "Reply"
		}
		if title == "" {
			// Without a title the page's title stands in: it is the author
			// field of a mention whose source had no h-card.
			title, name = name, ""
		}
		v.Title = firstOf(title, host, "a linking page")
		v.AuthorName = firstOf(name, host, "Someone")
		v.Excerpt = excerpt(c.Content, maxExcerptRunes)
	}
	if v.AuthorName == "" {
		v.AuthorName = v.Title
	}
	v.Avatar = tc.photo(c)
	v.Remote = !strings.HasPrefix(v.Avatar, "/")
}

// photo is the picture shown for a linkback: its author's photo from their
// site when the settings allow remote photos (https only, from at most
// maxPhotoOrigins sites per page), else the local avatar.
func (tc *threadContext) photo(c *blog.Comment) string {
	if !tc.st.Discussion.RemotePhotos || c.AuthorPhoto == "" {
		return tc.avatar(c)
	}
	u, err := url.Parse(c.AuthorPhoto)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(c.AuthorPhoto) > 2048 {
		return tc.avatar(c)
	}
	origin := "https://" + u.Host
	if !tc.origins[origin] {
		if len(tc.origins) >= maxPhotoOrigins {
			return tc.avatar(c)
		}
		if tc.origins == nil {
			tc.origins = map[string]bool{}
		}
		tc.origins[origin] = true
	}
	return u.String()
}

// reactionGroups builds the rows of likes and reposts.
func (tc *threadContext) reactionGroups(list []blog.Comment) []reactionGroup {
	var likes, reposts []*commentView
	for i := range list {
		c := &list[i]
		v := &commentView{ID: c.ID, Depth: 1}
		tc.linkbackView(c, v)
		// A like has no title to show: its author's name, else the host.
		v.AuthorName = firstOf(oneLineText(c.AuthorName), urlHost(v.SourceURL), "Someone")
		v.Label = "Like"
		if c.MentionKind == blog.MentionRepost {
			v.Label = "Repost"
			reposts = append(reposts, v)
		} else {
			likes = append(likes, v)
		}
	}
	var out []reactionGroup
	if len(likes) > 0 {
		out = append(out, reactionGroup{Kind: "like", Title: counted(len(likes), "like"), Items: likes})
	}
	if len(reposts) > 0 {
		out = append(out, reactionGroup{Kind: "repost", Title: counted(len(reposts), "repost"), Items: reposts})
	}
	return out
}

// counted says "1 like" or "3 likes".
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// linkURL returns s if it is an absolute http(s) URL fit for a link, else
// "". Unlike a commenter's website it may be long: a source page's address
// is what it is.
func linkURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 2048 || strings.ContainsAny(s, " \t\r\n<>\"'`\\") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return u.String()
}

// urlHost is the host of a checked URL, without "www.", for a byline.
func urlHost(s string) string {
	u, err := url.Parse(s)
	if err != nil || s == "" {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

// oneLineText folds a source's text to one line of valid UTF-8, at most
// 300 runes: titles and names are shown on one line.
func oneLineText(s string) string {
	return excerpt(s, 300)
}

// excerpt folds s to one line of valid UTF-8 and at most max runes, with an
// ellipsis when cut.
func excerpt(s string, max int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// firstOf returns the first non-empty string.
func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
