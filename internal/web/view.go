package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/site"
)

// pageView is what every page template receives.
type pageView struct {
	Site        siteView
	Title       string // the document title
	Description string // meta description
	Canonical   string // absolute URL
	Robots      string
	Feeds       []feedLink
	Meta        []metaTag
	JSONLD      template.JS
	Nav         []link
	Recent      []link
	Archives    []link
	Categories  []link
	Sidebar     template.HTML // Recent, Archives and Categories, rendered once per version
	Query       string        // what the search box shows
	Year        int

	// Webmention and Pingback are the absolute URLs of the endpoints
	// that take linkbacks, on a post's page.
	Webmention, Pingback string

	// prefix is the site's path prefix, which the theme's asset and path
	// functions put before the paths they give.
	prefix string

	Heading string // h1 of lists and error pages
	Intro   string
	Message string
	Link    *link // a link the page offers (share-mastodon)
	List    *listView
	Post    *postView

	// Signup is the newsletter's signup box in the sidebar; nil on
	// /subscribe/ (whose own form is Subscribe) and when the site takes no
	// signups.
	Signup    *signupView
	Subscribe *signupView
}

type siteView struct {
	Title, Description, Lang string
	Home, FeedURL            string
}

type feedLink struct{ Type, Title, URL string }

type metaTag struct{ Property, Name, Content string }

type link struct {
	Title    string
	URL      string
	Count    int
	Current  bool
	Children []link // sub-categories in the categories widget
}

type listView struct {
	Items      []itemView
	Prev, Next string // newer and older pages
	Page       int
	Pages      int
	Empty      string
}

type itemView struct {
	Title       string
	URL         string
	Date        string
	DateISO     string
	Minutes     int
	Author      *link
	Categories  []link
	Tags        []link
	Teaser      template.HTML
	ContinueURL string
	Protected   bool
	Image       *imageView
	// CommentsURL links a list item to its post's discussion (#comments);
	// empty where no count is shown.
	CommentsURL  string
	CommentCount int
	// Sticky marks a sticky post at the top of the home page.
	Sticky bool
}

type imageView struct {
	Src, Srcset, Sizes, Alt string
	Width, Height           int
	Lazy                    bool
	// Priority marks the page's first image, most often its largest
	// paint: loaded at once and before other images (fetchpriority=high).
	Priority bool
}

type postView struct {
	itemView
	PostID         int64
	IsPage         bool
	Body           template.HTML
	Breadcrumbs    []link
	Prev, Next     *link
	Share          *shareView
	NeedPassword   bool
	PasswordError  string
	PasswordAction string
	Comments       *commentsView
}

// chrome is the part of every page that depends only on the site's
// content: navigation and sidebar lists. It is built once per content
// version (and at most a minute old, so posts whose time has come appear).
type chrome struct {
	version int64
	// postsVersion is the store's PostsVersion the parts made from posts
	// (nav, recent, archives, categories, lastMod) were built at, and
	// built when: a change to comments alone keeps them.
	postsVersion int64
	built        time.Time
	nav          []link
	recent       []link
	archives     []link
	categories   []link
	lastMod      time.Time // when published content last changed
	sidebar      template.HTML
	// recentComments are the newest approved comments, "NAME on TITLE".
	recentComments []recentComment
}

// recentComment is one line of the sidebar's "Recent comments".
type recentComment struct {
	Author, Title, URL string
}

const chromeMaxAge = time.Minute

// chromeFor returns the navigation and sidebar for content version ver.
// One request builds it while the others wait; after a change to comments
// alone, it keeps what is made from posts (which on a site of 10,000
// posts costs more than the rest of a page) and rebuilds the recent
// comments.
func (h *Handler) chromeFor(ctx context.Context, st *site.Settings, ver int64) (*chrome, error) {
	now := h.Now()
	fresh := func(c *chrome) bool {
		return c != nil && c.version == ver && now.Sub(c.built) < chromeMaxAge && !now.Before(c.built)
	}
	h.chromeMu.Lock()
	c := h.chrome
	h.chromeMu.Unlock()
	if fresh(c) {
		return c, nil
	}
	h.chromeBuild.Lock()
	defer h.chromeBuild.Unlock()
	h.chromeMu.Lock()
	old := h.chrome
	h.chromeMu.Unlock()
	if fresh(old) {
		return old, nil // built while this request waited
	}
	// Read before building, so the parts are never older than the
	// number they are kept under.
	pv, err := h.Store.PostsVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("web: posts version: %w", err)
	}
	c = &chrome{version: ver, postsVersion: pv, built: now}
	if old != nil && old.postsVersion == pv && now.Sub(old.built) < chromeMaxAge && !now.Before(old.built) {
		c.built, c.nav, c.recent, c.archives, c.categories, c.lastMod = old.built, old.nav, old.recent, old.archives,
			old.categories, old.lastMod
	} else if err := h.buildPostsChrome(ctx, st, c, now); err != nil {
		return nil, err
	}
	if c.recentComments, err = h.recentComments(ctx, st, ver, now); err != nil {
		return nil, err
	}
	var sb strings.Builder
	if err := h.Theme.RenderPartAt(&sb, st.Prefix(), "sidebar-lists", &sidebarView{Recent: c.recent, Archives: c.archives,
		Categories: c.categories, RecentComments: c.recentComments, h: h}); err != nil {
		return nil, fmt.Errorf("web: sidebar: %w", err)
	}
	c.sidebar = template.HTML(sb.String())
	h.chromeMu.Lock()
	h.chrome = c
	h.chromeMu.Unlock()
	return c, nil
}

// buildPostsChrome fills the parts of c made from posts: the navigation,
// recent posts, monthly archives, categories and when content last
// changed.
func (h *Handler) buildPostsChrome(ctx context.Context, st *site.Settings, c *chrome, now time.Time) error {
	pages, _, err := h.Store.ListPosts(ctx, blog.PostFilter{Type: blog.TypePage, Now: now, Limit: 100})
	if err != nil {
		return fmt.Errorf("web: navigation: %w", err)
	}
	c.nav = append(c.nav, link{Title: "Home", URL: st.Path("/")})
	var top []link
	for i := range pages {
		if pages[i].ParentID == 0 {
			top = append(top, link{Title: pages[i].Title, URL: st.Path(st.PostPath(&pages[i]))})
		}
	}
	sort.SliceStable(top, func(i, j int) bool { return strings.ToLower(top[i].Title) < strings.ToLower(top[j].Title) })
	c.nav = append(c.nav, top...)

	recent, _, err := h.Store.ListPosts(ctx, blog.PostFilter{Now: now, Limit: 5})
	if err != nil {
		return fmt.Errorf("web: recent posts: %w", err)
	}
	for i := range recent {
		c.recent = append(c.recent, link{Title: recent[i].Title, URL: st.Path(st.PostPath(&recent[i]))})
	}
	months, err := h.Store.Months(ctx, now, st.Loc)
	if err != nil {
		return fmt.Errorf("web: archives: %w", err)
	}
	for _, m := range months {
		c.archives = append(c.archives, link{Title: monthName(m.Year, m.Month), URL: st.Path(st.MonthPath(m.Year, m.Month)), Count: m.Count})
	}
	cats, err := h.Store.TermsUncounted(ctx, blog.Category)
	if err != nil {
		return fmt.Errorf("web: categories: %w", err)
	}
	totals, err := h.Store.CategoryTotals(ctx)
	if err != nil {
		return fmt.Errorf("web: categories: %w", err)
	}
	c.categories = categoryTree(st, cats, totals)
	if c.lastMod, err = h.Store.LastModified(ctx); err != nil {
		return fmt.Errorf("web: last modified: %w", err)
	}
	return nil
}

// categoryTree nests the categories (sorted by name) as WordPress's
// categories widget lists them, hierarchical with counts: each with its
// sub-categories, counting the posts of the whole branch once each
// (totals), and leaving out branches with no published post.
func categoryTree(st *site.Settings, cats []blog.Term, totals map[int64]int) []link {
	known := map[int64]bool{}
	for i := range cats {
		known[cats[i].ID] = true
	}
	children := map[int64][]int{}
	for i := range cats {
		parent := cats[i].ParentID
		if !known[parent] {
			parent = 0
		}
		children[parent] = append(children[parent], i)
	}
	seen := map[int64]bool{} // a parent loop in the data shows each category once
	var build func(parent int64) []link
	build = func(parent int64) []link {
		var out []link
		for _, i := range children[parent] {
			t := &cats[i]
			if totals[t.ID] == 0 || seen[t.ID] {
				continue
			}
			seen[t.ID] = true
			out = append(out, link{Title: t.Name, URL: st.Path(st.TermPath(t)), Count: totals[t.ID], Children: build(t.ID)})
		}
		return out
	}
	return build(0)
}

// current returns the settings, the content version and the chrome a
// request needs.
func (h *Handler) current(ctx context.Context) (*site.Settings, int64, *chrome, error) {
	st, ver, err := h.Site.Current(ctx)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("web: settings: %w", err)
	}
	c, err := h.chromeFor(ctx, st, ver)
	if err != nil {
		return nil, 0, nil, err
	}
	return st, ver, c, nil
}

// newPage fills the parts of a page shared by every template.
func (h *Handler) newPage(r *http.Request, st *site.Settings, c *chrome, title string) *pageView {
	pv := &pageView{
		Site: siteView{Title: st.Title, Description: st.Description, Lang: st.Language, Home: st.Path("/"),
			FeedURL: st.Path("/feed/")},
		Title:      title,
		prefix:     st.Prefix(),
		Recent:     c.recent,
		Archives:   c.archives,
		Categories: c.categories,
		Sidebar:    c.sidebar,
		Year:       h.Now().In(st.Loc).Year(),
		Feeds: []feedLink{
			{Type: "application/rss+xml", Title: st.Title + " » RSS feed", URL: st.Abs("/feed/")},
			{Type: "application/atom+xml", Title: st.Title + " » Atom feed", URL: st.Abs("/feed/atom/")},
			{Type: "application/feed+json", Title: st.Title + " » JSON feed", URL: st.Abs("/feed/json/")},
		},
	}
	if title == "" {
		pv.Title = st.Title
	} else {
		pv.Title = title + " – " + st.Title
	}
	pv.Nav = make([]link, len(c.nav))
	for i, l := range c.nav {
		l.Current = l.URL == st.Path(r.URL.Path)
		pv.Nav[i] = l
	}
	if r.URL.Path != subscribePath {
		pv.Signup = h.signupForm(r.Context(), st, "box")
	}
	return pv
}

// setOpenGraph adds OpenGraph and Twitter card tags.
func (pv *pageView) setOpenGraph(st *site.Settings, kind, title, desc, url, image string) {
	pv.Meta = append(pv.Meta,
		metaTag{Property: "og:type", Content: kind},
		metaTag{Property: "og:site_name", Content: st.Title},
		metaTag{Property: "og:title", Content: title},
		metaTag{Property: "og:url", Content: url},
	)
	if desc != "" {
		pv.Meta = append(pv.Meta, metaTag{Property: "og:description", Content: desc})
	}
	card := "summary"
	if image != "" {
		card = "summary_large_image"
		pv.Meta = append(pv.Meta, metaTag{Property: "og:image", Content: image})
	}
	pv.Meta = append(pv.Meta, metaTag{Name: "twitter:card", Content: card}, metaTag{Name: "twitter:title", Content: title})
	if desc != "" {
		pv.Meta = append(pv.Meta, metaTag{Name: "twitter:description", Content: desc})
	}
	if image != "" {
		pv.Meta = append(pv.Meta, metaTag{Name: "twitter:image", Content: image})
	}
}

// item builds the view of a post for lists and the single page.
func item(st *site.Settings, p *blog.Post) itemView {
	t := p.PublishedAt.In(st.Loc)
	iv := itemView{
		Title:     postTitle(st, p),
		URL:       st.Path(st.PostPath(p)),
		Date:      t.Format("January 2, 2006"),
		DateISO:   t.Format(time.RFC3339),
		Protected: p.Password != "",
	}
	if p.Author != nil {
		iv.Author = &link{Title: p.Author.Name, URL: st.Path(st.AuthorPath(p.Author))}
	}
	for i := range p.Categories {
		iv.Categories = append(iv.Categories, link{Title: p.Categories[i].Name, URL: st.Path(st.TermPath(&p.Categories[i]))})
	}
	for i := range p.Tags {
		iv.Tags = append(iv.Tags, link{Title: p.Tags[i].Name, URL: st.Path(st.TermPath(&p.Tags[i]))})
	}
	if p.Featured != nil {
		iv.Image = image(st, p.Featured)
	}
	return iv
}

// listItem is item with the teaser lists show: the part before
// <!--more-->, else the excerpt, else a summary, else the whole body.
func listItem(st *site.Settings, p *blog.Post) itemView {
	iv := item(st, p)
	if iv.Image != nil {
		iv.Image.Lazy = true
	}
	if iv.Protected {
		iv.Image = nil
		return iv
	}
	body, cut := teaser(st, p)
	iv.Teaser = body
	if cut {
		iv.ContinueURL = iv.URL
		if strings.Contains(p.BodyHTML, blog.MoreTag) {
			iv.ContinueURL += "#more"
		}
	}
	return iv
}

// prioritizeFirstImage makes the first image of a list load at once and
// first, since it is most often the page's largest paint, and leaves every
// later image lazy: the first item's featured image, or else the first
// image of its teaser (Markdown images are rendered lazy).
func prioritizeFirstImage(items []itemView) {
	for i := range items {
		if im := items[i].Image; im != nil {
			im.Lazy, im.Priority = false, true
			return
		}
		if t, found := eagerFirstImage(string(items[i].Teaser)); found {
			items[i].Teaser = template.HTML(t)
			return
		}
	}
}

// eagerFirstImage turns the loading="lazy" of the first <img> in the
// sanitised HTML h into fetchpriority="high", and reports whether h has an
// image at all. (A quoted attribute can only be inside a tag there: the
// renderer escapes quotes in text.)
func eagerFirstImage(h string) (string, bool) {
	i := strings.Index(h, "<img ")
	if i < 0 {
		return h, false
	}
	end := strings.IndexByte(h[i:], '>')
	if end < 0 {
		return h, true
	}
	tag := h[i : i+end]
	if j := strings.Index(tag, ` loading="lazy"`); j >= 0 {
		tag = tag[:j] + ` fetchpriority="high"` + tag[j+len(` loading="lazy"`):]
	}
	return h[:i] + tag + h[i+end:], true
}

// teaser returns the HTML lists show for p, and whether it is shorter than
// the post.
func teaser(st *site.Settings, p *blog.Post) (template.HTML, bool) {
	body := bodyHTML(st, p)
	if before, _, ok := strings.Cut(body, blog.MoreTag); ok {
		return template.HTML(closeTags(before)), true
	}
	if ex := strings.TrimSpace(p.Excerpt); ex != "" {
		return template.HTML("<p>" + template.HTMLEscapeString(ex) + "</p>"), true
	}
	// A summary only when it is shorter than the post (markup.Summary ends a
	// cut text with "…"); a short post is shown whole.
	if s := markup.Summary(body, 55); strings.HasSuffix(s, "…") {
		return template.HTML("<p>" + template.HTMLEscapeString(s) + "</p>"), true
	}
	return template.HTML(body), false
}

// bodyHTML is p's HTML as readers see it: a Markdown post with curly
// quotes and dashes when the site asks for them (a post imported from
// WordPress has WordPress's own typography already).
func bodyHTML(st *site.Settings, p *blog.Post) string {
	if st.Typography && p.Format != blog.FormatWordPress {
		return markup.Typography(p.BodyHTML)
	}
	return p.BodyHTML
}

// postTitle is p's title as readers see it: curly quotes and dashes when
// the site asks for them, as WordPress's the_title shows every title.
func postTitle(st *site.Settings, p *blog.Post) string {
	if st.Typography || p.Format == blog.FormatWordPress {
		return markup.TypographyText(p.Title)
	}
	return p.Title
}

// description is the meta description of a post: its excerpt, else a
// summary of its text.
func description(p *blog.Post) string {
	if p.Password != "" {
		return "This post is password protected."
	}
	if ex := strings.TrimSpace(p.Excerpt); ex != "" {
		return ex
	}
	return markup.Summary(p.BodyHTML, 30)
}

// imageSizes tells the browser how wide the featured image is shown.
const imageSizes = "(min-width: 56rem) 42rem, 100vw"

// image builds an <img> with a srcset of the stored widths.
func image(st *site.Settings, m *blog.Media) *imageView {
	iv := &imageView{Src: st.Path(st.MediaPath(m, 0)), Alt: m.Alt, Width: m.Width, Height: m.Height, Sizes: imageSizes}
	var set []string
	for _, w := range m.Widths {
		if w < m.Width {
			set = append(set, st.Path(st.MediaPath(m, w))+" "+strconv.Itoa(w)+"w")
			if w <= 960 {
				iv.Src = st.Path(st.MediaPath(m, w))
			}
		}
	}
	if len(set) > 0 {
		set = append(set, st.Path(st.MediaPath(m, 0))+" "+strconv.Itoa(m.Width)+"w")
		iv.Srcset = strings.Join(set, ", ")
	}
	return iv
}

// ogImage is the absolute URL of a post's image for OpenGraph, at 1600
// pixels wide (or the original when smaller).
func ogImage(st *site.Settings, p *blog.Post) string {
	if p.Featured == nil || p.Password != "" {
		return ""
	}
	return st.Abs(st.MediaPath(p.Featured, 1600))
}

func monthName(year, month int) string {
	return time.Month(month).String() + " " + strconv.Itoa(year)
}

// recentCommentsShown is how many comments the sidebar lists.
const recentCommentsShown = 5

// recentComments lists the newest approved comments on public posts for
// the sidebar, each linking to its place in the thread.
func (h *Handler) recentComments(ctx context.Context, st *site.Settings, ver int64, now time.Time) ([]recentComment, error) {
	list, err := h.Store.RecentComments(ctx, recentCommentsShown, now)
	if err != nil {
		return nil, fmt.Errorf("web: recent comments: %w", err)
	}
	link := h.commentLinker(st, ver)
	posts := map[int64]*blog.Post{}
	out := make([]recentComment, 0, len(list))
	for i := range list {
		cm := &list[i]
		p, ok := posts[cm.PostID]
		if !ok {
			if p, err = h.postByID(ctx, cm.PostID); err != nil {
				return nil, fmt.Errorf("web: recent comments: %w", err)
			}
			posts[cm.PostID] = p
		}
		u, err := link(ctx, p, cm.ID)
		if err != nil {
			return nil, fmt.Errorf("web: recent comments: %w", err)
		}
		name := feedAuthor(cm)
		// The sidebar sits on every page: a path, not the absolute URL.
		out = append(out, recentComment{Author: name, Title: p.Title, URL: strings.TrimPrefix(u, st.Origin())})
	}
	return out, nil
}
