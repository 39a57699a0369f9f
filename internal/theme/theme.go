// Package theme holds the embedded templates and static files of the
// default theme; a theme directory can override any of them by name.
//
// A theme is two folders: templates/ and static/. Templates whose names
// start with an underscore (_layout.html, _parts.html) are shared by every
// page; each other template (home.html, post.html, 404.html…) is a page,
// parsed once at Load on top of the shared ones. A theme directory given to
// Load holds the same two folders; a file there replaces the embedded file
// of the same name, and new files are added.
package theme

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

//go:embed all:templates static
var embedded embed.FS

// StaticFile is one static file of the theme, with its content hash.
type StaticFile struct {
	Name        string
	Data        []byte
	ContentType string
	Hash        string // first 16 hex digits of the SHA-256 of Data
}

// Theme is a loaded set of templates and static files.
type Theme struct {
	master  templates // parsed once, never executed: cloned for each prefix
	static  map[string]*StaticFile
	version string
	bufs    sync.Pool

	mu    sync.Mutex
	bound map[string]*templates // by path prefix ("" at the root)
}

// templates are the page templates and the shared (underscore) ones.
type templates struct {
	shared *template.Template // for RenderPart
	pages  map[string]*template.Template
}

// Load returns the default theme, with files in dir (when not empty)
// overriding the embedded ones of the same name.
func Load(dir string) (*Theme, error) {
	var over fs.FS
	if dir != "" {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("theme: %s is not a directory", dir)
		}
		over = os.DirFS(dir)
	}
	tmpls, err := collect(over, "templates", ".html")
	if err != nil {
		return nil, err
	}
	statics, err := collect(over, "static", "")
	if err != nil {
		return nil, err
	}
	t := &Theme{master: templates{pages: map[string]*template.Template{}}, static: map[string]*StaticFile{}}
	t.bufs.New = func() any { return new(bytes.Buffer) }

	all := sha256.New()
	for _, name := range sortedKeys(statics) {
		data := statics[name]
		sum := sha256.Sum256(data)
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" && path.Ext(name) == ".ico" { // not in Go's own table; systems may lack it too
			ct = "image/vnd.microsoft.icon"
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		t.static[name] = &StaticFile{Name: name, Data: data, ContentType: ct, Hash: hex.EncodeToString(sum[:8])}
		fmt.Fprintf(all, "s:%s:%x\n", name, sum)
	}

	base := template.New("").Funcs(t.funcs(""))
	var pageNames []string
	for _, name := range sortedKeys(tmpls) {
		sum := sha256.Sum256(tmpls[name])
		fmt.Fprintf(all, "t:%s:%x\n", name, sum)
		if strings.HasPrefix(name, "_") {
			if _, err := base.New(name).Parse(string(tmpls[name])); err != nil {
				return nil, fmt.Errorf("theme: parse %s: %w", name, err)
			}
			continue
		}
		pageNames = append(pageNames, name)
	}
	for _, name := range pageNames {
		c, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		if _, err := c.New(name).Parse(string(tmpls[name])); err != nil {
			return nil, fmt.Errorf("theme: parse %s: %w", name, err)
		}
		t.master.pages[strings.TrimSuffix(name, ".html")] = c.Lookup(name)
	}
	t.master.shared = base
	t.version = hex.EncodeToString(all.Sum(nil)[:8])
	return t, nil
}

// collect reads every file under folder in the embedded theme, then in
// over (when not nil), the latter replacing the former by name. When ext is
// not empty only files ending in it are read. Names are relative to folder.
func collect(over fs.FS, folder, ext string) (map[string][]byte, error) {
	out := map[string][]byte{}
	read := func(fsys fs.FS, optional bool) error {
		err := fs.WalkDir(fsys, folder, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || (ext != "" && !strings.HasSuffix(p, ext)) || strings.HasPrefix(d.Name(), ".") {
				return nil
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			out[strings.TrimPrefix(p, folder+"/")] = data
			return nil
		})
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("theme: read %s: %w", folder, err)
		}
		return nil
	}
	if err := read(embedded, false); err != nil {
		return nil, err
	}
	if over != nil {
		if err := read(over, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Version identifies the theme's files; it changes when any file does, so
// it belongs in every cache key of a rendered page.
func (t *Theme) Version() string { return t.version }

// Has reports whether the theme has a page template named page ("post").
func (t *Theme) Has(page string) bool { _, ok := t.master.pages[page]; return ok }

// funcs are the template functions that depend on the site's path prefix
// ("/blog" for a site at https://example.com/blog): asset, and path, which
// puts the prefix before a path from the site's root ({{path "/feed/"}}).
func (t *Theme) funcs(prefix string) template.FuncMap {
	return template.FuncMap{
		"asset": func(name string) string { return prefix + t.Asset(name) },
		"path":  func(p string) string { return prefix + p },
	}
}

// maxBound bounds the prefixes kept bound at once: a prefix comes from the
// site's settings, so there is one in practice (two while it changes).
const maxBound = 4

// at returns the templates bound to prefix, cloning the master set the
// first time a prefix is asked for.
func (t *Theme) at(prefix string) (*templates, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if b := t.bound[prefix]; b != nil {
		return b, nil
	}
	if t.bound == nil || len(t.bound) >= maxBound {
		t.bound = map[string]*templates{}
	}
	fm := t.funcs(prefix)
	b := &templates{pages: make(map[string]*template.Template, len(t.master.pages))}
	var err error
	if b.shared, err = t.master.shared.Clone(); err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	b.shared.Funcs(fm)
	for name, pt := range t.master.pages {
		c, err := pt.Clone()
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		b.pages[name] = c.Funcs(fm)
	}
	t.bound[prefix] = b
	return b, nil
}

// Render executes the page template page ("home", "post", "404"…) with
// data into w, for a site at the root of its host. The page is rendered
// in full before anything is written, so a template error never leaves
// half a page.
func (t *Theme) Render(w io.Writer, page string, data any) error {
	return t.RenderAt(w, "", page, data)
}

// RenderAt is Render for a site under the path prefix ("/blog", as
// site.Settings.Prefix gives it): the asset and path functions put it
// before the paths they give.
func (t *Theme) RenderAt(w io.Writer, prefix, page string, data any) error {
	b, err := t.at(prefix)
	if err != nil {
		return err
	}
	tm, ok := b.pages[page]
	if !ok {
		return fmt.Errorf("theme: no page template %q", page)
	}
	buf := t.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() < 1<<20 {
			t.bufs.Put(buf)
		}
	}()
	if err := tm.Execute(buf, data); err != nil {
		return fmt.Errorf("theme: render %s: %w", page, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("theme: write %s: %w", page, err)
	}
	return nil
}

// RenderPart executes a template defined in the shared (underscore) files,
// such as "sidebar-lists", on its own. Parts that depend only on the site's
// content can be rendered once per content version and given to pages as
// template.HTML.
func (t *Theme) RenderPart(w io.Writer, name string, data any) error {
	return t.RenderPartAt(w, "", name, data)
}

// RenderPartAt is RenderPart for a site under the path prefix (see
// RenderAt).
func (t *Theme) RenderPartAt(w io.Writer, prefix, name string, data any) error {
	b, err := t.at(prefix)
	if err != nil {
		return err
	}
	if b.shared.Lookup(name) == nil {
		return fmt.Errorf("theme: no template %q", name)
	}
	if err := b.shared.ExecuteTemplate(w, name, data); err != nil {
		return fmt.Errorf("theme: render %s: %w", name, err)
	}
	return nil
}

// HasPart reports whether the shared (underscore) files define the template
// name, so a page can fall back when a theme's own files predate a part.
func (t *Theme) HasPart(name string) bool { return t.master.shared.Lookup(name) != nil }

// Static returns the static file name ("style.css"), if the theme has it.
func (t *Theme) Static(name string) (*StaticFile, bool) {
	f, ok := t.static[name]
	return f, ok
}

// Asset returns the URL path of static file name with its content hash as
// a version query, so it can be cached for a long time and still change
// when the file does. An unknown name gives its plain path. The path is
// from the site's root; templates' asset puts the site's prefix before it.
func (t *Theme) Asset(name string) string {
	p := "/static/" + filepath.ToSlash(name)
	if f, ok := t.static[name]; ok {
		return p + "?v=" + f.Hash
	}
	return p
}
