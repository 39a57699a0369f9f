package wpimport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/wpformat"
	"github.com/quirehq/quire/internal/wxr"
)

// MarkdownMeta is the postmeta in which Quire's export keeps a Markdown
// post's source, which an import restores.
const MarkdownMeta = "_quire_markdown"

// importer is one import's state, inside its transaction.
type importer struct {
	o      Options
	tx     *store.Store
	sv     *survey
	sum    *Summary
	mapped map[string]*blog.User // --map-author, by WordPress login

	site     string // the export's home: the key of its wp_ids rows
	settings *site.Settings
	loc      *time.Location // the old site's clock, for dates without GMT
	fresh    bool           // the site had no posts before

	ids          map[string]map[int64]store.WPID // kind → WordPress ID → row
	authors      map[string]int64                // WordPress login → user
	authorIDs    map[int64]int64                 // WordPress user ID → user
	terms        map[termKey]int64
	channelTerms []*wxr.Term
	termsDone    bool

	media       map[int64]*blog.Media // attachment → its media, when its file came in
	mediaDir    string                // the files gathered before the transaction
	mediaFailed map[int64]string      // why a file did not come
	orphans     []orphan
	oldPaths    []oldPath
	items       int
}

type termKey struct {
	tax  blog.Taxonomy
	slug string
}

// orphan is a page whose parent is set once every page is in.
type orphan struct {
	id, parent int64 // Quire's ID, the parent's WordPress ID
	title      string
}

// oldPath is a post's address on the old site, which answers 301 once the
// post's new address is known.
type oldPath struct {
	id   int64
	path string
	slug string // the slug it wanted, when that was taken
}

func (im *importer) run(ctx context.Context, src io.Reader) error {
	_, im.loc = im.sv.location()
	if err := im.load(ctx); err != nil {
		return err
	}
	if err := im.setUp(ctx); err != nil {
		return err
	}
	if err := im.storeMedia(ctx); err != nil {
		return err
	}
	rd := wxr.NewReader(src)
	if _, err := rd.Channel(); err != nil {
		return err
	}
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch e := e.(type) {
		case *wxr.Author:
			if err := im.author(ctx, e); err != nil {
				return err
			}
		case *wxr.Term:
			im.channelTerms = append(im.channelTerms, e)
		case *wxr.Item:
			if err := im.flushTerms(ctx); err != nil {
				return err
			}
			if err := im.item(ctx, e); err != nil {
				return fmt.Errorf("wpimport: line %d: item %d %q: %w", rd.Line(), e.ID, e.Title, err)
			}
			im.items++
			if im.o.Progress != nil && (im.items%100 == 0 || im.items == im.sv.items) {
				im.o.Progress(Progress{Phase: PhaseImport, Items: im.items, Total: im.sv.items})
			}
			if im.items%500 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
		}
	}
	if err := im.flushTerms(ctx); err != nil {
		return err
	}
	if err := im.finish(ctx); err != nil {
		return err
	}
	return im.tx.MarkChanged(ctx)
}

// load reads what earlier imports of this site made.
func (im *importer) load(ctx context.Context) error {
	im.ids = map[string]map[int64]store.WPID{}
	for _, k := range []string{store.WPPost, store.WPTerm, store.WPUser, store.WPComment, store.WPAttachment} {
		m, err := im.tx.WPIDs(ctx, im.site, k)
		if err != nil {
			return err
		}
		im.ids[k] = m
	}
	im.authors, im.authorIDs, im.terms = map[string]int64{}, map[int64]int64{}, map[termKey]int64{}
	im.media = map[int64]*blog.Media{}
	for old, m := range im.ids[store.WPAttachment] {
		if m.NewID != 0 {
			if md, err := im.tx.Media(ctx, m.NewID); err == nil {
				im.media[old] = md
			}
		}
	}
	_, total, err := im.tx.ListPosts(ctx, blog.PostFilter{Type: "any", IncludeAll: true, Limit: 1})
	if err != nil {
		return err
	}
	im.fresh = total == 0
	return nil
}

// setUp gives a new site the old one's title, description, language, time
// zone and permalinks, so that its old addresses are its new ones where
// they can be; a site that has posts, or has set one of these, keeps its
// own.
func (im *importer) setUp(ctx context.Context) error {
	stored, err := im.tx.Settings(ctx)
	if err != nil {
		return err
	}
	if im.fresh {
		ch := im.sv.channel
		set := map[string]string{}
		put := func(k, v, what string) {
			if _, ok := stored[k]; ok || strings.TrimSpace(v) == "" {
				return
			}
			set[k] = v
			im.sum.note("%s set from the export: %s", what, v)
		}
		put(site.KeyTitle, ch.Title, "site title")
		put(site.KeyDescription, ch.Description, "tagline")
		put(site.KeyLanguage, ch.Language, "language")
		if tz, _ := im.sv.location(); tz != "UTC" {
			put(site.KeyTimeZone, tz, "time zone")
		}
		if pat := im.sv.permalink(); pat != "" {
			put(site.KeyPermalink, pat, "permalinks")
		}
		if len(set) > 0 {
			if err := im.tx.SaveSettings(ctx, set); err != nil {
				return err
			}
		}
	}
	s := site.New(im.tx, site.Overrides{})
	im.settings, _, err = s.Current(ctx)
	return err
}

// author finds or adds the user who owns an author's posts.
func (im *importer) author(ctx context.Context, a *wxr.Author) error {
	if a.Login == "" {
		im.sum.skip(KindAuthor, a.ID, a.DisplayName, "no login")
		return nil
	}
	if u, ok := im.mapped[a.Login]; ok {
		im.setAuthor(a, u.ID)
		im.sum.count(KindAuthor).Unchanged++
		im.sum.note("author %s: posts go to %s (--map-author)", a.Login, u.Email)
		return nil
	}
	if m, ok := im.ids[store.WPUser][a.ID]; ok && a.ID != 0 {
		if _, err := im.tx.User(ctx, m.NewID); err == nil {
			im.setAuthor(a, m.NewID)
			im.sum.count(KindAuthor).Unchanged++
			return nil
		}
	}
	email := blog.NormalizeEmail(a.Email)
	if !blog.ValidEmail(email) {
		// Every user needs a unique address; this one cannot receive mail.
		email = blog.Slugify(a.Login) + "@wordpress.invalid"
	}
	u, err := im.tx.UserByEmail(ctx, email)
	switch {
	case err == nil:
		im.sum.count(KindAuthor).Unchanged++
	case errors.Is(err, blog.ErrNotFound):
		name := strings.TrimSpace(a.DisplayName)
		if name == "" {
			name = strings.TrimSpace(a.FirstName + " " + a.LastName)
		}
		if name == "" {
			name = a.Login
		}
		u = &blog.User{Email: email, Name: name, Login: a.Login, Role: blog.RoleAuthor}
		taken, err := im.tx.ImportUser(ctx, u)
		if err != nil {
			return err
		}
		if taken {
			im.sum.note("author %s: the login was taken; the author's archive is /author/%s/", a.Login, u.Login)
		}
		im.sum.count(KindAuthor).Added++
	default:
		return err
	}
	im.setAuthor(a, u.ID)
	if a.ID != 0 {
		m := store.WPID{Kind: store.WPUser, OldID: a.ID, NewID: u.ID}
		if old := "/author/" + strings.ToLower(a.Login) + "/"; old != "/author/"+u.Login+"/" {
			m.OldPath = old
		}
		return im.setID(ctx, m)
	}
	return nil
}

func (im *importer) setAuthor(a *wxr.Author, id int64) {
	im.authors[a.Login] = id
	if a.ID != 0 {
		im.authorIDs[a.ID] = id
	}
}

func (im *importer) setID(ctx context.Context, m store.WPID) error {
	m.Site = im.site
	if im.ids[m.Kind] == nil {
		im.ids[m.Kind] = map[int64]store.WPID{}
	}
	if old, ok := im.ids[m.Kind][m.OldID]; ok && old == m {
		return nil
	}
	im.ids[m.Kind][m.OldID] = m
	return im.tx.SetWPID(ctx, m)
}

// flushTerms adds the terms the channel declared, each after its parent,
// once (before the first item).
func (im *importer) flushTerms(ctx context.Context) error {
	if im.termsDone {
		return nil
	}
	im.termsDone = true
	list := make([]wxr.Term, 0, len(im.channelTerms))
	for _, t := range im.channelTerms {
		list = append(list, *t)
	}
	im.channelTerms = nil
	parents := map[string]string{} // category slug → its parent's, as WordPress wrote them
	for _, t := range list {
		if t.Taxonomy == wxr.Category {
			parents[t.Slug] = t.Parent
		}
	}
	for _, t := range wxr.SortTerms(list) {
		tax, kind, ok := taxonomy(t.Taxonomy)
		if !ok {
			im.sum.skip("term", t.ID, t.Taxonomy+" "+t.Slug, "Quire has no "+t.Taxonomy+" taxonomy")
			continue
		}
		term := &blog.Term{Taxonomy: tax, Slug: termSlug(t.Slug, t.Name), Name: t.Name, Description: t.Description}
		if term.Name == "" {
			term.Name = t.Slug
		}
		if term.Slug == "" {
			im.sum.skip(kind, t.ID, t.Name, "no usable slug")
			continue
		}
		if t.Parent != "" && tax == blog.Category {
			term.ParentID = im.terms[termKey{tax, termSlug(t.Parent, "")}]
		}
		added, err := im.tx.ImportTerm(ctx, term)
		if err != nil {
			return err
		}
		if added {
			im.sum.count(kind).Added++
		} else {
			im.sum.count(kind).Unchanged++
		}
		im.terms[termKey{tax, term.Slug}] = term.ID
		if t.ID != 0 {
			m := store.WPID{Kind: store.WPTerm, OldID: t.ID, NewID: term.ID}
			if old := oldTermPath(t, parents); old != "" && old != im.termPath(ctx, term) {
				m.OldPath = old
			}
			if err := im.setID(ctx, m); err != nil {
				return err
			}
		}
	}
	return nil
}

// oldTermPath is a category's or tag's archive path on WordPress (with
// its default bases), unescaped.
func oldTermPath(t wxr.Term, parents map[string]string) string {
	unescape := func(s string) string {
		if u, err := url.PathUnescape(s); err == nil {
			return u
		}
		return s
	}
	if t.Taxonomy != wxr.Category {
		return "/tag/" + unescape(t.Slug) + "/"
	}
	chain := []string{unescape(t.Slug)}
	for p, n := parents[t.Slug], 0; p != "" && n < 20; p, n = parents[p], n+1 {
		chain = append([]string{unescape(p)}, chain...)
	}
	return "/category/" + strings.Join(chain, "/") + "/"
}

// termPath is a term's archive path in Quire, unescaped.
func (im *importer) termPath(ctx context.Context, t *blog.Term) string {
	if full, err := im.tx.Term(ctx, t.ID); err == nil {
		t = full
	}
	p := im.settings.TermPath(t)
	if u, err := url.PathUnescape(p); err == nil {
		return u
	}
	return p
}

// taxonomy maps a WordPress taxonomy to Quire's, and the summary's kind.
func taxonomy(tax string) (blog.Taxonomy, string, bool) {
	switch tax {
	case wxr.Category:
		return blog.Category, KindCategory, true
	case wxr.PostTag, "tag":
		return blog.Tag, KindTag, true
	}
	return "", "", false
}

// termSlug makes a WordPress slug (percent-encoded when not ASCII) a Quire
// slug; with no slug, the name's.
func termSlug(slug, name string) string {
	if s, err := url.PathUnescape(slug); err == nil {
		slug = s
	}
	if s := blog.Slugify(slug); s != "" {
		return s
	}
	return blog.Slugify(name)
}

// itemTerm finds (or adds) the term an item names.
func (im *importer) itemTerm(ctx context.Context, it wxr.ItemTerm) (int64, blog.Taxonomy, bool, error) {
	tax, kind, ok := taxonomy(it.Taxonomy)
	if !ok {
		return 0, "", false, nil
	}
	slug := termSlug(it.Slug, it.Name)
	if slug == "" {
		return 0, "", false, nil
	}
	if id, ok := im.terms[termKey{tax, slug}]; ok {
		return id, tax, true, nil
	}
	name := it.Name
	if name == "" {
		name = slug
	}
	term := &blog.Term{Taxonomy: tax, Slug: slug, Name: name}
	added, err := im.tx.ImportTerm(ctx, term)
	if err != nil {
		return 0, "", false, err
	}
	if added {
		im.sum.count(kind).Added++
	}
	im.terms[termKey{tax, slug}] = term.ID
	return term.ID, tax, true, nil
}

// item imports a post or a page with its comments, records an attachment,
// and skips anything else with its reason.
func (im *importer) item(ctx context.Context, it *wxr.Item) error {
	switch it.Type {
	case "attachment":
		return im.attachment(ctx, it)
	case "post", "page":
	case "":
		// WordPress's importer refuses it too ("Invalid post type").
		im.sum.skip("item", it.ID, it.Title, "no post type: WordPress's importer skips it too, with its comments")
		return nil
	default:
		im.sum.skip(it.Type, it.ID, it.Title, "Quire has no "+it.Type+" items")
		return nil
	}
	kind := KindPost
	if it.Type == "page" {
		kind = KindPage
	}
	status, ok := postStatus(it.Status)
	if !ok {
		reason := "status " + strconv.Quote(it.Status) + " is not one Quire keeps"
		if it.Status == "trash" {
			reason = "in the trash"
		}
		im.sum.skip(kind, it.ID, it.Title, reason)
		return nil
	}
	p := &blog.Post{
		Type: blog.TypePost, Status: status, Title: it.Title, Excerpt: it.Excerpt, Password: it.Password,
		Sticky: it.Sticky, CommentsClosed: it.CommentStatus == "closed", PingsClosed: it.PingStatus == "closed",
		GUID: strings.TrimSpace(it.GUID), Format: blog.FormatWordPress, Body: it.Content,
	}
	if it.Type == "page" {
		p.Type, p.Sticky = blog.TypePage, false
	}
	p.Slug = postSlug(it.Name)
	p.PublishedAt = im.date(it.DateGMT, it.Date)
	p.UpdatedAt = im.date(it.ModifiedGMT, it.Modified)
	if p.PublishedAt.IsZero() {
		p.PublishedAt = time.Now().UTC()
	}
	if p.UpdatedAt.IsZero() || p.UpdatedAt.Before(p.PublishedAt) {
		p.UpdatedAt = p.PublishedAt
	}
	p.CreatedAt = p.PublishedAt
	if id, ok := im.authors[it.Creator]; ok {
		p.AuthorID = id
	} else if it.Creator != "" {
		if u, err := im.tx.UserByLogin(ctx, it.Creator); err == nil {
			p.AuthorID = u.ID
		}
	}
	for _, t := range it.Terms {
		id, tax, ok, err := im.itemTerm(ctx, t)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if tax == blog.Category {
			p.Categories = appendTerm(p.Categories, id)
		} else {
			p.Tags = appendTerm(p.Tags, id)
		}
	}
	var thumb int64
	var oldSlugs []string
	for _, m := range it.Meta {
		switch m.Key {
		case "_wp_old_slug":
			oldSlugs = append(oldSlugs, postSlug(m.Value))
		case OldPathMeta:
			if strings.HasPrefix(m.Value, "/") {
				oldSlugs = append(oldSlugs, m.Value)
			}
		case MarkdownMeta:
			p.Format, p.Body = blog.FormatMarkdown, m.Value
		case "_thumbnail_id":
			thumb, _ = strconv.ParseInt(strings.TrimSpace(m.Value), 10, 64)
		}
	}
	if md, ok := im.media[thumb]; ok {
		p.FeaturedID = md.ID
	}
	if err := im.render(p, it.ID); err != nil {
		im.sum.skip(kind, it.ID, it.Title, err.Error())
		return nil
	}
	if m, ok := im.ids[store.WPPost][it.ID]; ok {
		p.ID = m.NewID
	}
	want := p.Slug
	res, taken, err := im.tx.ImportPost(ctx, p)
	if err != nil {
		return err
	}
	im.tally(kind, res)
	if err := im.setID(ctx, store.WPID{Kind: store.WPPost, OldID: it.ID, NewID: p.ID}); err != nil {
		return err
	}
	for _, s := range oldSlugs {
		if s != p.Slug && s != "" {
			if err := im.tx.RememberOld(ctx, p.ID, s); err != nil {
				return err
			}
		}
	}
	if p.Status == blog.StatusScheduled && im.o.Jobs != nil && res != store.ImportUnchanged {
		if err := im.o.Jobs.SchedulePublish(ctx, im.tx, p.ID, p.PublishedAt); err != nil {
			return err
		}
	}
	if p.Type == blog.TypePage {
		im.orphans = append(im.orphans, orphan{id: p.ID, parent: it.Parent, title: it.Title})
	}
	if path, ok := relPath(it.Link, basePath(im.sv.channel)); ok && !strings.Contains(path, "?") && status == blog.StatusPublished {
		op := oldPath{id: p.ID, path: path}
		if taken {
			op.slug = want
		}
		im.oldPaths = append(im.oldPaths, op)
	} else if taken {
		im.sum.note("%s %d %q: the slug %s was taken; it is %s now", strings.TrimSuffix(kind, "s"), it.ID, it.Title, want, p.Slug)
	}
	return im.comments(ctx, it, p.ID)
}

func appendTerm(ts []blog.Term, id int64) []blog.Term {
	for _, t := range ts {
		if t.ID == id {
			return ts
		}
	}
	return append(ts, blog.Term{ID: id})
}

func (im *importer) tally(kind string, res store.ImportResult) {
	c := im.sum.count(kind)
	switch res {
	case store.ImportAdded:
		c.Added++
	case store.ImportUpdated:
		c.Updated++
	default:
		c.Unchanged++
	}
}

// postStatus maps WordPress's post statuses to Quire's.
func postStatus(s string) (blog.Status, bool) {
	switch s {
	case "publish":
		return blog.StatusPublished, true
	case "draft", "auto-draft":
		return blog.StatusDraft, s == "draft"
	case "pending":
		return blog.StatusPending, true
	case "private":
		return blog.StatusPrivate, true
	case "future":
		return blog.StatusScheduled, true
	}
	return "", false
}

// postSlug makes a WordPress post_name (percent-encoded when not ASCII) a
// Quire slug.
func postSlug(name string) string {
	if s, err := url.PathUnescape(name); err == nil {
		name = s
	}
	return blog.Slugify(name)
}

// date reads a WordPress date: the GMT one when there is one, else the
// site's own clock.
func (im *importer) date(gmt, local string) time.Time {
	if t, ok := wxr.ParseDate(gmt, time.UTC); ok {
		return t
	}
	if t, ok := wxr.ParseDate(local, im.loc); ok {
		return t.UTC()
	}
	return time.Time{}
}

// render fills p.BodyHTML from its body, in its format.
func (im *importer) render(p *blog.Post, wpID int64) error {
	if p.Format == blog.FormatMarkdown {
		return markup.Prepare(p)
	}
	html, err := markup.RenderWordPress(p.Body, wpformat.Options{PostID: wpID, Media: im.wpMedia()})
	if err != nil {
		return err
	}
	p.BodyHTML = im.rewriteURLs(html)
	return nil
}

// wpMedia answers wpformat's questions about attachments from the export.
func (im *importer) wpMedia() wpformat.Media {
	return wpformat.Media{
		Attachment: func(id int64) (wpformat.Attachment, bool) {
			a, ok := im.sv.attachments[id]
			if !ok {
				return wpformat.Attachment{}, false
			}
			return wpformat.Attachment{ID: a.ID, URL: a.URL, Caption: a.Caption, Alt: a.Alt}, true
		},
		Attached: func(postID int64) []int64 { return im.sv.attached[postID] },
	}
}

// attachment records an attachment and its URL (and, with a media source,
// brings its file in).
func (im *importer) attachment(ctx context.Context, it *wxr.Item) error {
	a := im.sv.attachments[it.ID]
	if a == nil || a.URL == "" {
		im.sum.skip(KindAttachment, it.ID, it.Title, "no file URL")
		return nil
	}
	m := store.WPID{Kind: store.WPAttachment, OldID: it.ID, URL: a.URL, Parent: it.Parent}
	if p, ok := relPath(a.URL, basePath(im.sv.channel)); ok && !strings.Contains(p, "?") {
		m.OldPath, _ = url.PathUnescape(p)
	} else if u, err := url.Parse(a.URL); err == nil {
		m.OldPath = u.Path
	}
	prev, had := im.ids[store.WPAttachment][it.ID]
	if had {
		m.NewID = prev.NewID
	}
	if md, ok := im.media[it.ID]; ok {
		m.NewID = md.ID
	}
	switch {
	case !had:
		im.sum.count(KindAttachment).Added++
	case prev.NewID != m.NewID:
		im.sum.count(KindAttachment).Updated++
	default:
		im.sum.count(KindAttachment).Unchanged++
	}
	return im.setID(ctx, m)
}

// comments imports an item's comments, oldest ID first, then threads them.
func (im *importer) comments(ctx context.Context, it *wxr.Item, postID int64) error {
	if len(it.Comments) == 0 {
		return nil
	}
	cs := slices.Clone(it.Comments)
	slices.SortStableFunc(cs, func(a, b wxr.Comment) int { return int(min(max(a.ID-b.ID, -1), 1)) })
	type reply struct{ id, parent int64 }
	var replies []reply
	var newIDs []store.WPID
	for i := range cs {
		c := &cs[i]
		typ, kind, ok := commentType(c.Kind())
		if !ok {
			reason := "comment type " + strconv.Quote(c.Kind()) + " is not one Quire shows"
			if c.Kind() == wxr.TypeNote {
				reason = "an editor's note, not published"
			}
			im.sum.skip("comment", c.ID, it.Title, reason)
			continue
		}
		status, ok := commentStatus(c.Approved)
		if !ok {
			im.sum.skip(kind, c.ID, it.Title, "approval "+strconv.Quote(c.Approved)+" is not one Quire keeps")
			continue
		}
		qc := &blog.Comment{
			PostID: postID, Type: typ, Status: status, AuthorName: c.Author, AuthorEmail: c.AuthorEmail,
			AuthorURL: c.AuthorURL, AuthorIP: c.AuthorIP, Content: c.Content,
			ContentHTML: markup.RenderWordPressComment(c.Content), CreatedAt: im.date(c.DateGMT, c.Date),
		}
		if qc.CreatedAt.IsZero() {
			qc.CreatedAt = time.Now().UTC()
		}
		for _, m := range c.Meta {
			if m.Key == "_quire_user_agent" {
				qc.UserAgent = m.Value
			}
		}
		if c.UserID != 0 {
			qc.UserID = im.authorIDs[c.UserID]
		}
		if typ.IsLinkback() {
			qc.SourceURL = c.AuthorURL
		}
		if m, ok := im.ids[store.WPComment][c.ID]; ok && c.ID != 0 {
			qc.ID = m.NewID
		}
		res, err := im.tx.ImportComment(ctx, qc)
		if err != nil {
			return err
		}
		im.tally(kind, res)
		if c.ID != 0 {
			m := store.WPID{Site: im.site, Kind: store.WPComment, OldID: c.ID, NewID: qc.ID}
			if old, ok := im.ids[store.WPComment][c.ID]; !ok || old != m {
				im.ids[store.WPComment][c.ID] = m
				newIDs = append(newIDs, m)
			}
		}
		// A new comment has no parent yet; one imported before may have.
		if c.Parent != 0 || res != store.ImportAdded {
			replies = append(replies, reply{qc.ID, c.Parent})
		}
	}
	if err := im.tx.SetWPIDs(ctx, newIDs); err != nil {
		return err
	}
	for _, r := range replies {
		var parent int64
		if r.parent != 0 {
			if m, ok := im.ids[store.WPComment][r.parent]; ok {
				parent = m.NewID
			}
		}
		if err := im.tx.SetCommentParent(ctx, r.id, parent); err != nil {
			return err
		}
	}
	return nil
}

// commentType maps a WordPress comment type to Quire's, and the summary's
// kind.
func commentType(t string) (blog.CommentType, string, bool) {
	switch t {
	case wxr.TypeComment:
		return blog.TypeComment, KindComment, true
	case wxr.TypePingback:
		return blog.TypePingback, KindPingback, true
	case wxr.TypeTrackback:
		return blog.TypeTrackback, KindTrackback, true
	case "webmention":
		return blog.TypeWebmention, KindPingback, true
	}
	return "", "", false
}

// commentStatus maps wp:comment_approved to Quire's comment status.
func commentStatus(a string) (blog.CommentStatus, bool) {
	switch a {
	case wxr.Approved:
		return blog.CommentApproved, true
	case wxr.Unapproved, "":
		return blog.CommentPending, true
	case wxr.Spam:
		return blog.CommentSpam, true
	case wxr.Trash, "post-trashed":
		return blog.CommentTrash, true
	}
	return "", false
}

// finish sets the pages' parents, then makes each post's old address answer
// 301 where it differs from the new one.
func (im *importer) finish(ctx context.Context) error {
	for _, o := range im.orphans {
		var parent int64
		if o.parent != 0 {
			m, ok := im.ids[store.WPPost][o.parent]
			if !ok {
				im.sum.note("page %q: its parent page (%d) was not imported; it is a top-level page", o.title, o.parent)
			} else {
				parent = m.NewID
			}
		}
		if _, err := im.tx.SetPostParent(ctx, o.id, parent); err != nil {
			if _, ok := blog.AsValidation(err); ok {
				im.sum.note("page %q: %v; it is a top-level page", o.title, err)
				continue
			}
			return err
		}
	}
	for _, op := range im.oldPaths {
		p, err := im.tx.Post(ctx, op.id)
		if err != nil {
			return err
		}
		cur := im.settings.PostPath(p)
		old, err := url.PathUnescape(op.path)
		if err != nil {
			old = op.path
		}
		now, err := url.PathUnescape(cur)
		if err != nil {
			now = cur
		}
		if old == now || !strings.HasSuffix(old, "/") && old+"/" == now {
			continue
		}
		if err := im.tx.RememberOld(ctx, p.ID, old); err != nil {
			return err
		}
		if op.slug != "" {
			im.sum.note("%s %q: the slug %s was taken; it is %s now, and %s answers 301 to %s", p.Type, p.Title,
				op.slug, p.Slug, old, now)
		}
	}
	return nil
}
