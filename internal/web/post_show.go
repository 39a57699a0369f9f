package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/linkback"
	"github.com/quirehq/quire/internal/site"
)

// moreAnchor replaces <!--more--> in a single post so "Continue reading"
// links land where the teaser ended.
const moreAnchor = `<span id="more"></span>`

// postOpts is what a request adds to showing a post.
type postOpts struct {
	pwErr  string    // shown beside the password form after a wrong password
	cpage  int       // page of the comments (1, or 0, for the permalink)
	form   *formView // a refused comment form, as the reader left it
	status int       // the response status; 200 when zero
}

// showPost renders a single post or page with its discussion. A
// password-protected one shows the password form until the reader's cookie
// proves they know it; either way its response is personal and never
// cached. So is a page showing anything of one reader's own: their saved
// name and email, their held comment, their refused form, their session.
func (h *Handler) showPost(w http.ResponseWriter, r *http.Request, st *site.Settings, ver int64, c *chrome, p *blog.Post, o postOpts) {
	ctx := r.Context()
	if o.cpage < 1 {
		o.cpage = 1
	}
	if o.status == 0 {
		o.status = http.StatusOK
	}
	locked := false
	mine := o.form != nil
	if p.Password != "" {
		mine = true
		ok, err := h.passwordCookieOK(r, p)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		locked = !ok
	}
	ds := &discussionState{page: o.cpage, form: o.form}
	var approved []blog.Comment // shared with other requests: read only
	if !locked {
		var err error
		if approved, err = h.approvedComments(ctx, ver, p.ID); err != nil {
			h.fail(w, r, err)
			return
		}
		if h.wantsPersonal(r) {
			if ds.user, err = h.sessionUser(r); err != nil {
				h.fail(w, r, err)
				return
			}
			if ds.held, err = h.heldComment(ctx, r, p); err != nil {
				h.fail(w, r, err)
				return
			}
			if o.form == nil {
				ds.cookieForm = readCommenter(r)
			}
			mine = mine || ds.user != nil || ds.held != nil || ds.cookieForm != nil || r.URL.Query().Has("unapproved")
		}
		if id, err := strconv.ParseInt(r.URL.Query().Get("replytocom"), 10, 64); err == nil && id > 0 {
			ds.replyTo = id
		}
	}
	if p.Type == blog.TypePost {
		advertiseLinkbacks(w.Header(), st)
	}
	if mine {
		personal(w)
	} else {
		lm := p.UpdatedAt
		if c.lastMod.After(lm) {
			lm = c.lastMod
		}
		for i := range approved {
			if approved[i].UpdatedAt.After(lm) {
				lm = approved[i].UpdatedAt
			}
		}
		if h.publicCache(w, r, ver, lm) {
			return
		}
	}

	isPage := p.Type == blog.TypePage
	pv := h.newPage(r, st, c, postTitle(st, p))
	pv.Canonical = st.Abs(commentPagePath(st.PostPath(p), o.cpage))
	if o.cpage > 1 {
		pv.Title = p.Title + " – Comments page " + strconv.Itoa(o.cpage) + " – " + st.Title
	}
	pv.Description = description(p)
	if p.Type == blog.TypePost {
		pv.Webmention, pv.Pingback = st.Abs(linkback.WebmentionPath), st.Abs(linkback.PingbackPath)
	}
	view := &postView{itemView: item(st, p), PostID: p.ID, IsPage: isPage}
	view.Minutes = blog.ReadingMinutes(p.Body)
	pv.Post = view
	if locked {
		view.NeedPassword, view.PasswordError, view.PasswordAction = true, o.pwErr, st.Path("/post-password/")
		view.Image = nil
		pv.Robots = "noindex"
	} else {
		body := strings.Replace(bodyHTML(st, p), blog.MoreTag, moreAnchor, 1)
		if view.Image != nil {
			view.Image.Priority = true
		} else {
			body, _ = eagerFirstImage(body)
		}
		view.Body = template.HTML(body)
		cv, err := h.discussion(r, st, ver, p, approved, ds)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		view.Comments = cv
		if ds.replyTo != 0 || ds.held != nil || o.cpage > 1 && len(cv.Thread) == 0 {
			pv.Robots = "noindex"
		}
		if st.Discussion.ShowGravatar && len(cv.Thread) > 0 {
			allowImages(w, gravatarOrigin)
		}
		allowImages(w, cv.photoOrigins...)
	}
	for _, a := range p.Parents {
		anc := a
		anc.Type = blog.TypePage
		anc.Parents = nil
		for _, b := range p.Parents {
			if b.ID == a.ID {
				break
			}
			anc.Parents = append(anc.Parents, b)
		}
		view.Breadcrumbs = append(view.Breadcrumbs, link{Title: a.Title, URL: st.Path(st.PostPath(&anc))})
	}

	kind := "article"
	if isPage {
		kind = "website"
	}
	img := ogImage(st, p)
	pv.setOpenGraph(st, kind, p.Title, pv.Description, pv.Canonical, img)
	if !isPage {
		pv.Meta = append(pv.Meta, metaTag{Property: "article:published_time", Content: p.PublishedAt.UTC().Format(time.RFC3339)},
			metaTag{Property: "article:modified_time", Content: p.UpdatedAt.UTC().Format(time.RFC3339)})
		if !locked {
			view.Share = share(st, p)
		}
		prev, next, err := h.adjacent(ctx, p)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if prev != nil {
			view.Prev = &link{Title: prev.Title, URL: st.Path(st.PostPath(prev))}
		}
		if next != nil {
			view.Next = &link{Title: next.Title, URL: st.Path(st.PostPath(next))}
		}
		ld, err := articleJSONLD(st, p, pv.Description, img)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		pv.JSONLD = ld
	}
	if err := h.render(w, o.status, "post", pv); err != nil {
		h.fail(w, r, err)
	}
}

// ldPerson and the types below are the schema.org JSON-LD of a post.
type ldPerson struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type ldArticle struct {
	Context       string    `json:"@context"`
	Type          string    `json:"@type"`
	Headline      string    `json:"headline"`
	Description   string    `json:"description,omitempty"`
	URL           string    `json:"url"`
	MainEntity    string    `json:"mainEntityOfPage"`
	DatePublished string    `json:"datePublished"`
	DateModified  string    `json:"dateModified"`
	Image         string    `json:"image,omitempty"`
	Author        *ldPerson `json:"author,omitempty"`
	Publisher     ldPerson  `json:"publisher"`
	Keywords      string    `json:"keywords,omitempty"`
}

// articleJSONLD builds the JSON-LD of a post. encoding/json escapes <, >
// and &, so the result cannot end the <script> element it sits in.
func articleJSONLD(st *site.Settings, p *blog.Post, desc, img string) (template.JS, error) {
	a := ldArticle{
		Context: "https://schema.org", Type: "BlogPosting", Headline: p.Title, Description: desc,
		URL: st.PostURL(p), MainEntity: st.PostURL(p), Image: img,
		DatePublished: p.PublishedAt.In(st.Loc).Format(time.RFC3339),
		DateModified:  p.UpdatedAt.In(st.Loc).Format(time.RFC3339),
		Publisher:     ldPerson{Type: "Organization", Name: st.Title, URL: st.Abs("/")},
	}
	if p.Author != nil {
		a.Author = &ldPerson{Type: "Person", Name: p.Author.Name, URL: st.Abs(st.AuthorPath(p.Author))}
	}
	var kw []string
	for _, t := range p.Tags {
		kw = append(kw, t.Name)
	}
	a.Keywords = strings.Join(kw, ", ")
	b, err := json.Marshal(a)
	if err != nil {
		return "", err
	}
	return template.JS(b), nil
}

// advertiseLinkbacks tells senders where this site takes linkbacks, on
// every response for a post (GET and HEAD, fresh, 304 or from the page
// cache): the Webmention endpoint in a Link header, and the Pingback
// server in X-Pingback, both absolute. The page repeats them in <link>
// elements.
func advertiseLinkbacks(h http.Header, st *site.Settings) {
	h.Add("Link", "<"+st.Abs(linkback.WebmentionPath)+">; rel=\"webmention\"")
	h.Set("X-Pingback", st.Abs(linkback.PingbackPath))
}
