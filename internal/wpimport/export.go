package wpimport

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
	"github.com/quirehq/quire/internal/wxr"
)

// OldPathMeta is the postmeta in which an export keeps the whole old paths
// that answer 301 to a post (old slugs go in WordPress's own
// _wp_old_slug), which an import restores.
const OldPathMeta = "_quire_old_path"

// exportPage is how many posts an export reads at a time.
const exportPage = 200

// Export writes the whole site to w as WXR 1.2, which WordPress's importer
// reads: the users as authors, the categories (each after its parent) and
// tags, every post and page with its terms and comments (threading as
// comment_parent, linkbacks as pingbacks and trackbacks), and the images
// as attachments. A WordPress post's content is written as it was
// imported; a Markdown post's as its HTML, with its Markdown source in
// the _quire_markdown postmeta, which an import restores.
func Export(ctx context.Context, st *store.Store, set *site.Settings, w io.Writer, now time.Time) error {
	xw := wxr.NewWriter(w)
	if err := xw.WriteChannel(&wxr.Channel{
		Title: set.Title, Link: set.BaseURL, Description: set.Description,
		PubDate: now.UTC().Format(time.RFC1123Z), Language: set.Language, Generator: "Quire",
		BaseSiteURL: set.BaseURL, BaseBlogURL: set.BaseURL,
	}); err != nil {
		return err
	}
	users, err := st.Users(ctx)
	if err != nil {
		return err
	}
	logins := map[int64]string{}
	for _, u := range users {
		logins[u.ID] = u.Login
		first, last, _ := strings.Cut(u.Name, " ")
		if err := xw.WriteAuthor(&wxr.Author{ID: u.ID, Login: u.Login, Email: u.Email, DisplayName: u.Name,
			FirstName: first, LastName: last}); err != nil {
			return err
		}
	}
	var terms []wxr.Term
	for _, tax := range []blog.Taxonomy{blog.Category, blog.Tag} {
		ts, err := st.Terms(ctx, tax)
		if err != nil {
			return err
		}
		slugs := map[int64]string{}
		for _, t := range ts {
			slugs[t.ID] = t.Slug
		}
		for _, t := range ts {
			wt := wxr.Term{ID: t.ID, Taxonomy: wxr.Category, Slug: t.Slug, Name: t.Name, Description: t.Description,
				Parent: slugs[t.ParentID]}
			if tax == blog.Tag {
				wt.Taxonomy, wt.Parent = wxr.PostTag, ""
			}
			terms = append(terms, wt)
		}
	}
	slices.SortStableFunc(terms, func(a, b wxr.Term) int { return int(min(max(a.ID-b.ID, -1), 1)) })
	for _, t := range wxr.SortTerms(terms) {
		if err := xw.WriteTerm(&t); err != nil {
			return err
		}
	}
	maxID, err := st.MaxPostID(ctx)
	if err != nil {
		return err
	}
	statuses := []blog.Status{blog.StatusPublished, blog.StatusDraft, blog.StatusPending, blog.StatusPrivate,
		blog.StatusScheduled, blog.StatusTrash}
	for off := 0; ; off += exportPage {
		ps, _, err := st.ListPosts(ctx, blog.PostFilter{Type: "any", Statuses: statuses, Limit: exportPage, Offset: off})
		if err != nil {
			return err
		}
		for i := range ps {
			if ps[i].Type == blog.TypePage && ps[i].ParentID != 0 {
				// Lists leave out a page's ancestors, which its link needs.
				full, err := st.Post(ctx, ps[i].ID)
				if err != nil {
					return err
				}
				ps[i] = *full
			}
			it, err := exportItem(ctx, st, set, &ps[i], logins, maxID)
			if err != nil {
				return err
			}
			if err := xw.WriteItem(it); err != nil {
				return err
			}
		}
		if len(ps) < exportPage {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	for off := 0; ; off += exportPage {
		ms, err := st.ListMedia(ctx, exportPage, off)
		if err != nil {
			return err
		}
		for _, m := range ms {
			at := m.CreatedAt
			it := &wxr.Item{
				Title: m.Filename, Link: set.Abs(set.MediaPath(&m, 0)), PubDate: at.Format(time.RFC1123Z),
				Creator: logins[m.AuthorID], GUID: set.Abs(set.MediaPath(&m, 0)), ID: maxID + m.ID,
				Date: wxr.FormatDate(at.In(set.Loc)), DateGMT: wxr.FormatDate(at.UTC()),
				Modified: wxr.FormatDate(at.In(set.Loc)), ModifiedGMT: wxr.FormatDate(at.UTC()),
				CommentStatus: "closed", PingStatus: "closed", Name: blog.Slugify(m.Filename), Status: "inherit",
				Type: "attachment", AttachmentURL: set.Abs(set.MediaPath(&m, 0)),
			}
			if m.Alt != "" {
				it.Meta = append(it.Meta, wxr.Meta{Key: "_wp_attachment_image_alt", Value: m.Alt})
			}
			if err := xw.WriteItem(it); err != nil {
				return err
			}
		}
		if len(ms) < exportPage {
			break
		}
	}
	return xw.Close()
}

// exportItem is a post or page as WordPress's export writes it.
func exportItem(ctx context.Context, st *store.Store, set *site.Settings, p *blog.Post, logins map[int64]string, maxMedia int64) (*wxr.Item, error) {
	it := &wxr.Item{
		Title: p.Title, Link: set.PostURL(p), PubDate: p.PublishedAt.UTC().Format(time.RFC1123Z),
		Creator: logins[p.AuthorID], GUID: p.GUID, Excerpt: p.Excerpt, ID: p.ID,
		Date: wxr.FormatDate(p.PublishedAt.In(set.Loc)), DateGMT: wxr.FormatDate(p.PublishedAt.UTC()),
		Modified: wxr.FormatDate(p.UpdatedAt.In(set.Loc)), ModifiedGMT: wxr.FormatDate(p.UpdatedAt.UTC()),
		CommentStatus: "open", PingStatus: "open", Name: p.Slug, Status: string(p.Status), Parent: p.ParentID,
		Type: string(p.Type), Password: p.Password, Sticky: p.Sticky,
	}
	if p.CommentsClosed {
		it.CommentStatus = "closed"
	}
	if p.PingsClosed {
		it.PingStatus = "closed"
	}
	if p.Format == blog.FormatWordPress {
		it.Content = p.Body
	} else {
		it.Content = strings.Replace(p.BodyHTML, blog.MoreTag+"\n", blog.MoreTag, 1)
		it.Meta = append(it.Meta, wxr.Meta{Key: MarkdownMeta, Value: p.Body})
	}
	for _, t := range p.Categories {
		it.Terms = append(it.Terms, wxr.ItemTerm{Taxonomy: wxr.Category, Slug: t.Slug, Name: t.Name})
	}
	for _, t := range p.Tags {
		it.Terms = append(it.Terms, wxr.ItemTerm{Taxonomy: wxr.PostTag, Slug: t.Slug, Name: t.Name})
	}
	if p.FeaturedID != 0 {
		it.Meta = append(it.Meta, wxr.Meta{Key: "_thumbnail_id", Value: strconv.FormatInt(maxMedia+p.FeaturedID, 10)})
	}
	olds, err := st.OldAddresses(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	for _, o := range olds {
		key := "_wp_old_slug"
		if strings.HasPrefix(o, "/") {
			key = OldPathMeta
		}
		it.Meta = append(it.Meta, wxr.Meta{Key: key, Value: o})
	}
	cs, err := st.PostComments(ctx, p.ID, blog.CommentApproved, blog.CommentPending, blog.CommentSpam, blog.CommentTrash)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(cs, func(a, b blog.Comment) int { return int(min(max(a.ID-b.ID, -1), 1)) })
	for _, c := range cs {
		wc := wxr.Comment{
			ID: c.ID, Author: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL, AuthorIP: c.AuthorIP,
			Date: wxr.FormatDate(c.CreatedAt.In(set.Loc)), DateGMT: wxr.FormatDate(c.CreatedAt.UTC()),
			Content: c.Content, Approved: approval(c.Status), Type: string(c.Type), Parent: c.ParentID, UserID: c.UserID,
		}
		if c.UserAgent != "" {
			wc.Meta = append(wc.Meta, wxr.Meta{Key: "_quire_user_agent", Value: c.UserAgent})
		}
		it.Comments = append(it.Comments, wc)
	}
	return it, nil
}

// approval is a comment status as wp:comment_approved writes it.
func approval(s blog.CommentStatus) string {
	switch s {
	case blog.CommentApproved:
		return wxr.Approved
	case blog.CommentSpam:
		return wxr.Spam
	case blog.CommentTrash:
		return wxr.Trash
	}
	return wxr.Unapproved
}
