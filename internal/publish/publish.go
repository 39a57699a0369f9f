// Package publish reads Markdown files with YAML front matter, as Hugo and
// Jekyll write them, and creates or updates the posts they describe.
package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/quirehq/quire/internal/blog"
	"github.com/quirehq/quire/internal/linkback/send"
	"github.com/quirehq/quire/internal/markup"
	"github.com/quirehq/quire/internal/media"
	"github.com/quirehq/quire/internal/site"
	"github.com/quirehq/quire/internal/store"
)

// Scheduler writes the durable job that publishes a scheduled post, in
// the transaction of tx, so the post and its job are stored together.
type Scheduler interface {
	SchedulePublish(ctx context.Context, tx *store.Store, postID int64, at time.Time) error
}

// Links is told, in the transaction that writes a post, that it changed,
// so the linkback jobs that follow are written with it (send.Sender).
type Links interface {
	PostChanged(ctx context.Context, tx *store.Store, postID int64, ch send.Change) error
}

// Mailer is told, in the transaction that writes a post, that it was
// saved, with the file's email key (nil when the file has none), so the
// post's newsletter issue is written, and started when the post is
// public, with it (newsletter.Service).
type Mailer interface {
	PostSaved(ctx context.Context, tx *store.Store, p *blog.Post, want *bool) (*blog.Issue, error)
}

// Result says what publishing one file did.
type Result struct {
	Path   string
	Action string // "created", "updated" or "unchanged"
	URL    string
	// Email says what became of the post's email (front matter email:
	// true): "sending" (started by this run), "waits" (until the post is
	// published), "held" (public, but no sending engine: the admin's Send
	// now starts it) or "already" (it went out before: never twice);
	// empty when the post has none.
	Email string
}

// Actions a Result reports.
const (
	Created   = "created"
	Updated   = "updated"
	Unchanged = "unchanged"
)

// Options configure a run.
type Options struct {
	Store    *store.Store
	Settings *site.Settings
	Jobs     Scheduler // may be nil: scheduled posts are then left to a sweep
	Links    Links     // may be nil: no linkbacks are sent
	Mail     Mailer    // may be nil: the email key is then ignored
	AuthorID int64     // the author of new posts
	Warn     func(msg string)
	Now      func() time.Time // defaults to time.Now
}

// Files publishes every file in paths (folders are read recursively), all
// or nothing: when any file is invalid nothing is written and the error
// names the file and line.
//
// Front matter keys: title, slug, date, tags, categories (or category),
// status (publish, draft, scheduled, private), excerpt (or summary or
// description), draft, published, type (post or page), parent (a page's
// slug), password, image (a path relative to the file), pings (false
// refuses pingbacks, trackbacks and webmentions, WordPress's "Allow
// pingbacks & trackbacks" unticked; without it a new post takes the site's
// default, and a post published again keeps what it had) and email (true:
// "Also send this post by email", once, when the post is public; false
// withdraws an email still waiting; without it nothing changes). Unknown keys are
// passed to Warn and ignored. A post is found again by its slug, else by a
// Jekyll file name YYYY-MM-DD-slug.md, else by its title, so publishing a
// file twice updates one post. Every problem in every file is reported at
// once, each as a *FileError.
func Files(ctx context.Context, o Options, paths []string) ([]Result, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	loc := o.Settings.Loc
	if loc == nil {
		loc = time.UTC
	}
	files, err := collect(paths)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("publish: no Markdown files (.md or .markdown) found")
	}

	// Read and check everything before writing anything.
	var docs []*doc
	var errs []error
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, &FileError{Path: path, Msg: readProblem(err)})
			continue
		}
		d, ferrs := parseFile(path, data, loc, o.Warn)
		errs = append(errs, ferrs...)
		if d == nil {
			continue
		}
		if d.image != "" {
			if msg := checkImage(d); msg != "" {
				errs = append(errs, &FileError{Path: path, Line: d.imageLine, Msg: msg})
			}
		}
		docs = append(docs, d)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	ordered, errs := order(ctx, o.Store, docs)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	// Every file is written in one transaction with the jobs that publish
	// the scheduled ones: a failure half-way leaves the database as it
	// was, and no post is stored without its job.
	var results []Result
	err = o.Store.InTx(ctx, func(tx *store.Store) error {
		txo := o
		txo.Store = tx
		written := map[string]int64{} // slug → ID of pages written in this run
		results = make([]Result, 0, len(ordered))
		for _, d := range ordered {
			r, s, err := write(ctx, txo, d, written)
			if err != nil {
				return fmt.Errorf("publish: %s: %w", d.path, err)
			}
			results = append(results, r)
			if s != nil && o.Jobs != nil {
				if err := o.Jobs.SchedulePublish(ctx, tx, s.id, s.at); err != nil {
					return fmt.Errorf("publish: schedule %s: %w", s.path, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// scheduled is a post to publish later, whose job is written with it.
type scheduled struct {
	path string
	id   int64
	at   time.Time
}

// collect expands folders into the Markdown files under them, in a stable
// order, keeping files named directly as they are.
func collect(paths []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[filepath.Clean(p)] {
			seen[filepath.Clean(p)] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, &FileError{Path: p, Msg: readProblem(err)}
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return &FileError{Path: path, Msg: readProblem(err)}
			}
			name := e.Name()
			if e.IsDir() {
				if path != p && strings.HasPrefix(name, ".") {
					return fs.SkipDir // .git and the like
				}
				return nil
			}
			if ext := strings.ToLower(filepath.Ext(name)); (ext == ".md" || ext == ".markdown") && !strings.HasPrefix(name, ".") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		for _, f := range found {
			add(f)
		}
	}
	return out, nil
}

// readProblem words a file system error for the person running the command.
func readProblem(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or folder"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

// imagePath is where d's image file is: relative paths start at the
// Markdown file's folder.
func imagePath(d *doc) string {
	if filepath.IsAbs(d.image) {
		return d.image
	}
	return filepath.Join(filepath.Dir(d.path), filepath.FromSlash(d.image))
}

// checkImage makes sure d's image can be used, and explains why not.
func checkImage(d *doc) string {
	p := imagePath(d)
	info, err := os.Stat(p)
	if err != nil {
		return fmt.Sprintf("image %s: %s", p, readProblem(err))
	}
	if info.IsDir() {
		return fmt.Sprintf("image %s is a folder, not an image file", p)
	}
	if info.Size() > media.MaxUploadBytes {
		return fmt.Sprintf("image %s is larger than 20 MB", p)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return fmt.Sprintf("image %s: %s", p, readProblem(err))
	}
	if _, _, err := media.Process(filepath.Base(p), data); err != nil {
		return fmt.Sprintf("image %s: %s", p, imageProblem(err))
	}
	return ""
}

func imageProblem(err error) string {
	if fe, ok := blog.AsValidation(err); ok && fe[media.Field] != "" {
		return fe[media.Field]
	}
	return err.Error()
}

// order checks that no two files describe the same post and that every
// parent exists, and puts parents before their children.
func order(ctx context.Context, st *store.Store, docs []*doc) ([]*doc, []error) {
	var errs []error
	bySlug := map[string]*doc{}
	for _, d := range docs {
		if other, dup := bySlug[d.slug]; dup {
			errs = append(errs, &FileError{Path: d.path, Line: d.lines["slug"],
				Msg: fmt.Sprintf("describes the same post as %s (slug %q)", other.path, d.slug)})
			continue
		}
		bySlug[d.slug] = d
	}
	for _, d := range docs {
		if d.parent == "" {
			continue
		}
		if p, ok := bySlug[d.parent]; ok {
			if p.post.Type != blog.TypePage {
				errs = append(errs, &FileError{Path: d.path, Line: d.parentLine,
					Msg: fmt.Sprintf("the parent %q (%s) is a post, not a page", d.parent, p.path)})
			}
			continue
		}
		p, err := st.PostBySlug(ctx, d.parent)
		switch {
		case errors.Is(err, blog.ErrNotFound):
			errs = append(errs, &FileError{Path: d.path, Line: d.parentLine,
				Msg: fmt.Sprintf("there is no page with the slug %q to be the parent", d.parent)})
		case err != nil:
			errs = append(errs, fmt.Errorf("publish: find parent of %s: %w", d.path, err))
		case p.Type != blog.TypePage:
			errs = append(errs, &FileError{Path: d.path, Line: d.parentLine,
				Msg: fmt.Sprintf("the parent %q is a post, not a page", d.parent)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	var out []*doc
	placed := map[string]bool{}
	for len(out) < len(docs) {
		progress := false
		for _, d := range docs {
			if placed[d.slug] {
				continue
			}
			if _, inBatch := bySlug[d.parent]; d.parent == "" || !inBatch || placed[d.parent] {
				out = append(out, d)
				placed[d.slug] = true
				progress = true
			}
		}
		if !progress {
			for _, d := range docs {
				if !placed[d.slug] {
					errs = append(errs, &FileError{Path: d.path, Line: d.parentLine,
						Msg: "these pages are each other's parents: a loop"})
				}
			}
			return nil, errs
		}
	}
	return out, nil
}

// write creates or updates the post d describes.
func write(ctx context.Context, o Options, d *doc, written map[string]int64) (Result, *scheduled, error) {
	existing, err := find(ctx, o.Store, d.slug)
	if err != nil {
		return Result{}, nil, err
	}
	p := d.post
	p.AuthorID = o.AuthorID
	p.PublishedAt = d.date
	// What the file does not say is kept: whether comments and linkbacks
	// are taken, as the admin may have changed them. A new post takes
	// linkbacks as the site's default says.
	p.PingsClosed = !o.Settings.Discussion.PingsOpen
	if existing != nil {
		p.ID = existing.ID
		p.GUID = existing.GUID
		p.CommentsClosed, p.PingsClosed = existing.CommentsClosed, existing.PingsClosed
		if existing.AuthorID != 0 {
			p.AuthorID = existing.AuthorID
		}
		if p.PublishedAt.IsZero() {
			p.PublishedAt = existing.PublishedAt
		}
	}
	if d.pings != nil {
		p.PingsClosed = !*d.pings
	}
	now := o.Now()
	if p.PublishedAt.IsZero() {
		p.PublishedAt = now
	}
	if d.wantPublished {
		p.Status = blog.StatusPublished
		if p.PublishedAt.After(now) {
			p.Status = blog.StatusScheduled
		}
	}
	if d.parent != "" {
		if id, ok := written[d.parent]; ok {
			p.ParentID = id
		} else {
			parent, err := o.Store.PostBySlug(ctx, d.parent)
			if err != nil {
				return Result{}, nil, fmt.Errorf("find parent: %w", err)
			}
			p.ParentID = parent.ID
		}
	}
	if err := markup.Prepare(&p); err != nil {
		return Result{}, nil, err
	}
	if d.image != "" {
		var current *blog.Media
		if existing != nil && existing.FeaturedID != 0 {
			current = existing.Featured
		}
		id, err := featured(ctx, o, d, current)
		if err != nil {
			return Result{}, nil, err
		}
		p.FeaturedID = id
	}
	changed, err := o.Store.SavePost(ctx, &p)
	if err != nil {
		return Result{}, nil, err
	}
	if changed && o.Links != nil {
		if err := o.Links.PostChanged(ctx, o.Store, p.ID, send.Change{Content: true}); err != nil {
			return Result{}, nil, err
		}
	}
	var email string
	if o.Mail != nil {
		var prior *blog.Issue
		if existing != nil {
			if prior, err = o.Store.IssueByPost(ctx, existing.ID); errors.Is(err, blog.ErrNotFound) {
				prior, err = nil, nil
			}
			if err != nil {
				return Result{}, nil, err
			}
		}
		is, err := o.Mail.PostSaved(ctx, o.Store, &p, d.email)
		if err != nil {
			return Result{}, nil, err
		}
		switch {
		case is == nil:
		case is.Editable() && p.IsPublic(o.Now()):
			email = "held"
		case is.Editable():
			email = "waits"
		case prior != nil && !prior.Editable():
			email = "already"
		default:
			email = "sending"
		}
	}
	if p.Type == blog.TypePage {
		written[p.Slug] = p.ID
	}
	var later *scheduled
	if changed && p.Status == blog.StatusScheduled {
		later = &scheduled{path: d.path, id: p.ID, at: p.PublishedAt}
	}
	saved, err := o.Store.Post(ctx, p.ID)
	if err != nil {
		return Result{}, nil, err
	}
	action := Created
	switch {
	case existing != nil && changed:
		action = Updated
	case existing != nil:
		action = Unchanged
	}
	return Result{Path: d.path, Action: action, URL: o.Settings.PostURL(saved), Email: email}, later, nil
}

// find returns the post known by slug now or before, or nil.
func find(ctx context.Context, st *store.Store, slug string) (*blog.Post, error) {
	p, err := st.PostBySlug(ctx, slug)
	if errors.Is(err, blog.ErrNotFound) {
		p, err = st.PostByOldSlug(ctx, slug)
	}
	if errors.Is(err, blog.ErrNotFound) {
		return nil, nil
	}
	return p, err
}

// featured returns the media ID for d's image: the post's current featured
// image when it is the same file (same stored name and size), else a new
// one.
func featured(ctx context.Context, o Options, d *doc, current *blog.Media) (int64, error) {
	path := imagePath(d)
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("read image: %w", err)
	}
	m, files, err := media.Process(filepath.Base(path), data)
	if err != nil {
		return 0, fmt.Errorf("image %s: %s", path, imageProblem(err))
	}
	// The stored original has its metadata stripped: compare what would be
	// stored with what is, so an unchanged image is not stored twice.
	if current != nil && current.Filename == m.Filename && current.Size == m.Size {
		if f, err := o.Store.MediaFile(ctx, current.ID, 0); err == nil && bytes.Equal(f.Data, files[0].Data) {
			return current.ID, nil
		}
	}
	m.AuthorID = o.AuthorID
	m.Widths = nil // CreateMedia records the widths of the files it stores
	if err := o.Store.CreateMedia(ctx, m, files); err != nil {
		return 0, err
	}
	return m.ID, nil
}
